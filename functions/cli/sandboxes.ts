import { type Command, InvalidArgumentError } from 'commander';
import type {
  AuterynClient,
  Sandbox,
  SandboxSize,
  UpdateSandboxRequest,
} from '../client/index.ts';
import { contextOf, output } from './context.ts';
import { sandboxBlock, sandboxTable } from './format.ts';
import { type LifecycleAction, runLifecycle } from './settle.ts';

interface SettingsOptions {
  size?: string;
  autoShutdown?: boolean;
  shutdownAfter?: string;
  idleCpuPercent?: number;
}

interface CreateOptions extends SettingsOptions {
  image?: string;
  wait: boolean;
}

interface LifecycleOptions {
  wait: boolean;
  /** Only `delete` offers it. */
  keepSnapshots?: boolean;
}

/** `auteryn sandboxes …`: create, inspect and drive sandboxes. */
export function registerSandboxCommands(program: Command): void {
  const sandboxes = program
    .command('sandboxes')
    .description('create, list, inspect, start, stop and delete sandboxes');

  withSettings(sandboxes.command('create').argument('<name>'))
    .description('create a sandbox and wait until it runs')
    .option('--image <image>', 'what the sandbox boots (host locally)')
    .option('--no-wait', 'return once the platform accepted the request')
    .action(async (name: string, options: CreateOptions, command: Command) => {
      const context = contextOf(command);
      const input = { name, image: options.image, ...settingsOf(options) };
      const sandbox = await runLifecycle(
        context,
        'create',
        name,
        () => context.client.createSandbox(input),
        { wait: options.wait },
      );
      output(context, sandbox, () => sandboxBlock(sandbox));
    });

  sandboxes
    .command('list')
    .description('list sandboxes in a table')
    .option('--all', 'include deleted sandboxes')
    .action(async (options: { all?: boolean }, command: Command) => {
      const context = contextOf(command);
      const items = await context.client.listSandboxes({
        includeDeleted: options.all === true,
      });
      output(context, { items }, () =>
        items.length > 0 ? sandboxTable(items) : 'no sandboxes',
      );
    });

  sandboxes
    .command('show')
    .argument('<id>')
    .description("show one sandbox's settings and status")
    .action(async (id: string, _options, command: Command) => {
      const context = contextOf(command);
      const sandbox = await context.client.getSandbox(id);
      output(context, sandbox, () => sandboxBlock(sandbox));
    });

  for (const action of ['start', 'stop', 'restart'] as const) {
    registerLifecycleCommand(sandboxes, action);
  }
  registerLifecycleCommand(sandboxes, 'delete').option(
    '--keep-snapshots',
    'keep its snapshots, to read or list them later',
  );

  withSettings(sandboxes.command('update').argument('<id>'))
    .description('change settings; a new size applies from the next start')
    .action(async (id: string, options: SettingsOptions, command: Command) => {
      const context = contextOf(command);
      const patch = settingsOf(options);
      if (Object.keys(patch).length === 0) {
        command.error(
          'error: name at least one of --size, --[no-]auto-shutdown, ' +
            '--shutdown-after, --idle-cpu-percent',
        );
      }
      const sandbox = await context.client.updateSandbox(id, patch);
      output(context, sandbox, () => sandboxBlock(sandbox));
    });
}

/** The lifecycle actions on a sandbox that exists; restore has its own. */
type SandboxAction = Exclude<LifecycleAction, 'create' | 'restore'>;

const DESCRIPTION: Record<SandboxAction, string> = {
  start: 'start a stopped sandbox and wait until it runs',
  stop: 'stop a sandbox, keeping its files, and wait until it has',
  restart: 'stop and start a sandbox again',
  delete: 'delete a sandbox and every file it had',
};

function registerLifecycleCommand(
  sandboxes: Command,
  action: SandboxAction,
): Command {
  return sandboxes
    .command(action)
    .argument('<id>')
    .description(DESCRIPTION[action])
    .option('--no-wait', 'return once the platform accepted the request')
    .action(async (id: string, options: LifecycleOptions, command) => {
      const context = contextOf(command);
      const sandbox = await runLifecycle(
        context,
        action,
        id,
        () => requestOf(context.client, action, id, options),
        options,
      );
      // People saw the outcome on stderr; scripts get it with --json.
      output(context, sandbox, () => undefined);
    });
}

function requestOf(
  client: AuterynClient,
  action: SandboxAction,
  id: string,
  options: LifecycleOptions,
): Promise<Sandbox> {
  switch (action) {
    case 'start':
      return client.startSandbox(id);
    case 'stop':
      return client.stopSandbox(id);
    case 'restart':
      return client.restartSandbox(id);
    case 'delete':
      return client.deleteSandbox(id, {
        keepSnapshots: options.keepSnapshots === true,
      });
  }
}

function withSettings(command: Command): Command {
  return command
    .option('--size <size>', 'small, medium or large')
    .option('--auto-shutdown', 'stop the sandbox when it sits idle')
    .option('--no-auto-shutdown', 'keep the sandbox running when idle')
    .option('--shutdown-after <duration>', 'idle time before it stops: 30m')
    .option(
      '--idle-cpu-percent <percent>',
      'CPU use (% of one CPU) above which it counts as busy, not idle',
      parseNumber,
    );
}

/** Leaves the range check to the platform; only the form is checked. */
function parseNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) {
    throw new InvalidArgumentError('a number, like 5 or 2.5');
  }
  return value;
}

/**
 * Only the settings given on the line: the platform applies its defaults
 * and validates values, so its field problems reach the user unchanged.
 */
function settingsOf(options: SettingsOptions): UpdateSandboxRequest {
  const { size, autoShutdown, shutdownAfter, idleCpuPercent } = options;
  const given = Object.entries({
    size,
    autoShutdown,
    shutdownAfter,
    idleCpuPercent,
  }).filter(([, value]) => value !== undefined);
  // The size is the user's text: the platform, not a cast, checks it.
  return Object.fromEntries(given) as { size?: SandboxSize };
}
