import { CommanderError } from 'commander';
import { buildProgram } from './program.ts';

// Usage errors exit apart from failures, so scripts can tell them apart.
const USAGE_STATUS = 2;
const FAILURE_STATUS = 1;

/**
 * `auteryn`: runs one command. Exit statuses are set, never forced with
 * process.exit, so that piped stdout is flushed before the process ends.
 */
async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the usage problem (or the help) already.
      process.exitCode = error.exitCode === 0 ? 0 : USAGE_STATUS;
      return;
    }
    console.error(`error: ${messageOf(error)}`);
    process.exitCode = FAILURE_STATUS;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

await main(process.argv);
