import { describe, expect, it } from 'vitest';
import { IllegalStateError, NotFoundError } from '../../domain/errors.ts';
import { resolveSnapshot } from '../../domain/snapshots/time-travel.ts';
import { snapshotAt } from '../support/snapshots.ts';

const history = [
  snapshotAt('2026-12-01T10:00:00Z', { id: 'snap-a' }),
  snapshotAt('2026-12-01T10:05:00Z', {
    id: 'snap-b',
    name: 'before-migration',
    kind: 'manual',
  }),
  snapshotAt('2026-12-01T10:10:00Z', { id: 'snap-c' }),
  snapshotAt('2026-12-01T10:15:00Z', { id: 'snap-d', status: 'failed' }),
  snapshotAt('2026-12-01T10:20:00Z', { id: 'snap-e', status: 'pending' }),
];

const resolve = (ref: string) => resolveSnapshot(history, ref).id;

describe('time travel: which snapshot a reference means', () => {
  it('finds a snapshot by id', () => {
    expect(resolve('snap-c')).toBe('snap-c');
  });

  it('finds a snapshot by name', () => {
    expect(resolve('before-migration')).toBe('snap-b');
  });

  it('takes the newest completed snapshot at or before a time', () => {
    expect(resolve('2026-12-01T10:07:30Z')).toBe('snap-b');
    expect(resolve('2026-12-01T10:05:00Z')).toBe('snap-b');
    expect(resolve('2026-12-01T10:04:59.999Z')).toBe('snap-a');
  });

  it('skips failed and pending snapshots when going by time', () => {
    expect(resolve('2026-12-01T11:00:00Z')).toBe('snap-c');
  });

  it('understands times with an offset', () => {
    expect(resolve('2026-12-01T11:12:00+01:00')).toBe('snap-c');
  });

  it('refuses a time before the first snapshot, naming the first', () => {
    const before = () => resolve('2026-12-01T09:59:59Z');
    expect(before).toThrow(IllegalStateError);
    expect(before).toThrow('2026-12-01T10:00:00.000Z');
  });

  it('refuses a snapshot that is not completed', () => {
    expect(() => resolve('snap-d')).toThrow('is failed');
    expect(() => resolve('snap-e')).toThrow('is pending');
  });

  it('reports an unknown id or name as missing', () => {
    expect(() => resolve('no-such-thing')).toThrow(NotFoundError);
  });
});
