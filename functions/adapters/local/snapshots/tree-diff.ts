import type { SnapshotDiff } from '../../../../domain/ports/snapshot-store.ts';
import type { LowerEntry, LowerLayer } from './lower-layer.ts';
import { childPath } from './store-layout.ts';
import {
  compareNames,
  isOpaque,
  sameEntry,
  sameForDiff,
  type TreeEntry,
} from './tree.ts';

/** Reads a folder's entries by its tree hash. */
export type TreeSource = (hash: string) => Promise<TreeEntry[]>;

/** One side of the comparison at one path. */
interface Side {
  /** The sandbox layer's entry here, if it has one. */
  entry?: TreeEntry;
  /** Whether the image shows at this path on this side. */
  imageShows: boolean;
  trees: TreeSource;
}

/**
 * Paths whose view differs between two states of the sandbox's layer.
 * Folders with equal tree hashes are skipped whole; the image is only
 * looked at where the layers differ. Entries that only the image holds
 * are named, not enumerated (a deleted /usr is one path).
 */
export class TreeDiff {
  private readonly diff: SnapshotDiff = { added: [], removed: [], changed: [] };
  private readonly images = new Map<string, Promise<LowerEntry | undefined>>();

  constructor(private readonly lower: LowerLayer) {}

  async run(from: Side, to: Side): Promise<SnapshotDiff> {
    if (!this.same(from, to)) await this.compareFolders('/', from, to);
    const sorted = (paths: string[]) => [...new Set(paths)].sort(compareNames);
    return {
      added: sorted(this.diff.added),
      removed: sorted(this.diff.removed),
      changed: sorted(this.diff.changed),
    };
  }

  private async compare(path: string, a: Side, b: Side): Promise<void> {
    if (this.lower.isHidden(path) || this.same(a, b)) return;
    const [inA, inB] = [
      await this.present(path, a),
      await this.present(path, b),
    ];
    const [dirA, dirB] = [await this.isDir(path, a), await this.isDir(path, b)];

    if (inA && inB && dirA && dirB) {
      if (a.entry && b.entry && !sameForDiff(a.entry, b.entry)) {
        this.diff.changed.push(path);
      }
      await this.compareFolders(path, a, b);
      return;
    }
    if (inA && inB) this.diff.changed.push(path);
    else if (inA) this.diff.removed.push(path);
    else if (inB) this.diff.added.push(path);
    if (inA) await this.listBelow(path, a, this.diff.removed);
    if (inB) await this.listBelow(path, b, this.diff.added);
  }

  private async compareFolders(path: string, a: Side, b: Side) {
    const [childrenA, childrenB] = [
      await this.children(a),
      await this.children(b),
    ];
    const [showsA, showsB] = [
      await this.imageShowsInside(path, a),
      await this.imageShowsInside(path, b),
    ];
    const names = new Set([...childrenA.keys(), ...childrenB.keys()]);
    if (showsA !== showsB) {
      for (const [name] of await this.lower.list(path)) names.add(name);
    }

    for (const name of [...names].sort(compareNames)) {
      await this.compare(
        childPath(path, name),
        { entry: childrenA.get(name), imageShows: showsA, trees: a.trees },
        { entry: childrenB.get(name), imageShows: showsB, trees: b.trees },
      );
    }
  }

  private same(a: Side, b: Side): boolean {
    if (a.imageShows !== b.imageShows) return false;
    if (!a.entry || !b.entry) return !a.entry && !b.entry;
    return sameEntry(a.entry, b.entry);
  }

  private async present(path: string, side: Side): Promise<boolean> {
    if (side.entry) return side.entry.type !== 'whiteout';
    return side.imageShows && (await this.image(path)) !== undefined;
  }

  private async isDir(path: string, side: Side): Promise<boolean> {
    if (side.entry) return side.entry.type === 'dir';
    return (await this.image(path))?.stats.isDirectory() ?? false;
  }

  private async imageShowsInside(path: string, side: Side): Promise<boolean> {
    if (!side.imageShows) return false;
    if (side.entry && (side.entry.type !== 'dir' || isOpaque(side.entry))) {
      return false;
    }
    const image = await this.image(path);
    return !!image && image.stats.isDirectory() && !image.mountPoint;
  }

  private async children(side: Side): Promise<Map<string, TreeEntry>> {
    if (side.entry?.type !== 'dir') return new Map();
    const entries = await side.trees(side.entry.hash ?? '');
    return new Map(entries.map((entry) => [entry.name, entry]));
  }

  /** The layer's entries below a folder that appeared or went. */
  private async listBelow(path: string, side: Side, into: string[]) {
    for (const [name, entry] of await this.children(side)) {
      if (entry.type === 'whiteout') continue;
      const child = childPath(path, name);
      into.push(child);
      await this.listBelow(child, { ...side, entry }, into);
    }
  }

  private image(path: string): Promise<LowerEntry | undefined> {
    const known = this.images.get(path);
    if (known) return known;
    const found = this.lower.lookup(path);
    this.images.set(path, found);
    return found;
  }
}

export type { Side as DiffSide };
