import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxResources } from '../../../domain/sandbox/sizes.ts';
import { type CgroupLayout, type Controller, readCounter } from './cgroups.ts';

// Processes of a stopped sandbox take a moment to leave their cgroup.
const REMOVE_ATTEMPTS = 40;
const FREEZE_ATTEMPTS = 200;
const POLL_MS = 50;

/** One sandbox's cgroups: made on start, removed once it stopped. */
export class SandboxCgroups {
  private constructor(
    private readonly layout: CgroupLayout,
    private readonly byController: Map<Controller, string>,
    private readonly freezerDir: string | undefined,
    readonly enforced: { cpu: boolean; memory: boolean },
  ) {}

  private get dirs(): string[] {
    return [...new Set(this.byController.values())];
  }

  get version(): 'v1' | 'v2' {
    return this.layout.version;
  }

  /** cgroup.procs files a process writes its own pid to, to join. */
  get procsFiles(): string[] {
    return this.dirs.map((dir) => join(dir, 'cgroup.procs'));
  }

  /** Makes the cgroups; a limit the host refuses is left unenforced. */
  static async create(
    layout: CgroupLayout,
    sandboxId: string,
    resources: SandboxResources,
  ): Promise<SandboxCgroups> {
    const dirs = new Map<Controller, string>();
    const failed = new Set<Controller>();

    for (const [name, dir] of Object.entries(layout.dirs(sandboxId))) {
      const controller = name as Controller;
      const limits = layout.limits[controller]?.(resources) ?? [];
      try {
        await mkdir(dir, { recursive: true });
        dirs.set(controller, dir);
        for (const [file, value] of limits) {
          await writeFile(join(dir, file), value);
        }
      } catch {
        failed.add(controller);
      }
    }

    const works = (c: Controller) => dirs.has(c) && !failed.has(c);
    return new SandboxCgroups(
      layout,
      dirs,
      works('freezer') ? dirs.get('freezer') : undefined,
      { cpu: works('cpu'), memory: works('memory') },
    );
  }

  /** Empty cgroups a hard-killed platform left behind for this sandbox. */
  static async removeLeftovers(
    layout: CgroupLayout,
    sandboxId: string,
  ): Promise<void> {
    for (const dir of new Set(Object.values(layout.dirs(sandboxId)))) {
      await rmdir(dir).catch(() => undefined);
    }
  }

  /** CPU time of every process the cgroup ever held; undefined if none. */
  async cpuSeconds(): Promise<number | undefined> {
    const { controller, file, secondsPer } = this.layout.counters.cpu;
    const value = await this.read(controller, file);
    return value === undefined ? undefined : value * secondsPer;
  }

  async memoryBytes(): Promise<number | undefined> {
    const { controller, file } = this.layout.counters.memory;
    return this.read(controller, file);
  }

  private async read(controller: Controller, file: string) {
    const dir = this.byController.get(controller);
    if (!dir) return undefined;
    try {
      return readCounter(await readFile(join(dir, file), 'utf8'));
    } catch {
      return undefined;
    }
  }

  get canFreeze(): boolean {
    return this.freezerDir !== undefined;
  }

  /** Stops every process of the sandbox in place until thawed. */
  async freeze(): Promise<void> {
    const dir = this.requireFreezer();
    const { file, frozen } = this.layout.freeze;
    await writeFile(join(dir, file), frozen);

    for (let attempt = 0; attempt < FREEZE_ATTEMPTS; attempt++) {
      if (await this.layout.frozen(dir)) return;
      await delay(POLL_MS);
    }
    throw new Error(`cgroup ${dir} did not freeze`);
  }

  async thaw(): Promise<void> {
    const dir = this.requireFreezer();
    const { file, thawed } = this.layout.freeze;
    await writeFile(join(dir, file), thawed);
  }

  /** Removes the directories once their processes are gone. */
  async remove(): Promise<void> {
    for (const dir of this.dirs) {
      for (let attempt = 1; ; attempt++) {
        try {
          await rmdir(dir);
          break;
        } catch (error) {
          if (isCode(error, 'ENOENT')) break;
          if (!isCode(error, 'EBUSY') || attempt >= REMOVE_ATTEMPTS) {
            throw error;
          }
          await delay(POLL_MS);
        }
      }
    }
  }

  private requireFreezer(): string {
    if (!this.freezerDir) throw new Error('no freezer cgroup on this host');
    return this.freezerDir;
  }
}

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));

const isCode = (error: unknown, code: string) =>
  (error as NodeJS.ErrnoException).code === code;
