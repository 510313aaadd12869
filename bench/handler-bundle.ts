import { readFile, stat, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

import type { HandlerName } from '../functions/handlers/names.ts';

export {
  HANDLER_NAMES,
  type HandlerName,
} from '../functions/handlers/names.ts';

/** What the issue allows a minified handler: 1 MB, read as 10^6 bytes. */
export const BUNDLE_BUDGET_BYTES = 1_000_000;

/** The SDK clients the nodejs22.x runtime ships, left out as in infra. */
export const RUNTIME_SDK = ['@aws-sdk/client-*'];

// The same shim as infra/functions.ts's REQUIRE_SHIM.
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module';" +
  'const require = createRequire(import.meta.url);';

/**
 * The esbuild options NodejsFunction derives from the `bundling` props
 * of infra/functions.ts (`--bundle --platform=node --target=node22
 * --format=esm --minify --sourcemap --sources-content=false
 * --main-fields=module,main --banner:js=… --external:…`). Mirrored
 * because importing them would load CDK: MUST stay in step with it.
 */
export const LAMBDA_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_SHIM },
  external: RUNTIME_SDK,
  absWorkingDir: REPO_ROOT,
  logLevel: 'warning',
} satisfies BuildOptions;

/** One bundle written to disk and what it weighs. */
export interface HandlerBundle {
  file: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  /** The packages it leaves to the runtime (import specifiers). */
  externals: string[];
}

export const handlerEntry = (name: HandlerName) =>
  join(REPO_ROOT, 'functions', 'handlers', `${name}.ts`);

/**
 * Bundles one entry as the Lambda construct does, into `outDir/<label>.mjs`
 * (Lambda's own name is index.mjs; the label keeps them apart here).
 * `external` replaces the runtime SDK list, e.g. [] to bundle the SDK.
 */
export async function bundleEntry(
  entry: string,
  outDir: string,
  label: string,
  external: string[] = RUNTIME_SDK,
): Promise<HandlerBundle> {
  const file = join(outDir, `${label}.mjs`);
  const { metafile } = await build({
    ...LAMBDA_BUNDLE_OPTIONS,
    external,
    entryPoints: [entry],
    outfile: file,
    metafile: true,
  });
  const imports = Object.values(metafile.outputs).flatMap(
    (output) => output.imports,
  );

  const code = await readFile(file);
  return {
    file,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    mapBytes: (await stat(`${file}.map`)).size,
    externals: [
      ...new Set(
        imports
          .filter((i) => i.external && !isBuiltin(i.path))
          .map((i) => i.path),
      ),
    ].sort(),
  };
}

/** The floor: a handler that does nothing, bundled the same way. */
export async function bundleBaseline(outDir: string): Promise<HandlerBundle> {
  const entry = join(outDir, 'trivial-handler.ts');
  await writeFile(
    entry,
    'export const handler = async () => ({ ok: true });\n',
  );
  return bundleEntry(entry, outDir, 'trivial');
}

/**
 * A handler that only imports the given SDK clients (those the handlers'
 * bundles leave out), still external: its import is what loading them
 * from node_modules costs, as the deployed bundles do (Lambda loads them
 * from its runtime instead).
 */
export async function bundleClientsOnly(
  outDir: string,
  clients: string[],
): Promise<HandlerBundle> {
  const entry = join(outDir, 'clients-only-handler.ts');
  const imports = clients.map((client) => `import '${client}';\n`);
  await writeFile(
    entry,
    `${imports.join('')}export const handler = async () => ({ ok: true });\n`,
  );
  return bundleEntry(entry, outDir, 'clients-only');
}

/** A plain ES module for `node` itself (no tsx in the measured process). */
export async function bundleProgram(
  entry: string,
  outFile: string,
): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    absWorkingDir: REPO_ROOT,
    logLevel: 'warning',
  });
}
