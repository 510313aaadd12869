import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferRecords } from '../../domain/ports/transfer-records.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const WAIT = { timeoutMs: 60_000, intervalMs: 100 };

/**
 * Fault injection: dynalite cannot be made to fail one kind of write on
 * cue, so the records are wrapped to refuse every progress update (a
 * change without a status), as a throttled table would.
 */
function failingProgress(lost: { count: number }) {
  return (records: TransferRecords): TransferRecords => {
    const refuseProgress = (change: { status?: string }) => {
      if (change.status !== undefined) return;
      lost.count += 1;
      throw new Error('ProvisionedThroughputExceededException (injected)');
    };
    return {
      getExport: (id) => records.getExport(id),
      getImport: (id) => records.getImport(id),
      createExport: (record) => records.createExport(record),
      createImport: (record) => records.createImport(record),
      unfinished: () => records.unfinished(),
      updateExport: async (id, change) => {
        refuseProgress(change);
        await records.updateExport(id, change);
      },
      updateImport: async (id, change) => {
        refuseProgress(change);
        await records.updateImport(id, change);
      },
    };
  };
}

describe('a transfer whose progress cannot be recorded', () => {
  const lost = { count: 0 };
  let source: TestPlatform;
  let target: TestPlatform;
  let scratch = '';

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'auteryn-progress-'));
    const wrapTransferRecords = failingProgress(lost);
    source = await startTestPlatform(
      { exportStore: scratch },
      { wrapTransferRecords },
    );
    target = await startTestPlatform(
      { region: 'elsewhere' },
      { wrapTransferRecords },
    );
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('still completes the export and the import', async () => {
    const { id } = await source.client.createSandbox({ name: 'unrecorded' });
    await source.client.exec(id, {
      command: 'head -c 300000 /dev/urandom > data/blob && echo hi > data/hi',
    });

    const asked = await source.client.exportSandbox(id, {
      targetRegion: 'elsewhere',
    });
    const exported = await source.client.waitForExport(asked.id, WAIT);
    const lostOnExport = lost.count;
    const imported = await target.client.importSandbox({
      source: exported.location ?? '',
    });
    const done = await target.client.waitForImport(imported.id, WAIT);

    expect(exported.status).toBe('completed');
    expect(lostOnExport).toBeGreaterThan(0);
    expect(done.status).toBe('completed');
    expect(lost.count).toBeGreaterThan(lostOnExport);
    const copy = done.sandboxId ?? '';
    const read = await target.client.exec(copy, { command: 'cat data/hi' });
    expect(read.stdout).toBe('hi\n');
  });
});
