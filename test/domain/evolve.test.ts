import { describe, expect, it } from 'vitest';
import { evolveAll } from '../../domain/sandbox/state.ts';
import { created, running, stoppedSandbox } from '../support/builders.ts';
import { recorded } from '../support/given-when-then.ts';

describe('the state of a sandbox', () => {
  it('starts as starting with its settings', () => {
    const sandbox = evolveAll(undefined, recorded([created()]));
    expect(sandbox).toMatchObject({
      id: 'sbx-1',
      name: 'agent-one',
      status: 'starting',
      size: 'medium',
      version: 1,
    });
  });

  it('is running with the reported isolation once started', () => {
    const sandbox = evolveAll(undefined, recorded(running));
    expect(sandbox?.status).toBe('running');
    expect(sandbox?.isolation?.mode).toBe('namespaces');
  });

  it('keeps why it stopped and counts every event in its version', () => {
    const sandbox = evolveAll(undefined, recorded(stoppedSandbox));
    expect(sandbox).toMatchObject({
      status: 'stopped',
      stoppedReason: 'user',
      version: 4,
    });
  });

  it('refuses an event before the sandbox exists', () => {
    expect(() =>
      evolveAll(undefined, recorded([{ type: 'SandboxDeleted', data: {} }])),
    ).toThrow('before SandboxCreated');
  });
});
