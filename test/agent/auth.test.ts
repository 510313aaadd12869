import { describe, expect, it } from 'vitest';
import { AgentClient } from '../../functions/adapters/aws/agent-client.ts';
import { AgentError } from '../../functions/adapters/aws/agent-errors.ts';
import { agentToken } from '../../functions/agent/token.ts';
import { SIGNING_KEY, useAgent } from './support.ts';

interface Problem {
  status: number;
  code: string;
  title: string;
}

describe('agent auth', () => {
  const given = useAgent();
  const metricsWith = (authorization?: string) =>
    fetch(`${given.agent.url}/v1/metrics`, {
      headers: authorization ? { authorization } : {},
    });

  it('refuses a request with no token with a 401 problem', async () => {
    const response = await metricsWith();
    const problem = (await response.json()) as Problem;

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(problem).toMatchObject({
      status: 401,
      code: 'unauthorized',
      title: 'Unauthorized',
    });
  });

  it('refuses a wrong token', async () => {
    const response = await metricsWith(`Bearer ${'0'.repeat(64)}`);

    expect(response.status).toBe(401);
  });

  it("refuses another sandbox's token", async () => {
    const other = agentToken(SIGNING_KEY, 'sbx-someone-else');

    const response = await metricsWith(`Bearer ${other}`);

    expect(response.status).toBe(401);
  });

  it('guards the file routes too', async () => {
    const response = await fetch(
      `${given.agent.url}/v1/files/content?path=/etc/passwd`,
    );

    expect(response.status).toBe(401);
  });

  it('accepts its own token', async () => {
    const response = await metricsWith(`Bearer ${given.agent.token}`);

    expect(response.status).toBe(200);
  });

  it('answers healthz with no token', async () => {
    const response = await fetch(`${given.agent.url}/v1/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      sandboxId: 'sbx-agent-test',
      protocol: 'v1',
      version: expect.any(String),
    });
  });

  it('gives the client an error that points at the signing key', async () => {
    const client = new AgentClient({
      baseUrl: given.agent.url,
      token: agentToken('another-key', given.agent.sandboxId),
    });

    const refused = client.stat('/home/agent');

    await expect(refused).rejects.toBeInstanceOf(AgentError);
    await expect(refused).rejects.toThrow(/signing key/);
  });

  it('never writes the token to its log', () => {
    expect(given.agent.output()).not.toContain(given.agent.token);
  });
});

describe('agent tokens', () => {
  it('derives a distinct hex token per sandbox', () => {
    const one = agentToken(SIGNING_KEY, 'sbx-one');
    const two = agentToken(SIGNING_KEY, 'sbx-two');

    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(two).not.toBe(one);
    expect(agentToken(SIGNING_KEY, 'sbx-one')).toBe(one);
  });
});
