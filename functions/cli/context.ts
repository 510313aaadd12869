import type { Command } from 'commander';
import {
  AuterynClient,
  executeApiRegion,
  signedFetch,
} from '../client/index.ts';
import { json } from './format.ts';

export const DEFAULT_URL = 'http://127.0.0.1:4000';

/** What every command needs: the client and how to print. */
export interface CliContext {
  client: AuterynClient;
  /** `--json`: print the API's JSON and nothing else on stdout. */
  json: boolean;
}

interface GlobalOptions {
  url: string;
  signRegion?: string;
  json?: boolean;
}

/** Builds the context from the options given anywhere on the line. */
export function contextOf(command: Command): CliContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  return {
    client: new AuterynClient({
      baseUrl: options.url,
      fetch: fetchFor(options),
    }),
    json: options.json === true,
  };
}

/**
 * A deployed API takes only SigV4-signed requests (IAM authorizer);
 * the local platform takes plain ones. Signing is asked for, or known
 * from an execute-api URL.
 */
function fetchFor(options: GlobalOptions): typeof fetch | undefined {
  const region = options.signRegion ?? executeApiRegion(options.url);
  return region ? signedFetch({ region }) : undefined;
}

/** Prints machine output with --json, human output otherwise. */
export function output(
  context: CliContext,
  value: unknown,
  human: () => string | undefined,
): void {
  const text = context.json ? json(value) : human();
  if (text !== undefined) console.log(text);
}

/** Progress for people; silent with --json so that stderr stays clean. */
export function progress(context: CliContext, text: string): void {
  if (!context.json) process.stderr.write(text);
}
