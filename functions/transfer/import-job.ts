import {
  MANIFEST_KEY,
  type Manifest,
  readManifest,
  refused,
  sha256Hex,
} from './manifest.ts';
import {
  messageOf,
  recordProgress,
  type TransferParts,
  textOf,
} from './transfer-parts.ts';

/**
 * Carries out one import: checks every file of the package against the
 * manifest while bringing the snapshots in, claims the sandbox's name,
 * and only then creates the sandbox with its history (one
 * SandboxImported event). Anything wrong on the way leaves nothing:
 * what was brought in is discarded and the import says what was wrong.
 */
export async function runImport(
  parts: TransferParts,
  importId: string,
): Promise<void> {
  const { records, handler, names, packager, log } = parts;
  const record = await records.getImport(importId);
  if (!record || record.status === 'completed' || record.status === 'failed') {
    return;
  }
  const { sandboxId, tenantId } = record;
  let claimed: string | undefined;

  try {
    await records.updateImport(importId, { status: 'copying' });
    const store = parts.openStore(record.source);
    const manifest = await loadManifest(parts, record.source);
    await checkEvents(store, manifest);

    const snapshots = await packager.unpack({
      sandboxId,
      tenantId,
      packed: {
        engine: manifest.engine,
        files: manifest.files,
        snapshots: manifest.snapshots,
        bytesTotal: manifest.bytesTotal,
      },
      store,
      onProgress: recordProgress(
        log,
        { sandboxId, importId },
        (bytesDone, bytesTotal) =>
          records.updateImport(importId, { bytesDone, bytesTotal }),
      ),
    });

    const { name } = manifest.sandbox;
    const holder = await names.claim(tenantId, name, sandboxId);
    if (holder !== sandboxId) {
      throw new Error(
        `the name ${name} is taken here by sandbox ${holder}: delete that ` +
          'one, then import again',
      );
    }
    claimed = name;

    await handler.execute(sandboxId, {
      type: 'ImportSandbox',
      data: {
        ...manifest.sandbox,
        sandboxId,
        tenantId,
        snapshots,
        importId,
        exportId: manifest.exportId,
        source: record.source,
        sourceRegion: manifest.source.region,
        sourceSandboxId: manifest.source.sandboxId,
      },
    });
    await records.updateImport(importId, {
      status: 'completed',
      bytesDone: manifest.bytesTotal,
      completedAt: parts.clock.now().toISOString(),
    });
    log.info('sandbox imported', {
      sandboxId,
      importId,
      source: record.source,
    });
  } catch (error) {
    log.error('import failed', { sandboxId, importId, error });
    await packager.discard(sandboxId);
    if (claimed) await names.release(tenantId, claimed, sandboxId);
    await records.updateImport(importId, {
      status: 'failed',
      error: `import refused: ${messageOf(error)}`,
      completedAt: parts.clock.now().toISOString(),
    });
  }
}

/** The package's manifest, whole and unchanged, or a clear refusal. */
export async function loadManifest(
  parts: Pick<TransferParts, 'openStore'>,
  source: string,
): Promise<Manifest> {
  const store = parts.openStore(source);
  const found = await store.head(MANIFEST_KEY);
  if (!found) {
    throw refused(
      `no ${MANIFEST_KEY} at ${source}: the package is missing or was not ` +
        'finished (the manifest is written last); check the location, or ' +
        'export again',
    );
  }
  return readManifest(await textOf(await store.get(MANIFEST_KEY)));
}

async function checkEvents(
  store: ReturnType<TransferParts['openStore']>,
  manifest: Manifest,
): Promise<void> {
  const { key, bytes, sha256 } = manifest.events;
  if (!(await store.head(key))) {
    throw refused(`${key} is missing from the package`);
  }
  const content = new Uint8Array(
    await new Response(await store.get(key)).arrayBuffer(),
  );
  if (content.length !== bytes || sha256Hex(content) !== sha256) {
    throw refused(
      `${key} is damaged: its size or SHA-256 is not the manifest's`,
    );
  }
}
