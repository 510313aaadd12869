// A namespace import lets the bundler drop what is unused (locales).
import * as z from 'zod';

/**
 * What the runtime could actually enforce for a sandbox. It is reported on
 * every sandbox so that a user never mistakes an unisolated process for a
 * contained one.
 */
export const isolationSchema = z.object({
  mode: z.enum(['namespaces', 'none', 'ecs-task']),
  namespaces: z.array(z.string()),
  cpu: z.enum(['enforced', 'not-enforced']),
  memory: z.enum(['enforced', 'not-enforced']),
  disk: z.enum(['enforced', 'not-enforced']),
  cgroup: z.enum(['v1', 'v2', 'none']),
  warnings: z.array(z.string()),
});
export type Isolation = z.infer<typeof isolationSchema>;
