import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { contextOf, output } from './context.ts';
import { download } from './download.ts';
import { fileTable } from './format.ts';

/** `auteryn files …`: move bytes in and out of a sandbox. */
export function registerFileCommands(program: Command): void {
  const files = program
    .command('files')
    .description('list, download, upload and remove files in a sandbox');

  files
    .command('ls')
    .argument('<id>', 'the sandbox')
    .argument('[path]', 'an absolute folder', '/home/agent')
    .description('list a folder')
    .action(async (id: string, path: string, _options, command: Command) => {
      const context = contextOf(command);
      const items = await context.client.listFiles(id, path);
      output(context, { items }, () =>
        items.length > 0 ? fileTable(items) : `${path} is empty`,
      );
    });

  files
    .command('get')
    .argument('<id>', 'the sandbox')
    .argument('<path>', 'an absolute file path')
    .description("write a file's bytes to stdout, or to --output")
    .option('--output <file>', 'a local file to write instead of stdout')
    .action(async (id: string, path: string, options, command: Command) => {
      const context = contextOf(command);
      const body = await context.client.readFileStream(id, path);
      await download(context, body, path, options.output);
    });

  files
    .command('put')
    .argument('<id>', 'the sandbox')
    .argument('<local>', 'a local file, or - for stdin')
    .argument('<path>', 'where to write it in the sandbox')
    .description('upload a file, streaming it, creating missing folders')
    .action(
      async (id: string, local: string, path: string, _options, command) => {
        const context = contextOf(command);
        const entry = await context.client.writeFile(
          id,
          path,
          await uploadOf(local),
        );
        output(
          context,
          entry,
          () => `wrote ${entry.size} bytes to ${entry.path}`,
        );
      },
    );

  files
    .command('rm')
    .argument('<id>', 'the sandbox')
    .argument('<path>', 'a file, or a folder with everything in it')
    .description('remove a file or a folder')
    .action(async (id: string, path: string, _options, command: Command) => {
      const context = contextOf(command);
      await context.client.removeFile(id, path);
      output(context, { path, removed: true }, () => `removed ${path}`);
    });
}

/** A local file as a stream, checked first so that errors name it. */
async function uploadOf(local: string): Promise<ReadableStream<Uint8Array>> {
  if (local === '-') return Readable.toWeb(process.stdin);

  const info = await stat(local);
  if (!info.isFile()) throw new Error(`${local} is not a file`);
  return Readable.toWeb(createReadStream(local));
}
