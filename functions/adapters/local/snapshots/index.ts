export {
  LocalSnapshotStore,
  type LocalSnapshotStoreOptions,
} from './local-snapshot-store.ts';
export type { PausableRuntime } from './store-context.ts';
