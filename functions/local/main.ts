import type { Isolation } from '../../domain/sandbox/isolation.ts';
import { readLocalConfig } from './config.ts';
import { startServer } from './server.ts';

/**
 * `npm start`: the platform on one machine. It prints where it listens,
 * how sandboxes are isolated and where data lives, then serves until
 * SIGINT or SIGTERM, when it stops sandboxes' processes and the database
 * cleanly. Everything on disk is found again at the next start.
 */
async function main(): Promise<void> {
  const config = readLocalConfig(process.env);
  const running = await startServer(config);
  const { platform } = running;

  console.log(`Auteryn is serving on ${running.url}`);
  console.log(`  data directory: ${config.dataDir}`);
  console.log(`  isolation:      ${describe(platform.runtime.hostIsolation)}`);
  for (const warning of platform.runtime.hostIsolation.warnings) {
    console.log(`  warning:        ${warning}`);
  }
  if (platform.runtime.hostIsolation.mode === 'none') {
    console.log(UNISOLATED_BANNER);
  }
  const { sandboxes, rebooted, settled, projected } = platform.recovery;
  console.log(
    `  sandboxes:      ${sandboxes} found, ${rebooted} running again` +
      (settled + projected > 0
        ? `, ${settled + projected} repaired after a crash`
        : ''),
  );
  console.log(
    `  snapshots:      every ${config.snapshotIntervalMs / 60_000} min ` +
      'for running sandboxes that changed',
  );
  console.log(`  API docs:       ${running.url}/openapi.json`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping sandboxes and the database...`);
    await running.close();
    console.log('stopped cleanly; data is kept for the next start');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function describe(isolation: Isolation): string {
  if (isolation.mode === 'none') return 'NONE (commands run on the host)';
  const limits = [
    `cpu ${isolation.cpu}`,
    `memory ${isolation.memory}`,
    `disk ${isolation.disk}`,
  ].join(', ');
  return (
    `${isolation.mode} (${isolation.namespaces.join(', ')}), ` +
    `cgroup ${isolation.cgroup}: ${limits}`
  );
}

const UNISOLATED_BANNER = `
  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
  !! NO ISOLATION: sandboxes run as plain processes on this machine.  !!
  !! They can read and change anything this user can. Run as root on !!
  !! Linux with user namespaces and overlayfs for real sandboxes.     !!
  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
`;

main().catch((error: unknown) => {
  console.error(
    `auteryn could not start: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
