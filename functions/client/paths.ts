/** Where each resource lives under the API's base URL. */
export const SANDBOXES = '/v1/sandboxes';

export const sandboxPath = (id: string) =>
  `${SANDBOXES}/${encodeURIComponent(id)}`;

export const snapshotsPath = (id: string) => `${sandboxPath(id)}/snapshots`;

export const snapshotPath = (id: string, snapshotId: string) =>
  `${snapshotsPath(id)}/${encodeURIComponent(snapshotId)}`;
