import { Logger } from '@aws-lambda-powertools/logger';
import packageJson from '../../package.json' with { type: 'json' };
import { readAgentConfig } from './config.ts';
import { startAgent } from './server.ts';

/**
 * The sandbox agent: runs in each sandbox's ECS task and serves exec,
 * files and metrics of that one sandbox to the platform's functions.
 * SIGTERM (ECS StopTask) stops it cleanly with exit code 0.
 */
async function main(): Promise<void> {
  const config = readAgentConfig(process.env);
  const logger = new Logger({
    serviceName: 'auteryn-agent',
    logLevel: config.logLevel,
    persistentKeys: { sandboxId: config.sandboxId },
  });

  const agent = await startAgent(config, {
    logger,
    version: packageJson.version,
  });
  logger.info('agent listening', {
    url: agent.url,
    port: agent.port,
    root: config.root,
    chroot: config.chroot,
    version: packageJson.version,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('agent stopping', { signal });
    await agent.close();
    logger.info('agent stopped', { signal });
    process.stdout.write('', () => process.exit(0));
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  // The logger may not exist yet: one JSON line by hand, like its own.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({
      level: 'ERROR',
      message: 'agent could not start',
      service: 'auteryn-agent',
      error: message,
    })}\n`,
  );
  process.exit(1);
});
