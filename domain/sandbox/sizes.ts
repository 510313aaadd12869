// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';

export const sandboxSizeSchema = z.enum(['small', 'medium', 'large']);
export type SandboxSize = z.infer<typeof sandboxSizeSchema>;

export interface SandboxResources {
  cpus: number;
  memoryBytes: number;
  diskBytes: number;
}

const GIB = 1024 ** 3;

/** What each size promises; the runtime enforces what the host allows. */
export const SANDBOX_SIZES: Record<SandboxSize, SandboxResources> = {
  small: { cpus: 1, memoryBytes: 2 * GIB, diskBytes: 10 * GIB },
  medium: { cpus: 2, memoryBytes: 4 * GIB, diskBytes: 20 * GIB },
  large: { cpus: 4, memoryBytes: 8 * GIB, diskBytes: 50 * GIB },
};

export const DEFAULT_SANDBOX_SIZE: SandboxSize = 'medium';
