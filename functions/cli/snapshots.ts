import { type Command, Option } from 'commander';
import type { Snapshot, SnapshotKind } from '../client/index.ts';
import { type CliContext, contextOf, output, progress } from './context.ts';
import {
  humanBytes,
  snapshotBlock,
  snapshotTable,
} from './format-snapshots.ts';
import { registerSnapshotFileCommands } from './snapshot-files.ts';

/** Why each kind of snapshot is taken; the keys are the --kind choices. */
const KINDS: Record<SnapshotKind, string> = {
  auto: 'on schedule, when something changed',
  manual: 'on request',
  'pre-stop': 'before a stop',
  'pre-restore': 'before a restore, to undo it',
};

// Locally a snapshot is taken within the request; a cloud one may not be.
const SNAPSHOT_TIMEOUT_MS = 5 * 60_000;

/** `auteryn snapshots …`: a sandbox's history, and what it held. */
export function registerSnapshotCommands(program: Command): void {
  const snapshots = program
    .command('snapshots')
    .description(
      "take, list, inspect, browse and delete a sandbox's snapshots",
    );

  snapshots
    .command('list')
    .argument('<id>', 'the sandbox')
    .description('list the snapshots, oldest first')
    .addOption(
      new Option('--kind <kind>', 'only snapshots of this kind').choices(
        Object.keys(KINDS),
      ),
    )
    .addHelpText('after', kindsHelp())
    .action(async (id: string, options: { kind?: SnapshotKind }, command) => {
      const context = contextOf(command);
      const items = await context.client.listSnapshots(id, options);
      output(context, { items }, () =>
        items.length > 0 ? snapshotTable(items) : 'no snapshots',
      );
    });

  snapshots
    .command('create')
    .argument('<id>', 'the sandbox')
    .description('take a snapshot now and wait until it completes')
    .option('--name <name>', 'a name to restore it by later')
    .action(async (id: string, options: { name?: string }, command) => {
      const context = contextOf(command);
      const snapshot = await takeSnapshot(context, id, options.name);
      output(context, snapshot, () => snapshotBlock(snapshot));
    });

  snapshots
    .command('show')
    .argument('<id>', 'the sandbox')
    .argument('<snapshot-id>', 'the snapshot')
    .description('show one snapshot')
    .action(async (id: string, snapshotId: string, _options, command) => {
      const context = contextOf(command);
      const snapshot = await context.client.getSnapshot(id, snapshotId);
      output(context, snapshot, () => snapshotBlock(snapshot));
    });

  snapshots
    .command('delete')
    .argument('<id>', 'the sandbox')
    .argument('<snapshot-id>', 'the snapshot')
    .description('delete one snapshot; the sandbox itself is left alone')
    .action(async (id: string, snapshotId: string, _options, command) => {
      const context = contextOf(command);
      await context.client.deleteSnapshot(id, snapshotId);
      output(
        context,
        { sandboxId: id, snapshotId, deleted: true },
        () => `deleted ${snapshotId}`,
      );
    });

  registerSnapshotFileCommands(snapshots);
}

function kindsHelp(): string {
  const width = Math.max(...Object.keys(KINDS).map((kind) => kind.length));
  const lines = Object.entries(KINDS).map(
    ([kind, why]) => `  ${kind.padEnd(width)}  taken ${why}`,
  );
  return `\nKinds:\n${lines.join('\n')}`;
}

/**
 * Takes a snapshot, telling people on stderr what it cost
 * (`snapshotting sbx-… … completed (0.2 s, 1.2 MB changed)`). A snapshot
 * that failed is reported as an error.
 */
async function takeSnapshot(
  context: CliContext,
  id: string,
  name: string | undefined,
): Promise<Snapshot> {
  const began = performance.now();
  progress(context, `snapshotting ${id} … `);

  let settled: Snapshot;
  try {
    const created = await context.client.createSnapshot(id, { name });
    settled =
      created.status === 'pending'
        ? await context.client.waitForSnapshot(id, created.id, {
            timeoutMs: SNAPSHOT_TIMEOUT_MS,
          })
        : created;
  } catch (error) {
    progress(context, 'failed\n');
    throw error;
  }

  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  if (settled.status === 'failed') {
    progress(context, `failed (${seconds} s)\n`);
    throw new Error(
      `snapshot ${settled.id} of ${id} failed: ` +
        `${settled.error ?? 'no reason was recorded'}`,
    );
  }
  const changed = humanBytes(settled.changedBytes);
  progress(context, `completed (${seconds} s, ${changed} changed)\n`);
  return settled;
}
