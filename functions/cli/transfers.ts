import type { Command } from 'commander';
import type { SandboxExport, SandboxImport } from '../client/index.ts';
import { type CliContext, contextOf, output } from './context.ts';
import { block, timestamp } from './format.ts';
import { ProgressBar } from './progress-bar.ts';

// A cross-region copy of a large sandbox can take a while.
const TRANSFER_TIMEOUT_MS = 6 * 60 * 60_000;
const POLL_MS = 500;

/** `auteryn export ID --to-region R` and `auteryn import SOURCE`. */
export function registerTransferCommands(program: Command): void {
  program
    .command('export')
    .argument('<id>', 'the sandbox')
    .requiredOption('--to-region <region>', 'the region to export it to')
    .option(
      '--snapshot <snapshot>',
      'carry this snapshot (id, name or ISO time) and the ones before it; ' +
        'default: the newest, taken now if the sandbox changed',
    )
    .option('--no-wait', 'return once the export is under way')
    .description('export a sandbox with its history to another region')
    .action(
      async (
        id: string,
        options: { toRegion: string; snapshot?: string; wait: boolean },
        command: Command,
      ) => {
        const context = contextOf(command);
        const asked = await context.client.exportSandbox(id, {
          targetRegion: options.toRegion,
          snapshot: options.snapshot,
        });
        const done = options.wait
          ? await watch<SandboxExport>(
              context,
              `exporting ${id}`,
              (onProgress) =>
                context.client.waitForExport(asked.id, {
                  timeoutMs: TRANSFER_TIMEOUT_MS,
                  intervalMs: POLL_MS,
                  onProgress,
                }),
            )
          : asked;
        finish(done);
        output(context, done, () => exportBlock(done));
      },
    );

  program
    .command('import')
    .argument(
      '<source>',
      "an export's location: s3://bucket/prefix/exp-… or a path",
    )
    .option('--no-wait', 'return once the import is under way')
    .description(
      'import an exported sandbox, history and all, into this region',
    )
    .action(
      async (source: string, options: { wait: boolean }, command: Command) => {
        const context = contextOf(command);
        const asked = await context.client.importSandbox({ source });
        const done = options.wait
          ? await watch<SandboxImport>(context, 'importing', (onProgress) =>
              context.client.waitForImport(asked.id, {
                timeoutMs: TRANSFER_TIMEOUT_MS,
                intervalMs: POLL_MS,
                onProgress,
              }),
            )
          : asked;
        finish(done);
        output(context, done, () => importBlock(done));
      },
    );
}

type Transfer = SandboxExport | SandboxImport;

/** Waits with a progress bar on stderr (none with --json). */
async function watch<T extends Transfer>(
  context: CliContext,
  label: string,
  wait: (onProgress: (transfer: T) => void) => Promise<T>,
): Promise<T> {
  const bar = new ProgressBar(
    label,
    (text) => {
      if (!context.json) process.stderr.write(text);
    },
    process.stderr.isTTY === true,
  );
  const done = await wait((transfer) =>
    bar.update(transfer.bytesDone, transfer.bytesTotal, transfer.status),
  );
  bar.end(`${label} … ${done.status}`);
  return done;
}

/** A failed transfer is an error: its reason, and exit 1. */
function finish(transfer: Transfer): void {
  if (transfer.status === 'failed') {
    throw new Error(transfer.error ?? `${transfer.id} failed`);
  }
}

function exportBlock(done: SandboxExport): string {
  return block([
    ['export', done.id],
    ['status', done.status],
    ['sandbox', done.sandboxId],
    ['to region', done.targetRegion],
    ['snapshots', done.snapshotIds.join(', ')],
    ['location', done.location],
    ['finished', done.completedAt && timestamp(done.completedAt)],
  ]);
}

function importBlock(done: SandboxImport): string {
  return block([
    ['import', done.id],
    ['status', done.status],
    ['sandbox', done.sandboxId],
    ['from region', done.sourceRegion],
    ['snapshots', done.snapshotIds.join(', ')],
    ['finished', done.completedAt && timestamp(done.completedAt)],
  ]);
}
