import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChildJob, ChildResult } from './handler-child.ts';

const OUTPUT_TAIL_CHARS = 4_000;
/** A process that takes this long is stuck, not slow. */
const PROCESS_TIMEOUT_MS = 120_000;

/** One fresh process's figures, plus its life as the parent saw it. */
export interface ProcessRun extends ChildResult {
  /** spawn() until the process exited. */
  wallMs: number;
}

/**
 * Runs one bundle's cold start in a fresh `node` process (this Node.js,
 * the program bench/handler-child.ts built to plain JS) and reads back
 * what it measured. A process that fails is an error naming the bundle
 * and carrying the end of its output: the reason it cannot run here.
 */
export async function runColdProcess(options: {
  program: string;
  bundle: string;
  job: ChildJob;
  env: NodeJS.ProcessEnv;
  workDir: string;
}): Promise<ProcessRun> {
  const { program, bundle, job, env, workDir } = options;
  const jobFile = join(workDir, 'job.json');
  const resultFile = join(workDir, 'result.json');
  await writeFile(jobFile, JSON.stringify(job));
  await rm(resultFile, { force: true });

  const start = performance.now();
  const output = await run(
    process.execPath,
    [program, bundle, jobFile, resultFile],
    env,
  );
  const wallMs = performance.now() - start;

  if (output.code !== 0) {
    throw new Error(
      `${job.functionName}: node ${bundle} exited with ${output.code}:\n` +
        output.text,
    );
  }
  const result = JSON.parse(await readFile(resultFile, 'utf8'));
  return { ...(result as ChildResult), wallMs };
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
    const keep = (chunk: Buffer) => {
      text = (text + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, text });
    });
  });
}
