import type { Command } from 'commander';
import type { AuterynClient, Sandbox } from '../client/index.ts';
import { contextOf, output } from './context.ts';
import { runLifecycle } from './settle.ts';

interface RestoreOptions {
  path?: string[];
  wait: boolean;
}

/** `auteryn restore ID SNAPSHOT`: time travel, in place. */
export function registerRestoreCommand(program: Command): void {
  program
    .command('restore')
    .argument('<id>', 'the sandbox')
    .argument('<snapshot>', 'a snapshot id, a snapshot name or an ISO time')
    .description(
      'restore a sandbox in place, keeping what it replaces as a ' +
        'pre-restore snapshot, and wait until it settles',
    )
    .option(
      '--path <path>',
      'restore only this absolute path; repeatable',
      addPath,
    )
    .option('--no-wait', 'return once the platform accepted the request')
    .action(
      async (
        id: string,
        snapshot: string,
        options: RestoreOptions,
        command,
      ) => {
        const context = contextOf(command);
        const { client } = context;
        // The history from here on tells whether the restore took.
        const before = await client.getSandbox(id);

        const sandbox = await runLifecycle(
          context,
          'restore',
          `${id} to ${snapshot}`,
          () => client.restore(id, { snapshot, paths: options.path }),
          {
            wait: options.wait,
            verify: (settled) => verifyRestored(client, settled, before),
          },
        );
        // People saw the outcome on stderr; scripts get it with --json.
        output(context, sandbox, () => undefined);
      },
    );
}

function addPath(path: string, previous: string[] = []): string[] {
  return [...previous, path];
}

/**
 * A sandbox that settled may still have failed: a failed restore, like a
 * restore whose restart failed, leaves only its events to say so.
 */
async function verifyRestored(
  client: AuterynClient,
  settled: Sandbox,
  before: Sandbox,
): Promise<void> {
  for await (const event of client.allEvents(settled.id, {
    after: before.version,
  })) {
    const error = String(event.data.error ?? 'no reason was recorded');
    if (event.type === 'RestoreFailed') {
      throw new Error(`sandbox ${settled.id} was left as it was: ${error}`);
    }
    if (event.type === 'SandboxStartFailed') {
      throw new Error(
        `sandbox ${settled.id} was restored but failed to start: ${error}`,
      );
    }
  }
}
