import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/** A loopback URL that nothing listens on. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error();
  return `http://127.0.0.1:${address.port}`;
}

describe('auteryn without a platform', () => {
  it('says the platform is not reachable, and how to fix it', async () => {
    const url = await deadUrl();

    const run = await runCli(url, ['sandboxes', 'list']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(`^error: the Auteryn platform is not reachable at ${url} `),
    );
    expect(run.stderr).toContain('npm start');
    expect(run.stderr).toContain('AUTERYN_URL or --url');
  });

  it('reads the address from AUTERYN_URL when --url is not given', async () => {
    const url = await deadUrl();

    const run = await runCli(undefined, ['sandboxes', 'list'], {
      env: { AUTERYN_URL: url },
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`not reachable at ${url} `);
  });

  it('prefers --url to AUTERYN_URL', async () => {
    const [flagged, fromEnv] = [await deadUrl(), 'http://127.0.0.1:2'];

    const run = await runCli(flagged, ['sandboxes', 'list'], {
      env: { AUTERYN_URL: fromEnv },
    });

    expect(run.stderr).toContain(`not reachable at ${flagged} `);
  });

  it('exits 2 on a usage error', async () => {
    const run = await runCli(await deadUrl(), ['sandboxes', 'create']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing required argument 'name'");
  });

  it('exits 0 with help', async () => {
    const run = await runCli(await deadUrl(), ['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sandboxes');
    expect(run.stdout).toContain('exec');
  });
});
