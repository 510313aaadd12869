import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUNDLE_BUDGET_BYTES,
  bundleBaseline,
  bundleClientsOnly,
  bundleEntry,
  bundleProgram,
  HANDLER_NAMES,
  type HandlerBundle,
  type HandlerName,
  handlerEntry,
  REPO_ROOT,
} from './handler-bundle.ts';
import { handlerJob, seedHandlerWorld } from './handler-events.ts';
import { type ProcessRun, runColdProcess } from './handler-process.ts';
import { coldReport, type SizedHandler, sizeReport } from './handler-report.ts';
import { startHandlerWorld } from './handler-world.ts';

const BASELINE = 'trivial (baseline)';
const CLIENTS_ONLY = 'SDK clients only';

interface Measured {
  label: string;
  name: HandlerName | 'trivial';
  bundle: HandlerBundle;
}

/**
 * `npm run bench -- handlers [--scale F]`: each Lambda handler bundled by
 * esbuild as infra/functions.ts bundles it, its size (failing the run at
 * 1 MB), and its cold start in fresh `node` processes: importing the
 * bundle, then a first and a second invocation with a representative
 * event, every AWS call to a moto_server started for the run. A trivial
 * handler, bundled and run the same way in the same rounds, is the floor.
 */
export async function benchHandlers(
  scale: number,
  progress: (line: string) => void,
): Promise<string[]> {
  const rounds = Math.max(3, Math.round(9 * scale));
  const workDir = await mkdtemp(join(tmpdir(), 'auteryn-bench-handlers-'));
  // The bundles leave the SDK clients out, as Lambda's runtime has them:
  // here they resolve from the repository's node_modules.
  await symlink(join(REPO_ROOT, 'node_modules'), join(workDir, 'node_modules'));

  try {
    progress(`handlers: bundling into ${workDir}`);
    const { sized, baseline, clientsOnly, program } = await bundleAll(workDir);
    const sizes = sizeReport(sized, baseline);

    progress('handlers: starting moto_server and the tables');
    const world = await startHandlerWorld(HANDLER_NAMES);
    let runs: Map<string, ProcessRun[]>;
    try {
      await seedHandlerWorld(world);
      const measured: Measured[] = [
        { label: BASELINE, name: 'trivial', bundle: baseline },
        { label: CLIENTS_ONLY, name: 'trivial', bundle: clientsOnly },
        ...sized.map(({ name, lean }) => ({ label: name, name, bundle: lean })),
        ...sized.map(({ name, withSdk }) => ({
          label: `${name}, SDK bundled`,
          name,
          bundle: withSdk,
        })),
      ];
      runs = await coldRounds(
        measured,
        rounds,
        async (entry, home) => {
          const job = await handlerJob(entry.name, world);
          const run = await runColdProcess({
            program,
            bundle: entry.bundle.file,
            job: { functionName: entry.name, events: job.events },
            env: world.processEnv(entry.name, home),
            workDir,
          });
          const wrong =
            run.answers.map(job.wrong).find(Boolean) ??
            (await job.leftBehind?.());
          if (wrong) {
            throw new Error(
              `${entry.label} answered ${JSON.stringify(run.answers)}: ${wrong}`,
            );
          }
          return run;
        },
        progress,
      );
    } finally {
      await world.close();
    }

    const lines = [
      ...sizes.lines,
      '',
      `cold init in fresh processes: node ${process.version} (Lambda: 22),` +
        ` ${rounds} rounds, handlers interleaved, AWS calls to moto_server`,
      ...coldReport(runs, BASELINE),
    ];
    if (sizes.over.length > 0) {
      process.exitCode = 1;
      lines.push(
        '',
        `FAIL: at or over the budget of ${BUNDLE_BUDGET_BYTES} bytes ` +
          `minified: ${sizes.over.join(', ')}`,
      );
    }
    return lines;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function bundleAll(workDir: string) {
  const leanDir = join(workDir, 'as-deployed');
  const sdkDir = join(workDir, 'sdk-bundled');
  await mkdir(leanDir);
  await mkdir(sdkDir);

  const sized: SizedHandler[] = [];
  for (const name of HANDLER_NAMES) {
    const entry = handlerEntry(name);
    sized.push({
      name,
      lean: await bundleEntry(entry, leanDir, name),
      withSdk: await bundleEntry(entry, sdkDir, name, []),
    });
  }
  const baseline = await bundleBaseline(leanDir);
  const clients = [...new Set(sized.flatMap((s) => s.lean.externals))];
  const clientsOnly = await bundleClientsOnly(leanDir, clients.sort());
  const program = join(workDir, 'handler-child.mjs');
  await bundleProgram(join(REPO_ROOT, 'bench', 'handler-child.ts'), program);
  return { sized, baseline, clientsOnly, program };
}

/**
 * Every entry once per round, in an order rotated each round, so that a
 * noisy spell hits them all alike; each run in a fresh process and HOME.
 */
async function coldRounds(
  entries: Measured[],
  rounds: number,
  measure: (entry: Measured, home: string) => Promise<ProcessRun>,
  progress: (line: string) => void,
): Promise<Map<string, ProcessRun[]>> {
  const runs = new Map(
    entries.map((entry) => [entry.label, [] as ProcessRun[]]),
  );
  const homes = await mkdtemp(join(tmpdir(), 'auteryn-bench-home-'));
  try {
    for (let round = 0; round < rounds; round++) {
      progress(`handlers: round ${round + 1} of ${rounds}`);
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[(i + round) % entries.length] as Measured;
        const home = join(homes, `${round}-${i}`);
        await mkdir(home);
        runs.get(entry.label)?.push(await measure(entry, home));
      }
    }
  } finally {
    await rm(homes, { recursive: true, force: true });
  }
  return runs;
}
