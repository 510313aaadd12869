import { onTestFinished } from 'vitest';

/** A command as the SDK client was asked to send it. */
export interface SentCommand {
  commandName: string;
  input: Record<string, unknown>;
}

interface ClientWithStack {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: object }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
    remove(name: string): boolean;
  };
}

let recorders = 0;

/**
 * Records every command `client` sends during the current test, through
 * a middleware on the real client: the way to see what was asked of AWS
 * where the emulator drops a field (moto ignores ECS volume settings).
 */
export function recordCommands(client: ClientWithStack): SentCommand[] {
  const sent: SentCommand[] = [];
  const name = `recordCommands${++recorders}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({
        commandName: context.commandName ?? 'unknown',
        input: copyOf(args.input),
      });
      return next(args);
    },
    { step: 'initialize', name },
  );
  onTestFinished(() => {
    client.middlewareStack.remove(name);
  });
  return sent;
}

/** The inputs of the commands named `commandName`. */
export const inputsOf = (sent: readonly SentCommand[], commandName: string) =>
  sent
    .filter((command) => command.commandName === commandName)
    .map((command) => command.input);

/** A deep copy where possible (streams and the like cannot be cloned). */
function copyOf(input: object): Record<string, unknown> {
  try {
    return structuredClone(input) as Record<string, unknown>;
  } catch {
    return { ...input } as Record<string, unknown>;
  }
}
