/**
 * Captures one snapshot of a stopped sandbox in a process of its own, so
 * that a test can kill it midway like a crash would.
 * Arguments: data dir, sandbox id, snapshot id.
 */
import { LocalSnapshotStore } from '../../../../functions/adapters/local/snapshots/index.ts';

const [dataDir = '', sandboxId = '', snapshotId = ''] = process.argv.slice(2);
const store = new LocalSnapshotStore({
  dataDir,
  runtime: { isRunning: async () => false },
});
await store.capture(sandboxId, snapshotId);
