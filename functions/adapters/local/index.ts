export { EXEC_OUTPUT_LIMIT_BYTES } from './captured-process.ts';
export {
  detectLocalRuntime,
  type LocalRuntimeOptions,
  namespaceProblem,
} from './detect.ts';
export {
  NamespaceRuntime,
  type NamespaceRuntimeOptions,
} from './namespace-runtime.ts';
export {
  UnisolatedRuntime,
  type UnisolatedRuntimeOptions,
} from './unisolated-runtime.ts';
