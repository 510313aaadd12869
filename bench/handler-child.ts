import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

/**
 * The measured process of the handlers benchmark, run by `node` itself
 * (bundled by bench/handler-bundle.ts, so no loader sits in between):
 *   node handler-child.mjs BUNDLE JOB.json RESULT.json
 * It imports the bundle, invokes its `handler` with the job's first event
 * (cold) and then its second (warm, same process), and writes the
 * timings and what the handler answered.
 */

/** What the parent asks of one process. */
export interface ChildJob {
  functionName: string;
  /** The cold invocation's event, then the warm one's. */
  events: [unknown, unknown];
}

/** What one process measured, in milliseconds from its own start. */
export interface ChildResult {
  /** Node's start until this program runs (performance.now()). */
  bootMs: number;
  importMs: number;
  firstInvokeMs: number;
  warmInvokeMs: number;
  answers: [unknown, unknown];
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

// What Lambda's runtime hands a handler, as far as these handlers read it.
const lambdaContext = (functionName: string, requestId: string) => ({
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: requestId,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

async function main(): Promise<void> {
  const bootMs = performance.now();
  const [bundle, jobFile, resultFile] = process.argv.slice(2);
  if (!bundle || !jobFile || !resultFile) {
    throw new Error('usage: handler-child.mjs BUNDLE JOB.json RESULT.json');
  }
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ChildJob;

  const importStart = performance.now();
  const { handler } = (await import(pathToFileURL(bundle).href)) as {
    handler: Handler;
  };
  const importMs = performance.now() - importStart;

  const firstStart = performance.now();
  const first = await handler(
    job.events[0],
    lambdaContext(job.functionName, `cold-${process.pid}`),
  );
  const firstInvokeMs = performance.now() - firstStart;

  const warmStart = performance.now();
  const warm = await handler(
    job.events[1],
    lambdaContext(job.functionName, `warm-${process.pid}`),
  );
  const warmInvokeMs = performance.now() - warmStart;

  const result: ChildResult = {
    bootMs,
    importMs,
    firstInvokeMs,
    warmInvokeMs,
    answers: [first, warm],
  };
  writeFileSync(resultFile, JSON.stringify(result));
  // Lambda freezes the process after the answer; keep-alive sockets of the
  // SDK would otherwise hold it open here.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
