import { describe, expect, it } from 'vitest';
import { readHandlerEnv } from '../../functions/handlers/env.ts';

const GIB = 1024 ** 3;
const size = (cpus: number, memoryGiB: number, diskGiB: number) => ({
  cpus,
  memoryBytes: memoryGiB * GIB,
  diskBytes: diskGiB * GIB,
});

/** What the construct sets, with plausible values. */
const deployed = {
  EVENTS_TABLE: 'Auteryn-events',
  SANDBOXES_TABLE: 'Auteryn-sandboxes',
  NAMES_TABLE: 'Auteryn-names',
  ACTIVITY_TABLE: 'Auteryn-activity',
  SCHEDULES_TABLE: 'Auteryn-schedules',
  TRANSFERS_TABLE: 'Auteryn-transfers',
  EVENT_BUS_NAME: 'auteryn',
  CLUSTER_ARN: 'arn:aws:ecs:eu-west-1:123456789012:cluster/auteryn',
  TASK_DEFINITION_ARN:
    'arn:aws:ecs:eu-west-1:123456789012:task-definition/sandbox:3',
  CAPACITY_PROVIDER: 'Auteryn-Capacity',
  SUBNET_IDS: 'subnet-0a,subnet-0b',
  SANDBOX_SECURITY_GROUP_ID: 'sg-0123',
  INFRASTRUCTURE_ROLE_ARN: 'arn:aws:iam::123456789012:role/infra',
  KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
  EXPORT_BUCKET: 'auteryn-exports',
  AGENT_SECRET_ARN:
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:agent-AbCdEf',
  AGENT_PORT: '7070',
  SNAPSHOT_INTERVAL: '5m',
  IDLE_CHECK_INTERVAL: '1m',
  DEFAULT_RETENTION: '7d',
  DEFAULT_MAX_SNAPSHOTS: '100',
  SANDBOX_SIZES: JSON.stringify({
    small: size(1, 2, 10),
    medium: size(2, 4, 20),
    large: size(4, 8, 50),
  }),
  AUTERYN_REGION: 'eu-west-1',
  DEPLOYMENT_ID: 'Auteryn',
  LOG_LEVEL: 'INFO',
};

describe('readHandlerEnv', () => {
  it('parses what the construct sets into typed settings', () => {
    const env = readHandlerEnv(deployed);

    expect(env.SUBNET_IDS).toEqual(['subnet-0a', 'subnet-0b']);
    expect(env.AGENT_PORT).toBe(7070);
    expect(env.DEFAULT_MAX_SNAPSHOTS).toBe(100);
    expect(env.SANDBOX_SIZES.large.diskBytes).toBe(50 * GIB);
  });

  it('fails fast naming a missing variable', () => {
    const { CLUSTER_ARN: _, ...rest } = deployed;
    expect(() => readHandlerEnv(rest)).toThrow(/CLUSTER_ARN/);
  });

  it('fails naming a size list that is not JSON', () => {
    expect(() =>
      readHandlerEnv({ ...deployed, SANDBOX_SIZES: '{small' }),
    ).toThrow(/SANDBOX_SIZES: not JSON/);
  });

  it('fails naming a size list that leaves a size out', () => {
    const sizes = JSON.stringify({ small: size(1, 2, 10) });
    expect(() => readHandlerEnv({ ...deployed, SANDBOX_SIZES: sizes })).toThrow(
      /SANDBOX_SIZES\.medium/,
    );
  });

  it('fails naming an interval that is not a duration', () => {
    expect(() =>
      readHandlerEnv({ ...deployed, SNAPSHOT_INTERVAL: 'often' }),
    ).toThrow(/SNAPSHOT_INTERVAL/);
  });

  it('defaults the port and intervals when unset', () => {
    const {
      AGENT_PORT: _port,
      SNAPSHOT_INTERVAL: _snapshot,
      IDLE_CHECK_INTERVAL: _idle,
      ...rest
    } = deployed;
    const env = readHandlerEnv(rest);

    expect(env.AGENT_PORT).toBe(7070);
    expect(env.SNAPSHOT_INTERVAL).toBe('5m');
    expect(env.IDLE_CHECK_INTERVAL).toBe('1m');
  });
});
