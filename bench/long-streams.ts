import type { StoredEvent } from '../domain/ports/event-store.ts';
import { SandboxCommandHandler } from '../domain/services/command-handler.ts';
import { SandboxProjector } from '../domain/services/projector.ts';
import { DynamoDBEventStore } from '../functions/adapters/aws/dynamodb-event-store.ts';
import { DynamoDBSandboxViews } from '../functions/adapters/aws/dynamodb-sandbox-views.ts';
import { ensureTables, tableNames } from '../functions/adapters/aws/tables.ts';
import { startEmbeddedDynamoDB } from '../functions/local/embedded-dynamodb.ts';
import { interleave, row, summarize } from './stats.ts';

const EVENTS_PER_COMMIT = 100;

/**
 * A command on a sandbox with 10 events against one on a sandbox with
 * 100 000 (a year of five-minute snapshots): reads come from the
 * projection plus the stream's tail, so the ratio should stay near 1.
 */
export async function benchLongStreams(
  scale: number,
  progress: (line: string) => void,
): Promise<string[]> {
  const db = await startEmbeddedDynamoDB();
  const tables = tableNames('bench');
  await ensureTables(db.client, tables);

  const events = new DynamoDBEventStore(db.client, tables.events);
  const views = new DynamoDBSandboxViews(db.client, tables.sandboxes);
  const projector = new SandboxProjector(events, views);
  const handler = new SandboxCommandHandler(events, views, projector, {
    now: () => new Date(),
  });

  const longCount = Math.max(1000, Math.round(100_000 * scale));
  await seed(events, 'sbx-short', 10);
  await seed(events, 'sbx-long', longCount, progress);
  await projector.catchUp('sbx-short');
  await projector.catchUp('sbx-long');

  const toggle = (sandboxId: string) => (i: number) =>
    handler.execute(sandboxId, {
      type: 'UpdateSandbox',
      data: { autoShutdown: i % 2 === 0 },
    });
  const [short, long] = await interleave(
    10,
    30,
    toggle('sbx-short'),
    toggle('sbx-long'),
  );
  await db.close();

  const baseline = summarize(short);
  return [
    row('command on 10 events (baseline)', baseline),
    row(`command on ${longCount} events`, summarize(long), baseline),
  ];
}

/** Appends a created sandbox and then updates, `total` events in all. */
async function seed(
  store: DynamoDBEventStore,
  streamId: string,
  total: number,
  progress?: (line: string) => void,
): Promise<void> {
  const at = new Date().toISOString();
  const all: StoredEvent[] = [
    {
      type: 'SandboxCreated',
      version: 1,
      at,
      data: {
        sandboxId: streamId,
        tenantId: 'bench',
        name: streamId,
        image: 'host',
        size: 'small',
        autoShutdown: true,
        shutdownAfter: '1h',
      },
    },
  ];
  for (let version = 2; version <= total; version++) {
    all.push({
      type: 'SandboxUpdated',
      version,
      at,
      data: { shutdownAfter: version % 2 ? '30m' : '1h' },
    });
  }

  for (let start = 0; start < all.length; start += EVENTS_PER_COMMIT) {
    const revision = start / EVENTS_PER_COMMIT;
    await store.append(
      streamId,
      revision,
      all.slice(start, start + EVENTS_PER_COMMIT),
    );
    if (progress && revision % 100 === 0) {
      progress(`  seeding ${streamId}: ${start} / ${total} events`);
    }
  }
}
