import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';

const REPO = resolve(import.meta.dirname, '../..');

/** Where `npm run build:agent` puts the bundle; the Dockerfile copies it. */
export const AGENT_BUNDLE = resolve(REPO, '.tmp/agent/agent.mjs');

/**
 * Bundles the agent into one ES module with every dependency inside, so
 * the image needs Node.js and this file only. Node 20 syntax, so the
 * bundle runs on this machine's Node as well as on the image's Node 22.
 */
export async function buildAgent(outfile = AGENT_BUNDLE): Promise<string> {
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [resolve(REPO, 'functions/agent/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: false,
    // Beside the bundle; the image runs node with --enable-source-maps.
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    // Dependencies written as CommonJS call require(), which ESM lacks.
    banner: {
      js: "import { createRequire as agentRequire } from 'node:module';\nconst require = agentRequire(import.meta.url);",
    },
  });
  return outfile;
}

if (process.argv[1] === import.meta.filename) {
  const outfile = await buildAgent(process.argv[2]);
  process.stdout.write(`agent bundle: ${outfile}\n`);
}
