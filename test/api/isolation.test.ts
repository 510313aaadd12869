import { describe, expect, it } from 'vitest';
import { AuterynClient } from '../../functions/client/client.ts';
import { usePlatform } from '../support/platform.ts';

describe('two sandboxes cannot see each other', () => {
  const platform = usePlatform();
  const client = () => new AuterynClient({ baseUrl: platform.url });

  it("keeps each one's files, processes and hostname to itself", async () => {
    const alice = await client().createSandbox({ name: 'alice' });
    const bob = await client().createSandbox({ name: 'bob' });

    await client().exec(alice.id, {
      command:
        'echo secret > /home/agent/data/alice.txt; ' +
        'echo mine > /etc/alice.conf; nohup sleep 600 >/dev/null 2>&1 &',
    });

    const look = await client().exec(bob.id, {
      command:
        'ls /home/agent/data; cat /etc/alice.conf 2>&1; ' +
        'ps -eo args | grep -c "^sleep 600" ; hostname',
    });
    expect(look.stdout).not.toContain('alice.txt');
    expect(look.stdout).toContain('No such file');
    expect(look.stdout).toContain(`0\n${bob.id}\n`);

    const own = await client().exec(alice.id, {
      command: 'cat /home/agent/data/alice.txt; hostname',
    });
    expect(own.stdout).toBe(`secret\n${alice.id}\n`);
  });

  it("hides the platform's data directory from every sandbox", async () => {
    const [sandbox] = await client().listSandboxes();
    if (!sandbox) throw new Error('no sandbox');

    const look = await client().exec(sandbox.id, {
      command: `ls -A ${platform.dataDir} | wc -l`,
    });
    expect(look.stdout.trim()).toBe('0');
  });

  it('reports the isolation in use on each sandbox', async () => {
    const [sandbox] = await client().listSandboxes();
    expect(sandbox?.isolation).toMatchObject({
      mode: 'namespaces',
      namespaces: ['mount', 'pid', 'ipc', 'uts'],
    });
  });
});
