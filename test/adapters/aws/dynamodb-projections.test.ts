import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../domain/ports/event-store.ts';
import { SandboxProjector } from '../../../domain/services/projector.ts';
import { DynamoDBEventStore } from '../../../functions/adapters/aws/dynamodb-event-store.ts';
import { DynamoDBNameRegistry } from '../../../functions/adapters/aws/dynamodb-name-registry.ts';
import { DynamoDBSandboxViews } from '../../../functions/adapters/aws/dynamodb-sandbox-views.ts';
import {
  created,
  started,
  stopped,
  stopRequested,
} from '../../support/builders.ts';
import { recorded } from '../../support/given-when-then.ts';
import {
  type DynamoDBContext,
  dynamoDBBackends,
  race,
} from '../../support/moto-dynamodb.ts';

function projectionContract(use: () => DynamoDBContext) {
  const context = use();
  const parts = () => {
    const { client } = context.db;
    const events = new DynamoDBEventStore(client, context.tables.events);
    const views = new DynamoDBSandboxViews(client, context.tables.sandboxes);
    return { events, views, projector: new SandboxProjector(events, views) };
  };

  async function appendHistory(streamId: string) {
    const { events } = parts();
    const history = recorded([
      created({ sandboxId: streamId }),
      started,
      stopRequested,
      stopped,
    ]) as StoredEvent[];
    const commits = [];
    for (const [index, event] of history.entries()) {
      commits.push(await events.append(streamId, index, [event]));
    }
    return commits;
  }

  it('repairs a crash between append and projection', async () => {
    await appendHistory('sbx-crash');
    const { projector, views } = parts();
    expect(await views.get('sbx-crash')).toBeUndefined();

    const view = await projector.catchUp('sbx-crash');

    expect(view?.revision).toBe(4);
    expect(view?.sandbox.status).toBe('stopped');
    expect((await views.get('sbx-crash'))?.revision).toBe(4);
  });

  it('applies a commit once however often it is delivered', async () => {
    const commits = await appendHistory('sbx-twice');
    const { projector, views } = parts();

    for (const commit of [...commits, ...commits]) {
      await projector.apply(commit);
    }

    const view = await views.get('sbx-twice');
    expect(view?.revision).toBe(4);
    expect(view?.sandbox.version).toBe(4);
  });

  it('fills a gap when a later commit arrives first', async () => {
    const commits = await appendHistory('sbx-gap');
    const { projector } = parts();

    const third = commits[2];
    if (!third) throw new Error('history has no third commit');
    const view = await projector.apply(third);

    expect(view?.revision).toBe(3);
    expect(view?.sandbox.status).toBe('stopping');
  });

  it('never writes a view over a revision it did not read', async () => {
    await appendHistory('sbx-guard');
    const { projector, views } = parts();
    const view = await projector.catchUp('sbx-guard');
    if (!view) throw new Error('no view');

    const stale = { ...view, revision: 2 };
    expect(await views.save(stale, 1)).toBe(false);
    expect((await views.get('sbx-guard'))?.revision).toBe(4);
  });

  it("lists one tenant's sandboxes and none of another's", async () => {
    const { views } = parts();
    const sandboxes = await views.list('tenant-a');
    expect(sandboxes.length).toBeGreaterThan(0);
    expect(sandboxes.every((s) => s.tenantId === 'tenant-a')).toBe(true);
    expect(await views.list('tenant-b')).toEqual([]);
  });
}

function nameRegistryContract(
  use: () => DynamoDBContext,
  atomicWrites: boolean,
) {
  const context = use();
  const registry = () =>
    new DynamoDBNameRegistry(context.db.client, context.tables.names);

  it('gives a name to the first claimant only', async () => {
    const claims = await race(atomicWrites, [
      () => registry().claim('t', 'web', 'sbx-a'),
      () => registry().claim('t', 'web', 'sbx-b'),
    ]);
    const holders = claims.map((c) => c.status === 'fulfilled' && c.value);
    expect(holders[0]).toBe(holders[1]);
  });

  it('keeps names apart per tenant', async () => {
    expect(await registry().claim('t1', 'api', 'sbx-1')).toBe('sbx-1');
    expect(await registry().claim('t2', 'api', 'sbx-2')).toBe('sbx-2');
  });

  it('frees a name only for its holder', async () => {
    await registry().claim('t', 'db', 'sbx-holder');
    await registry().release('t', 'db', 'sbx-other');
    expect(await registry().claim('t', 'db', 'sbx-new')).toBe('sbx-holder');

    await registry().release('t', 'db', 'sbx-holder');
    expect(await registry().claim('t', 'db', 'sbx-new')).toBe('sbx-new');
  });

  it('lists every claim with its tenant and name', async () => {
    const claims = [];
    for await (const claim of registry().claims()) claims.push(claim);
    expect(claims).toContainEqual({
      tenantId: 't1',
      name: 'api',
      sandboxId: 'sbx-1',
    });
  });
}

for (const { name, use, atomicWrites } of dynamoDBBackends) {
  describe(`the current-state projection on ${name}`, () =>
    projectionContract(use));
  describe(`the name registry on ${name}`, () =>
    nameRegistryContract(use, atomicWrites));
}
