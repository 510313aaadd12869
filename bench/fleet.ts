import type { SchedulerStateStore } from '../domain/ports/scheduler-state.ts';
import {
  MAX_SNAPSHOTS_IN_FLIGHT_PER_VOLUME,
  SnapshotScheduler,
} from '../domain/scheduler/snapshot-scheduler.ts';
import {
  EC2_CREATE_SNAPSHOT_LIMIT,
  schedulerLimit,
} from '../domain/scheduler/token-bucket.ts';
import {
  average,
  BUDGET,
  classify,
  type HourFigures,
  minutes,
  num,
  quantiles,
  ratio,
  sum,
  totals,
} from './fleet-report.ts';
import {
  FleetWorld,
  HOUR,
  MINUTE,
  STORM,
  TICK,
  TICK_BUDGET,
} from './fleet-world.ts';

/**
 * `npm run bench:fleet [-- --scale F]`: 10 000 sandboxes over a simulated
 * day against an EC2 that enforces CreateSnapshot's real limits and
 * injects throttles. The real SnapshotScheduler (the code the AWS tick
 * and the local timer run) is compared, in the same run and on the same
 * day, with the naive loop that snapshots every running sandbox every
 * tick. Time is simulated: the figures are what would happen in a day,
 * computed in seconds.
 */

const DAY = 24 * HOUR;
/** The naive loop fires as fast as a script with some concurrency can. */
const NAIVE_CALLS_PER_SECOND = 200;

type Clocked = { advanceTo(at: number): void; world: FleetWorld };

/** Moves simulated time, writing and sampling the recovery point. */
function clocked(world: FleetWorld, hours: HourFigures[]): Clocked {
  let nextMinute = 0;
  return {
    world,
    advanceTo(at: number) {
      while (nextMinute <= at) {
        world.now = nextMinute;
        world.write(nextMinute);
        const hour = hours[Math.floor(nextMinute / HOUR)];
        if (hour && nextMinute > 0) hour.ages.push(...world.dirtyAges());
        nextMinute += MINUTE;
      }
      world.now = at;
    },
  };
}

function memoryState(): SchedulerStateStore {
  let cursor: Awaited<ReturnType<SchedulerStateStore['load']>>;
  return {
    load: async () => cursor,
    save: async (_, next) => {
      cursor = next;
    },
    lease: async () => true,
    release: async () => undefined,
  };
}

async function runScheduler(size: number, epoch: number) {
  const world = new FleetWorld(size, epoch);
  const hours = emptyHours();
  const time = clocked(world, hours);
  const byId = new Map(world.sandboxes.map((s) => [s.id, s]));
  const scheduler = new SnapshotScheduler(
    {
      candidates: async function* () {
        for (const sandbox of world.sandboxes) yield world.summary(sandbox);
      },
      changed: async (summary) => {
        const sandbox = byId.get(summary.id);
        return sandbox ? world.isDirty(sandbox) : false;
      },
      snapshot: async (sandboxId) => {
        const sandbox = byId.get(sandboxId);
        if (!sandbox) return 'skipped';
        count(hours, world, () => world.createSnapshot(sandbox));
        return 'issued';
      },
      state: memoryState(),
      clock: { now: () => new Date(epoch + world.now) },
      sleep: async (ms) => time.advanceTo(world.now + ms),
      log: { info() {}, warn() {}, error() {} },
    },
    {
      intervalMs: TICK,
      limit: schedulerLimit(EC2_CREATE_SNAPSHOT_LIMIT),
      maxInFlightPerVolume: MAX_SNAPSHOTS_IN_FLIGHT_PER_VOLUME,
      leaseMs: 2 * TICK,
    },
  );

  for (let tick = 0; tick < DAY; tick += TICK) {
    time.advanceTo(tick);
    hours[Math.floor(tick / HOUR)]?.demand.push(dirtyCount(world));
    await scheduler.tick({
      deadline: new Date(epoch + tick + TICK_BUDGET),
      holder: 'bench',
    });
  }
  time.advanceTo(DAY - 1);
  return hours;
}

