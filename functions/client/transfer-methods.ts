import type { HttpTransport } from './http.ts';
import { sandboxPath } from './paths.ts';
import type {
  ExportRequest,
  ImportRequest,
  SandboxExport,
  SandboxImport,
} from './types.ts';
import { pollForTransfer, type WaitOptions } from './wait.ts';

type Watch<T> = WaitOptions & { onProgress?(transfer: T): void };

/** The export and import half of AuterynClient. */
export abstract class TransferMethods {
  protected abstract readonly http: HttpTransport;

  /** Asks for an export; it goes on in the background (see waitForExport). */
  exportSandbox(id: string, request: ExportRequest): Promise<SandboxExport> {
    return this.http.json({
      method: 'POST',
      path: `${sandboxPath(id)}/exports`,
      json: request,
    });
  }

  getExport(exportId: string): Promise<SandboxExport> {
    return this.http.json({
      method: 'GET',
      path: `/v1/exports/${encodeURIComponent(exportId)}`,
    });
  }

  waitForExport(exportId: string, options: Watch<SandboxExport>) {
    return pollForTransfer(() => this.getExport(exportId), options);
  }

  /** Imports an export's `location`; the same package twice is one import. */
  importSandbox(request: ImportRequest): Promise<SandboxImport> {
    return this.http.json({
      method: 'POST',
      path: '/v1/imports',
      json: request,
    });
  }

  getImport(importId: string): Promise<SandboxImport> {
    return this.http.json({
      method: 'GET',
      path: `/v1/imports/${encodeURIComponent(importId)}`,
    });
  }

  waitForImport(importId: string, options: Watch<SandboxImport>) {
    return pollForTransfer(() => this.getImport(importId), options);
  }
}
