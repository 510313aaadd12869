import type { Command } from 'commander';
import { contextOf, output } from './context.ts';
import { download } from './download.ts';
import { fileTable } from './format.ts';
import { diffLines } from './format-snapshots.ts';

/** `auteryn snapshots diff|files|cat`: a sandbox's files as they were. */
export function registerSnapshotFileCommands(snapshots: Command): void {
  snapshots
    .command('diff')
    .argument('<id>', 'the sandbox')
    .argument('<snapshot-id>', 'the snapshot to compare from')
    .description('list what changed: + added, - removed, ~ changed')
    .option(
      '--against <target>',
      'live (the sandbox now) or another snapshot id',
      'live',
    )
    .action(
      async (id: string, snapshotId: string, options, command: Command) => {
        const context = contextOf(command);
        const diff = await context.client.diffSnapshot(id, snapshotId, {
          against: options.against,
        });
        output(context, diff, () => diffLines(diff));
      },
    );

  snapshots
    .command('files')
    .argument('<id>', 'the sandbox')
    .argument('<snapshot-id>', 'the snapshot')
    .argument('[path]', 'an absolute folder', '/home/agent')
    .description('list a folder as it was in the snapshot')
    .action(
      async (
        id: string,
        snapshotId: string,
        path: string,
        _options,
        command,
      ) => {
        const context = contextOf(command);
        const items = await context.client.listSnapshotFiles(
          id,
          snapshotId,
          path,
        );
        output(context, { items }, () =>
          items.length > 0 ? fileTable(items) : `${path} was empty`,
        );
      },
    );

  snapshots
    .command('cat')
    .argument('<id>', 'the sandbox')
    .argument('<snapshot-id>', 'the snapshot')
    .argument('<path>', 'an absolute file path')
    .description("write a file's bytes as they were to stdout, or to --output")
    .option('--output <file>', 'a local file to write instead of stdout')
    .action(
      async (
        id: string,
        snapshotId: string,
        path: string,
        options,
        command,
      ) => {
        const context = contextOf(command);
        const body = await context.client.readSnapshotFileStream(
          id,
          snapshotId,
          path,
        );
        await download(context, body, path, options.output);
      },
    );
}
