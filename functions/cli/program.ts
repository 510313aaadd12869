import { Command, Option } from 'commander';
import { DEFAULT_URL } from './context.ts';
import { registerEventsCommand } from './events.ts';
import { registerExecCommand } from './exec.ts';
import { registerFileCommands } from './files.ts';
import { registerMetricsCommands } from './metrics.ts';
import { registerRestoreCommand } from './restore.ts';
import { registerSandboxCommands } from './sandboxes.ts';
import { registerSnapshotCommands } from './snapshots.ts';
import { registerTransferCommands } from './transfers.ts';

/**
 * The `auteryn` program. Usage errors throw CommanderError (see
 * exitOverride) so that main decides the exit status in one place.
 */
export function buildProgram(): Command {
  const program = new Command('auteryn')
    .description('Drive Auteryn sandboxes from the shell.')
    .addOption(
      new Option('--url <url>', 'where the platform listens')
        .env('AUTERYN_URL')
        .default(DEFAULT_URL),
    )
    .addOption(
      new Option(
        '--sign-region <region>',
        'sign requests with SigV4 for an API deployed in this region ' +
          '(automatic for *.execute-api.<region>.amazonaws.com URLs); ' +
          'credentials come from the usual AWS chain',
      ).env('AUTERYN_SIGN_REGION'),
    )
    .option('--json', "print the API's JSON instead of text")
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    // Inherited by every command added below, so set before them.
    .exitOverride();

  registerSandboxCommands(program);
  registerExecCommand(program);
  registerFileCommands(program);
  registerEventsCommand(program);
  registerSnapshotCommands(program);
  registerRestoreCommand(program);
  registerMetricsCommands(program);
  registerTransferCommands(program);
  return program;
}
