import {
  appendFileSync,
  mkdirSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, posix } from 'node:path';
import { Random, textBytes, VOCABULARY } from './snapshot-content.ts';

const KB = 1024;
const MB = 1024 * KB;

// Most files of a sandbox are small sources and metadata; a few data
// files and binaries carry much of the bytes. Log-uniform in each band,
// then all scaled together to the total asked for.
const SIZE_BANDS = [
  { share: 0.8, min: 64, max: 8 * KB },
  { share: 0.18, min: 8 * KB, max: 64 * KB },
  { share: 0.019, min: 64 * KB, max: MB },
  { share: 0.001, min: MB, max: 8 * MB },
];

// Where an agent's files land in the upper layer: its home, packages it
// installed, caches.
const BASE_DIRS = [
  'home/agent/code',
  'home/agent/data',
  'home/agent/output',
  'home/agent/logs',
  'home/agent/.cache',
  'usr/local/lib/python3.11/dist-packages',
  'usr/local/bin',
  'root/.npm/_cacache',
  'etc',
  'var/lib',
];

const FILES_PER_DIR = 10;
const FILES_PER_SYMLINK = 200;
const MAX_DEPTH = 14;
const TEXT_SHARE = 0.65;
const TEXT_EXTENSIONS = ['js', 'ts', 'py', 'json', 'md', 'txt', 'yaml'];
const BINARY_EXTENSIONS = ['so', 'bin', 'png', 'gz', 'whl', 'sqlite'];

export interface TreeFile {
  id: number;
  /** Relative to the layer's root. */
  path: string;
  kind: 'text' | 'binary';
  size: number;
  /** Bumped on each rewrite, so the new content differs. */
  version: number;
}

/** A generated layer as it is now on disk. */
export interface SandboxTree {
  root: string;
  dirs: string[];
  files: TreeFile[];
  symlinks: number;
  /** What sampled sizes are multiplied by to reach the total asked. */
  sizeFactor: number;
  nextId: number;
}

export interface ChangeSummary {
  rewritten: number;
  appended: number;
  deleted: number;
  added: number;
  bytesWritten: number;
}

/**
 * Writes `fileCount` files of `totalBytes` in all below `root`, in
 * folders of mixed depth under the places a sandbox's files live, with
 * a few symlinks. Same arguments, same tree.
 */
export function generateTree(
  root: string,
  fileCount: number,
  totalBytes: number,
): SandboxTree {
  const random = new Random('tree');
  const dirs = [...BASE_DIRS];
  const dirCount = Math.max(dirs.length, Math.round(fileCount / FILES_PER_DIR));
  while (dirs.length < dirCount) {
    const parent = random.pick(dirs);
    if (parent.split('/').length >= MAX_DEPTH) continue;
    dirs.push(`${parent}/${random.pick(VOCABULARY)}-${dirs.length}`);
  }
  for (const dir of dirs) mkdirSync(join(root, dir), { recursive: true });

  const sampled = Array.from({ length: fileCount }, () => sampleSize(random));
  const sum = sampled.reduce((total, size) => total + size, 0);
  const tree: SandboxTree = {
    root,
    dirs,
    files: [],
    symlinks: 0,
    sizeFactor: totalBytes / sum,
    nextId: 0,
  };
  for (const size of sampled) addFile(tree, random, size);

  for (let count = 0; count < fileCount / FILES_PER_SYMLINK; count++) {
    const target = random.pick(tree.files).path;
    const at = `${random.pick(dirs)}/link-${count}`;
    symlinkSync(posix.relative(posix.dirname(at), target), join(root, at));
    tree.symlinks++;
  }
  return tree;
}

/**
 * Changes 1% of the files (at least 4), different ones each round: half
 * rewritten, 30% appended to, 10% deleted, and as many new files added.
 */
export function changeOnePercent(
  tree: SandboxTree,
  round: number,
): ChangeSummary {
  const random = new Random(`change-${round}`);
  const count = Math.max(4, Math.round(tree.files.length / 100));
  const deleted = Math.max(1, Math.round(count / 10));
  const appended = Math.round(count * 0.3);
  const rewritten = count - 2 * deleted - appended;
  const chosen = pickDistinct(random, tree.files, count - deleted);
  const summary = { rewritten, appended, deleted, added: deleted };
  let bytesWritten = 0;

  for (const file of chosen.slice(0, rewritten)) {
    file.version++;
    bytesWritten += writeContent(tree, file);
  }
  for (const file of chosen.slice(rewritten, rewritten + appended)) {
    const extra = Math.round(random.logUniform(KB, 16 * KB));
    const name = `append-${file.id}-${round}`;
    appendFileSync(join(tree.root, file.path), contentOf(file, name, extra));
    file.size += extra;
    bytesWritten += extra;
  }
  for (const file of chosen.slice(rewritten + appended)) {
    unlinkSync(join(tree.root, file.path));
    tree.files.splice(tree.files.indexOf(file), 1);
  }
  for (let index = 0; index < deleted; index++) {
    bytesWritten += addFile(tree, random, sampleSize(random)).size;
  }
  return { ...summary, bytesWritten };
}

function addFile(tree: SandboxTree, random: Random, sampled: number) {
  const id = tree.nextId++;
  const size = Math.max(1, Math.round(sampled * tree.sizeFactor));
  const kind: TreeFile['kind'] =
    size <= MB && random.next() < TEXT_SHARE ? 'text' : 'binary';
  const extensions = kind === 'text' ? TEXT_EXTENSIONS : BINARY_EXTENSIONS;
  const name = `${random.pick(VOCABULARY)}-${id}.${random.pick(extensions)}`;
  // Skewed towards the first folders, so some hold many files.
  const dir = tree.dirs[Math.floor(tree.dirs.length * random.next() ** 1.5)];
  const file: TreeFile = { id, path: `${dir}/${name}`, kind, size, version: 0 };

  writeContent(tree, file);
  tree.files.push(file);
  return file;
}

function writeContent(tree: SandboxTree, file: TreeFile): number {
  const name = `file-${file.id}-${file.version}`;
  writeFileSync(join(tree.root, file.path), contentOf(file, name, file.size));
  return file.size;
}

function contentOf(file: TreeFile, name: string, size: number): Buffer {
  const random = new Random(name);
  return file.kind === 'text' ? textBytes(random, size) : random.bytes(size);
}

function sampleSize(random: Random): number {
  let draw = random.next();
  for (const band of SIZE_BANDS) {
    if (draw < band.share) return random.logUniform(band.min, band.max);
    draw -= band.share;
  }
  const last = SIZE_BANDS.at(-1) as (typeof SIZE_BANDS)[number];
  return random.logUniform(last.min, last.max);
}

function pickDistinct<T>(random: Random, items: readonly T[], count: number) {
  const pool = [...items];
  for (let index = 0; index < count; index++) {
    const swap = index + random.int(pool.length - index);
    [pool[index], pool[swap]] = [pool[swap] as T, pool[index] as T];
  }
  return pool.slice(0, count);
}
