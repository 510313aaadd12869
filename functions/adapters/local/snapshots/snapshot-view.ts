import { NotFoundError, ValidationError } from '../../../../domain/errors.ts';
import type { LowerEntry, LowerLayer } from './lower-layer.ts';
import type { ObjectStore } from './object-store.ts';
import { childPath } from './store-layout.ts';
import { compareNames, isOpaque, type TreeEntry } from './tree.ts';

// Linux's MAXSYMLINKS: past this many links a path is a loop.
const MAX_SYMLINK_HOPS = 40;

/** One path of a snapshot as the sandbox saw it. */
export interface ViewNode {
  /** The path resolved, symlinks followed. */
  path: string;
  /** What the sandbox's own layer had here. */
  upper?: TreeEntry;
  /** What the image has here, where it shows. */
  lower?: LowerEntry;
  /** Whether the image's entries inside this folder show through. */
  lowerShows: boolean;
}

export type NodeType = 'file' | 'dir' | 'symlink' | 'other';

export function nodeType(node: ViewNode): NodeType {
  if (node.upper) {
    const { type } = node.upper;
    return type === 'whiteout' ? 'other' : type;
  }
  const stats = node.lower?.stats;
  if (stats?.isDirectory()) return 'dir';
  if (stats?.isFile()) return 'file';
  if (stats?.isSymbolicLink()) return 'symlink';
  return 'other';
}

/**
 * A snapshot merged over the image the way overlayfs merges them: the
 * snapshot's entries win, whiteouts hide the image's, an opaque folder
 * hides all of the image's below it. Symlinks resolve inside this view:
 * absolute targets from its root, `..` clamped there.
 */
export class SnapshotView {
  private readonly trees = new Map<string, Map<string, TreeEntry>>();

  constructor(
    private readonly objects: ObjectStore,
    private readonly lower: LowerLayer,
    private readonly root: TreeEntry,
  ) {}

  async resolve(path: string, followLast: boolean): Promise<ViewNode> {
    const root = await this.rootNode();
    let stack = [root];
    const pending = path.split('/').filter(Boolean);
    let hops = 0;

    for (let name = pending.shift(); name; name = pending.shift()) {
      if (name === '.') continue;
      if (name === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      const parent = stack.at(-1) as ViewNode;
      const child =
        nodeType(parent) === 'dir' ? await this.child(parent, name) : undefined;
      if (!child) throw new NotFoundError(`${path} not found in the snapshot`);

      if (nodeType(child) === 'symlink' && (pending.length > 0 || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) {
          throw new ValidationError(`${path}: too many symbolic links`);
        }
        const target =
          child.upper?.target ?? (await this.lower.readlink(child.path));
        if (target.startsWith('/')) stack = [root];
        pending.unshift(...target.split('/').filter(Boolean));
        continue;
      }
      stack.push(child);
    }
    return stack.at(-1) as ViewNode;
  }

  /** The entries of a folder node, sorted by name. */
  async children(node: ViewNode): Promise<ViewNode[]> {
    const upper =
      node.upper?.type === 'dir' ? await this.entries(node.upper) : undefined;
    const children: ViewNode[] = [];
    for (const name of upper?.keys() ?? []) {
      const child = await this.child(node, name);
      if (child) children.push(child);
    }

    const lowerEntries = node.lowerShows
      ? await this.lower.list(node.path)
      : [];
    for (const [name, lower] of lowerEntries) {
      if (upper?.has(name)) continue;
      const path = childPath(node.path, name);
      children.push({ path, lower, lowerShows: showsInside(lower) });
    }
    return children.sort((a, b) => compareNames(a.path, b.path));
  }

  private async child(
    parent: ViewNode,
    name: string,
  ): Promise<ViewNode | undefined> {
    const path = childPath(parent.path, name);
    if (this.lower.isHidden(path)) return undefined;
    const upper =
      parent.upper?.type === 'dir'
        ? (await this.entries(parent.upper)).get(name)
        : undefined;
    if (upper?.type === 'whiteout') return undefined;
    if (upper && upper.type !== 'dir')
      return { path, upper, lowerShows: false };

    const found = parent.lowerShows ? await this.lower.lookup(path) : undefined;
    const lower = found && showsInside(found) ? found : undefined;
    if (upper) {
      return { path, upper, lower, lowerShows: !!lower && !isOpaque(upper) };
    }
    return found && { path, lower: found, lowerShows: showsInside(found) };
  }

  private async rootNode(): Promise<ViewNode> {
    const lower = await this.lower.lookup('/');
    return {
      path: '/',
      upper: this.root,
      lower,
      lowerShows: !isOpaque(this.root),
    };
  }

  private async entries(dir: TreeEntry): Promise<Map<string, TreeEntry>> {
    const hash = dir.hash ?? '';
    const cached = this.trees.get(hash);
    if (cached) return cached;
    const entries = await this.objects.readTree(hash);
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    this.trees.set(hash, byName);
    return byName;
  }
}

/** A real folder of the image, not a mount point, merges into the view. */
const showsInside = (lower: LowerEntry) =>
  lower.stats.isDirectory() && !lower.mountPoint;
