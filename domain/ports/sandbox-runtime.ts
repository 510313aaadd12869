import type { Isolation } from '../sandbox/isolation.ts';
import type { SandboxResources } from '../sandbox/sizes.ts';

/** What a runtime needs to boot a sandbox. */
export interface SandboxSpec {
  id: string;
  tenantId: string;
  image: string;
  resources: SandboxResources;
  /**
   * The snapshot that holds the sandbox's disk, for runtimes that rebuild
   * the disk from snapshots (EBS on AWS); null for a new sandbox. A local
   * runtime keeps its disk and ignores it.
   */
  bootSnapshot: { snapshotId: string; providerId: string | null } | null;
  /** The same for every retry of one start, different for the next. */
  startToken: number;
}

/** What a sandbox uses right now; zeros where it is not running. */
export interface SandboxUsage {
  running: boolean;
  /** CPU time all its processes used since it booted, cumulative. */
  cpuSeconds: number;
  memoryBytes: number;
  /** Bytes its own layer (what it wrote over its image) takes on disk. */
  diskBytes: number;
  /** Execs started through the platform and not yet ended. */
  execsInFlight: number;
}

export interface ExecRequest {
  /** Run with `bash -c` inside the sandbox. */
  command: string;
  /** Absolute path inside the sandbox. */
  cwd: string;
  env: Record<string, string>;
  timeoutSeconds: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileEntry {
  name: string;
  /** Absolute path inside the sandbox. */
  path: string;
  type: FileType;
  size: number;
  /** Permission bits in octal, e.g. `0644`. */
  mode: string;
  modifiedAt: string;
}

/**
 * Files of a running sandbox, addressed by absolute paths inside it. Paths
 * resolve inside the sandbox's own root, so `..` and symlinks can never
 * reach the host. Errors: NotFoundError for a missing path,
 * ValidationError for a path of the wrong type.
 */
export interface SandboxFiles {
  stat(sandboxId: string, path: string): Promise<FileEntry>;
  list(sandboxId: string, path: string): Promise<FileEntry[]>;
  read(sandboxId: string, path: string): Promise<ReadableStream<Uint8Array>>;
  /** Creates missing folders; fails with PayloadTooLargeError past max. */
  write(
    sandboxId: string,
    path: string,
    body: ReadableStream<Uint8Array>,
    maxBytes: number,
  ): Promise<FileEntry>;
  remove(sandboxId: string, path: string): Promise<void>;
}

/**
 * Runs sandboxes: locally as namespaced processes over an overlay, on AWS
 * as ECS tasks. Every method is idempotent: starting a running sandbox or
 * destroying a destroyed one does nothing, so a crash-repair pass can
 * simply say again what the event log asks for.
 */
export interface SandboxRuntime {
  /** What this host can enforce, for the start-up banner. */
  readonly hostIsolation: Isolation;
  /** Image names this runtime accepts (`host` locally). */
  readonly images: readonly string[];

  /** Boots the sandbox, making its file system on the first start. */
  start(spec: SandboxSpec): Promise<Isolation>;
  stop(sandboxId: string): Promise<void>;
  /** Stops it and removes every file it had. */
  destroy(sandboxId: string): Promise<void>;
  isRunning(sandboxId: string): Promise<boolean>;
  /** CPU, memory and disk use; works on a stopped sandbox too. */
  usage(sandboxId: string): Promise<SandboxUsage>;
  /**
   * Frees a stopped sandbox's disk once a snapshot holds all of it
   * (AWS: the detached EBS volume). Local disks persist: not defined.
   */
  discardDisk?(sandboxId: string): Promise<void>;
  exec(sandboxId: string, request: ExecRequest): Promise<ExecResult>;
  readonly files: SandboxFiles;
  /** Stops every sandbox's processes when the platform exits. */
  close(): Promise<void>;
}
