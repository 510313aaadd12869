import type { Command } from 'commander';
import type { SandboxEvent } from '../client/index.ts';
import { contextOf, output } from './context.ts';
import { eventTable } from './format.ts';

/** `auteryn events ID`: the sandbox's whole history, oldest first. */
export function registerEventsCommand(program: Command): void {
  program
    .command('events')
    .argument('<id>', 'the sandbox')
    .description("print a sandbox's event history, every page of it")
    .action(async (id: string, _options, command: Command) => {
      const context = contextOf(command);
      const items: SandboxEvent[] = [];
      for await (const event of context.client.allEvents(id)) {
        items.push(event);
      }
      output(context, { items }, () => eventTable(items));
    });
}
