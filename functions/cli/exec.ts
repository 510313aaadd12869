import { type Command, InvalidArgumentError } from 'commander';
import type { ExecResult } from '../client/index.ts';
import { contextOf } from './context.ts';
import { json } from './format.ts';

interface ExecOptions {
  timeout?: number;
  cwd?: string;
  env?: Record<string, string>;
}

/** `auteryn exec ID -- CMD…`: run a command as if it ran here. */
export function registerExecCommand(program: Command): void {
  program
    .command('exec')
    .argument('<id>', 'the sandbox')
    .argument('<command...>', 'words joined with spaces and run with bash')
    .usage('[options] <id> -- <command...>')
    .description(
      'run a command in a sandbox, waking it if stopped; exits with its code',
    )
    .option(
      '--timeout <seconds>',
      'kill the command after this (default 60)',
      seconds,
    )
    .option('--cwd <path>', 'absolute folder to run in (default /home/agent)')
    .option('--env <K=V>', 'an environment variable; repeatable', addEnv)
    .action(
      async (id: string, words: string[], options: ExecOptions, command) => {
        const context = contextOf(command);
        const result = await context.client.exec(id, {
          command: words.join(' '),
          timeoutSeconds: options.timeout,
          cwd: options.cwd,
          env: options.env,
        });

        if (context.json) {
          console.log(json(result));
        } else {
          process.stdout.write(result.stdout);
          process.stderr.write(result.stderr);
          for (const note of notesOn(result)) console.error(`note: ${note}`);
        }
        process.exitCode = exitStatusOf(result);
      },
    );
}

function notesOn(result: ExecResult): string[] {
  const notes: string[] = [];
  if (result.timedOut) {
    const seconds = (result.durationMs / 1000).toFixed(1);
    notes.push(`the command timed out and was killed after ${seconds} s`);
  }
  if (result.stdoutTruncated) notes.push('stdout was truncated');
  if (result.stderrTruncated) notes.push('stderr was truncated');
  return notes;
}

// What timeout(1) exits with, for a code a process cannot exit with.
const TIMED_OUT_STATUS = 124;

/** A shell can only see 0-255: keep a real code, name the rest. */
function exitStatusOf(result: ExecResult): number {
  const { exitCode } = result;
  if (exitCode >= 0 && exitCode <= 255) return exitCode;
  return result.timedOut ? TIMED_OUT_STATUS : 1;
}

function seconds(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError('a whole number of seconds, at least 1');
  }
  return value;
}

function addEnv(
  pair: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const equals = pair.indexOf('=');
  if (equals < 1) throw new InvalidArgumentError('write it as NAME=value');
  return { ...previous, [pair.slice(0, equals)]: pair.slice(equals + 1) };
}
