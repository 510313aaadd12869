import { describe, expect, it } from 'vitest';
import {
  createSandboxInputSchema,
  updateSandboxInputSchema,
} from '../../domain/sandbox/commands.ts';
import { durationSeconds } from '../../domain/sandbox/duration.ts';

const fieldsOf = (result: {
  error?: { issues: { path: PropertyKey[] }[] };
}) => [...new Set(result.error?.issues.map((issue) => issue.path.join('.')))];

describe('create input', () => {
  it('fills the documented defaults', () => {
    expect(createSandboxInputSchema.parse({ name: 'a' })).toEqual({
      name: 'a',
      size: 'medium',
      autoShutdown: true,
      shutdownAfter: '1h',
      idleCpuPercent: 5,
      image: 'host',
      snapshotRetention: { retention: '7d', maxSnapshots: 100 },
    });
  });

  it.each([
    ['', 'name'],
    ['Upper', 'name'],
    ['x'.repeat(64), 'name'],
    ['under_score', 'name'],
  ])('refuses the name %j', (name, field) => {
    const result = createSandboxInputSchema.safeParse({ name });
    expect(fieldsOf(result)).toEqual([field]);
  });

  it('accepts 63 characters of a-z, 0-9 and -', () => {
    const name = `a-1${'b'.repeat(60)}`;
    expect(createSandboxInputSchema.parse({ name }).name).toBe(name);
  });

  it('names each bad field', () => {
    const result = createSandboxInputSchema.safeParse({
      name: 'ok',
      size: 'huge',
      shutdownAfter: '15 minutes',
      autoShutdown: 'yes',
    });
    expect(fieldsOf(result)?.sort()).toEqual([
      'autoShutdown',
      'shutdownAfter',
      'size',
    ]);
  });

  it('refuses fields it does not know', () => {
    const result = createSandboxInputSchema.safeParse({ name: 'a', cpu: 9 });
    expect(result.success).toBe(false);
  });

  it('keeps idle windows between a minute and a week', () => {
    for (const bad of ['30s', '8d', '0m']) {
      const result = createSandboxInputSchema.safeParse({
        name: 'a',
        shutdownAfter: bad,
      });
      expect(fieldsOf(result)).toEqual(['shutdownAfter']);
    }
  });
});

describe('update input', () => {
  it('needs at least one field', () => {
    expect(updateSandboxInputSchema.safeParse({}).success).toBe(false);
    expect(updateSandboxInputSchema.parse({ size: 'small' })).toEqual({
      size: 'small',
    });
  });
});

describe('durations', () => {
  it('converts each unit to seconds', () => {
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('15m')).toBe(900);
    expect(durationSeconds('1h')).toBe(3600);
    expect(durationSeconds('7d')).toBe(604_800);
  });
});
