import type { SandboxFiles } from '../../domain/ports/sandbox-runtime.ts';
import { NamespaceFiles } from '../adapters/local/namespace-files.ts';
import { UnisolatedFiles } from '../adapters/local/unisolated-files.ts';
import { spawnInChroot } from './chroot.ts';
import type { ProcessGroups } from './process-groups.ts';

/**
 * Files of the sandbox. In a chroot they are served by the sandbox's own
 * tools inside it, like a namespaced sandbox's, so absolute symlinks
 * resolve against the sandbox's root; unisolated, by host calls checked
 * to stay below the root (an absolute symlink is then refused).
 */
export function sandboxFiles(
  root: string,
  chroot: boolean,
  groups: ProcessGroups,
): SandboxFiles {
  if (!chroot) return new UnisolatedFiles(() => root);

  return new NamespaceFiles((_sandboxId, launch, stdin) => {
    const child = spawnInChroot(root, launch, stdin);
    if (child.pid !== undefined) groups.add(child.pid);
    return child;
  });
}