/** Every running sandbox, every tick, in id order, no back-off. */
async function runNaive(size: number, epoch: number) {
  const world = new FleetWorld(size, epoch);
  const hours = emptyHours();
  const time = clocked(world, hours);

  for (let tick = 0; tick < DAY; tick += TICK) {
    time.advanceTo(tick);
    hours[Math.floor(tick / HOUR)]?.demand.push(dirtyCount(world));
    for (const [index, sandbox] of world.sandboxes.entries()) {
      time.advanceTo(tick + (index * 1000) / NAIVE_CALLS_PER_SECOND);
      try {
        count(hours, world, () => world.createSnapshot(sandbox));
      } catch {
        // The naive loop shrugs and moves on.
      }
    }
  }
  time.advanceTo(DAY - 1);
  return hours;
}

const dirtyCount = (world: FleetWorld) =>
  world.sandboxes.filter((s) => world.isDirty(s)).length;

/** Adds one call (and its throttle) to the hour it fell in. */
function count(hours: HourFigures[], world: FleetWorld, call: () => void) {
  const hour = hours[Math.floor(world.now / HOUR)];
  const before = { throttles: world.throttles, clean: world.cleanCalls };
  try {
    call();
  } finally {
    if (hour) {
      hour.calls++;
      hour.throttles += world.throttles - before.throttles;
      hour.cleanCalls += world.cleanCalls - before.clean;
    }
  }
}

const emptyHours = (): HourFigures[] =>
  Array.from({ length: 24 }, () => ({
    demand: [],
    calls: 0,
    throttles: 0,
    cleanCalls: 0,
    ages: [],
  }));

export async function benchFleet(
  scale: number,
  progress: (line: string) => void,
): Promise<string[]> {
  const size = Math.max(100, Math.round(10_000 * scale));
  const epoch = Date.parse('2026-12-01T00:00:00Z');
  progress(`simulating ${size} sandboxes over a day: scheduler...`);
  const scheduled = await runScheduler(size, epoch);
  progress('... and the naive loop');
  const naive = await runNaive(size, epoch);

  const lines = [
    `fleet of ${size} running sandboxes; EC2 CreateSnapshot bucket 100, ` +
      '5/s; 5 in flight per volume; 1% injected throttles; a storm ' +
      `${STORM.from / HOUR}:00-${STORM.from / HOUR}:15 throttles everything`,
    'recovery point = age of the oldest write of each dirty sandbox that ' +
      'no completed snapshot holds, sampled every minute',
    '',
    `the scheduler may use ${BUDGET} calls a slot (90% of the bucket, ` +
      'leaving 10% for manual, pre-stop and pre-restore snapshots)',
    '',
    'hour  demand | scheduler:  calls throttled  clean  p99-age  max-age ' +
      '| naive:  calls throttled  clean  p99-age  max-age',
  ];
  for (let hour = 0; hour < 24; hour++) {
    const s = scheduled[hour] as HourFigures;
    const n = naive[hour] as HourFigures;
    const sq = quantiles(s.ages);
    const nq = quantiles(n.ages);
    lines.push(
      `${String(hour).padStart(4)} ${num(average(s.demand))} | ` +
        `${num(s.calls)} ${num(s.throttles)} ` +
        `${num(s.cleanCalls)} ${minutes(sq.p99)} ${minutes(sq.max)} | ` +
        `${num(n.calls)} ${num(n.throttles)} ${num(n.cleanCalls)} ` +
        `${minutes(nq.p99)} ${minutes(nq.max)}`,
    );
  }
  const kindOf = classify(scheduled);
  lines.push(
    '',
    ...totals('scheduler', scheduled, kindOf),
    ...totals('naive', naive, kindOf),
  );
  const s = quantiles(scheduled.flatMap((h) => h.ages));
  const n = quantiles(naive.flatMap((h) => h.ages));
  lines.push(
    `ratio naive/scheduler: calls ${ratio(sum(naive, 'calls'), sum(scheduled, 'calls'))}, ` +
      `p99 age ${ratio(n.p99, s.p99)}, max age ${ratio(n.max, s.max)}`,
  );
  return lines;
}
