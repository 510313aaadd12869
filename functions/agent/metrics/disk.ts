import { readFile, realpath, stat, statfs } from 'node:fs/promises';
import { basename, join } from 'node:path';

// /sys/block/<dev>/stat and /proc/diskstats count sectors of 512 bytes,
// whatever the device's own sector size (Documentation/block/stat.rst).
const SECTOR_BYTES = 512;
// "sectors written" is the 7th value of a stat file, the 10th of a
// /proc/diskstats line (which starts with major, minor and name).
const STAT_SECTORS_WRITTEN = 6;
const DISKSTATS_SECTORS_WRITTEN = 9;

/** Used and total bytes of the file system that holds `root`. */
export async function diskUsage(root: string) {
  const fs = await statfs(root);
  return {
    usedBytes: (fs.blocks - fs.bfree) * fs.bsize,
    limitBytes: fs.blocks * fs.bsize,
  };
}

export interface SystemFiles {
  sysDevBlock: string;
  sysClassBlock: string;
  mountinfo: string;
  diskstats: string;
}

const LINUX: SystemFiles = {
  sysDevBlock: '/sys/dev/block',
  sysClassBlock: '/sys/class/block',
  mountinfo: '/proc/self/mountinfo',
  diskstats: '/proc/diskstats',
};

/** A block device by its kernel name, e.g. `nvme1n1`. */
interface Device {
  name: string;
}

/**
 * Bytes written to the block device behind `root` since it was attached.
 * The device is found by the root's device number, or for file systems
 * with anonymous numbers (btrfs) by the mount's source. Where there is
 * no block device (tmpfs, overlay) `read` answers undefined.
 */
export class DeviceWrites {
  private device: Promise<Device | undefined> | undefined;

  constructor(
    private readonly root: string,
    private readonly system: SystemFiles = LINUX,
  ) {}

  async read(): Promise<{ bytes: number; device: string } | undefined> {
    this.device ??= this.find();
    const device = await this.device;
    if (!device) return undefined;

    const sectors = await this.sectorsWritten(device);
    return sectors === undefined
      ? undefined
      : { bytes: sectors * SECTOR_BYTES, device: device.name };
  }

  private async sectorsWritten(device: Device): Promise<number | undefined> {
    const own = join(this.system.sysClassBlock, device.name, 'stat');
    const text = await readFile(own, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      return Number(text.trim().split(/\s+/)[STAT_SECTORS_WRITTEN]);
    }

    const table = await readFile(this.system.diskstats, 'utf8').catch(() => '');
    for (const line of table.split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields[2] === device.name) {
        return Number(fields[DISKSTATS_SECTORS_WRITTEN]);
      }
    }
    return undefined;
  }

  private async find(): Promise<Device | undefined> {
    const { dev } = await stat(this.root, { bigint: true });
    const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
    const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));

    if (major !== 0) {
      const link = join(this.system.sysDevBlock, `${major}:${minor}`);
      const target = await realpath(link).catch(() => undefined);
      if (target) return { name: basename(target) };
    }
    return this.fromMountSource();
  }

  /** The device node behind the mount that holds the root, if any. */
  private async fromMountSource(): Promise<Device | undefined> {
    const real = await realpath(this.root);
    const text = await readFile(this.system.mountinfo, 'utf8').catch(() => '');
    let best: { point: string; source: string } | undefined;
    for (const line of text.split('\n')) {
      const [before, after] = line.split(' - ');
      const point = unescapeMountField(before?.split(' ')[4] ?? '');
      const source = after?.split(' ')[1] ?? '';
      const holds =
        point === '/' || real === point || real.startsWith(`${point}/`);
      // The later of two mounts at one point is the one on top.
      const deeper = !best || point.length >= best.point.length;
      if (point && holds && deeper) best = { point, source };
    }
    // A device is named by its path (/dev/...); tmpfs or overlay are not.
    if (!best?.source.startsWith('/')) return undefined;

    const node = await realpath(best.source).catch(() => best.source);
    return { name: basename(node) };
  }
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescapeMountField = (field: string) =>
  field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
