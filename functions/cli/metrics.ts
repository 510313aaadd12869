import type { Command } from 'commander';
import type { SandboxMetrics, SandboxUsageReport } from '../client/index.ts';
import { contextOf, output } from './context.ts';
import { block, timestamp } from './format.ts';

/** `auteryn metrics ID` and `auteryn usage ID`: what it uses and costs. */
export function registerMetricsCommands(program: Command): void {
  program
    .command('metrics')
    .argument('<id>', 'the sandbox')
    .description('show CPU, memory, disk, last activity and snapshot age')
    .action(async (id: string, _options, command: Command) => {
      const context = contextOf(command);
      const metrics = await context.client.metrics(id);
      output(context, metrics, () => metricsBlock(metrics));
    });

  program
    .command('usage')
    .argument('<id>', 'the sandbox')
    .description('running time and cost per day, and what idle shutdown saved')
    .option('--from <date>', 'first day, YYYY-MM-DD (default: 29 days ago)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: today)')
    .action(
      async (
        id: string,
        options: { from?: string; to?: string },
        command: Command,
      ) => {
        const context = contextOf(command);
        const report = await context.client.usage(id, options);
        output(context, report, () => usageTable(report));
      },
    );
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

function metricsBlock(metrics: SandboxMetrics): string {
  const age = metrics.snapshotAgeSeconds;
  return block([
    ['status', metrics.status],
    ['cpu', `${metrics.cpuPercent}% of one cpu`],
    [
      'memory',
      `${mib(metrics.memoryBytes)} of ${mib(metrics.memoryLimitBytes)}`,
    ],
    ['disk', `${mib(metrics.diskBytes)} of ${mib(metrics.diskLimitBytes)}`],
    [
      'last activity',
      metrics.lastActivityAt && timestamp(metrics.lastActivityAt),
    ],
    [
      'idle shutdown',
      metrics.idleShutdownAt
        ? `at ${timestamp(metrics.idleShutdownAt)} if it stays idle`
        : 'not scheduled',
    ],
    [
      'last snapshot',
      metrics.lastSnapshotAt
        ? `${timestamp(metrics.lastSnapshotAt)} (${age}s ago)`
        : 'none',
    ],
  ]);
}

const hours = (seconds: number) => (seconds / 3600).toFixed(2);

function usageTable(report: SandboxUsageReport): string {
  const money = (amount: number) => `${amount.toFixed(4)} ${report.currency}`;
  const rows = report.days
    .filter((d) => d.runningSeconds > 0 || d.idleStoppedSeconds > 0)
    .map(
      (d) =>
        `${d.date}  ${hours(d.runningSeconds).padStart(6)} h  ` +
        `${money(d.cost).padStart(14)}  saved ${money(d.savedCost)}`,
    );
  const { totals } = report;
  return [
    `${report.from} to ${report.to}`,
    ...(rows.length > 0 ? rows : ['no running time in this range']),
    `total       ${hours(totals.runningSeconds).padStart(6)} h  ` +
      `${money(totals.cost).padStart(14)}  saved ${money(totals.savedCost)}`,
  ].join('\n');
}
