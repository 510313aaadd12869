/**
 * `npm run bench [-- NAME...] [--scale F]`: every benchmark, or the ones
 * named. Each prints its figures with ratios against a baseline measured
 * in the same run, because these machines are too noisy for absolutes.
 */
const BENCHES: Record<
  string,
  (scale: number, progress: (line: string) => void) => Promise<string[]>
> = {
  // Loaded on demand, so one benchmark's set-up never slows another's.
  'api-latency': async (scale) =>
    (await import('./api-latency.ts')).benchApiLatency(scale),
  'event-store': async (scale) =>
    (await import('./event-store.ts')).benchEventStore(scale),
  'long-streams': async (scale, progress) =>
    (await import('./long-streams.ts')).benchLongStreams(scale, progress),
  snapshots: async (scale, progress) =>
    (await import('./snapshots.ts')).benchSnapshots(scale, progress),
  transfers: async (scale, progress) =>
    (await import('./transfers.ts')).benchTransfers(scale, progress),
  fleet: async (scale, progress) =>
    (await import('./fleet.ts')).benchFleet(scale, progress),
  handlers: async (scale, progress) =>
    (await import('./handlers.ts')).benchHandlers(scale, progress),
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scaleAt = args.indexOf('--scale');
  const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 1;
  const named = args.filter(
    (arg, index) =>
      !arg.startsWith('--') && (scaleAt < 0 || index !== scaleAt + 1),
  );
  const chosen = named.length > 0 ? named : Object.keys(BENCHES);

  for (const name of chosen) {
    const bench = BENCHES[name];
    if (!bench) {
      console.error(
        `unknown benchmark ${name}: one of ${Object.keys(BENCHES)}`,
      );
      process.exit(2);
    }
    console.log(`\n== ${name}`);
    const lines = await bench(scale, (line) => console.error(line));
    for (const line of lines) console.log(line);
  }
  console.log(
    `\nrepeat with: npm run bench -- ${chosen.join(' ')}` +
      (scale !== 1 ? ` --scale ${scale}` : ''),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
