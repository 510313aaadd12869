import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../functions/adapters/aws/agent-client.ts';
import { AgentUnreachableError } from '../../functions/adapters/aws/agent-errors.ts';
import { agentBaseUrl } from '../../functions/agent/protocol.ts';

/** A TCP server that accepts and never answers, like a hung agent. */
async function silentServer() {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** A port nothing listens on: bound, read, released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe('AgentClient failures', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;

  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(() => silent.close());

  it('says the agent is unreachable and what to check', async () => {
    const client = new AgentClient({
      baseUrl: agentBaseUrl('127.0.0.1', await freePort()),
      token: 'x',
    });

    const failed = client.healthz();

    await expect(failed).rejects.toBeInstanceOf(AgentUnreachableError);
    await expect(failed).rejects.toThrow(
      /agent at http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\).*RUNNING.*security group/,
    );
  });

  it('gives up on an agent that does not answer in time', async () => {
    const client = new AgentClient({
      baseUrl: agentBaseUrl('127.0.0.1', silent.port),
      token: 'x',
      timeoutMs: 200,
    });

    const failed = client.metrics();

    await expect(failed).rejects.toBeInstanceOf(AgentUnreachableError);
    await expect(failed).rejects.toThrow(/no answer within 200 ms/);
  });

  it('brackets an IPv6 task address in the base URL', () => {
    expect(agentBaseUrl('fd00::12', 7070)).toBe('http://[fd00::12]:7070');
    expect(agentBaseUrl('10.0.3.17')).toBe('http://10.0.3.17:7070');
  });
});
