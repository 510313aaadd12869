import { ListTasksCommand } from '@aws-sdk/client-ecs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IllegalStateError } from '../../../domain/errors.ts';
import {
  EcsTaskRunner,
  type RunSandboxInput,
} from '../../../functions/adapters/aws/ecs-task-runner.ts';
import { useMoto } from '../../support/moto.ts';
import { inputsOf, recordCommands } from '../../support/moto-capture.ts';
import {
  type EcsFixture,
  ecsCluster,
  volumeEcsWouldMake,
} from '../../support/moto-ecs.ts';

// moto moves a task one state on at every DescribeTasks by default; the
// suite holds tasks where they are unless a test asks for the default.
const HOLD = { progression: 'manual', times: 1_000_000 } as const;
const STEP_PER_DESCRIBE = { progression: 'manual', times: 1 } as const;

describe('EcsTaskRunner on moto_server', () => {
  const moto = useMoto();
  let fixture: EcsFixture;
  const runner = () => new EcsTaskRunner(moto.ecs, moto.ec2, fixture);

  beforeAll(async () => {
    fixture = await ecsCluster(moto);
  });
  beforeEach(async () => {
    await moto.setTransition('ecs::task', HOLD);
  });

  let sandboxes = 0;
  const start = (overrides: Partial<RunSandboxInput> = {}) => ({
    sandboxId: `sbx-${++sandboxes}`,
    tenantId: 'tenant-a',
    startCount: 1,
    sizeGiB: 20,
    cpus: 1,
    memoryMiB: 2048,
    env: { AUTERYN_SANDBOX_ID: `sbx-${sandboxes}` },
    ...overrides,
  });

  it('asks ECS for a kept, encrypted xfs volume from the snapshot', async () => {
    const sent = recordCommands(moto.ecs);
    const input = start({ fromProviderSnapshotId: 'snap-0123456789abcdef0' });

    await runner().run(input);

    const [request] = inputsOf(sent, 'RunTaskCommand');
    expect(request).toMatchObject({
      cluster: fixture.cluster,
      launchType: 'EC2',
      startedBy: input.sandboxId,
      clientToken: `${input.sandboxId}.start.1`,
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: fixture.subnets,
          securityGroups: fixture.securityGroups,
        },
      },
      volumeConfigurations: [
        {
          name: fixture.volumeName,
          managedEBSVolume: {
            roleArn: fixture.infrastructureRoleArn,
            sizeInGiB: 20,
            snapshotId: 'snap-0123456789abcdef0',
            volumeType: 'gp3',
            encrypted: true,
            kmsKeyId: fixture.kmsKeyId,
            filesystemType: 'xfs',
            terminationPolicy: { deleteOnTermination: false },
            tagSpecifications: [
              {
                resourceType: 'volume',
                tags: expect.arrayContaining([
                  { key: 'auteryn:sandbox-id', value: input.sandboxId },
                ]),
              },
            ],
          },
        },
      ],
      overrides: {
        cpu: '1024',
        memory: '2048',
        containerOverrides: [
          {
            name: fixture.containerName,
            cpu: 1024,
            memory: 2048,
            environment: [
              { name: 'AUTERYN_SANDBOX_ID', value: input.sandboxId },
            ],
          },
        ],
      },
    });
    expect(request?.tags).toEqual(
      expect.arrayContaining([
        { key: 'auteryn:sandbox-id', value: input.sandboxId },
        { key: 'auteryn:tenant', value: 'tenant-a' },
      ]),
    );
  });

  it('runs the task in the VPC and reports its private address', async () => {
    const { taskArn } = await runner().run(start());

    const described = await runner().waitFor(taskArn, 'RUNNING', {
      timeoutMs: 60_000,
      pollMs: 1_000,
    });

    expect(described).toMatchObject({
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
    });
    expect(described.privateIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('starts one task however often the same start is retried', async () => {
    const input = start();

    const first = await runner().run(input);
    const again = await runner().run(input);

    expect(again).toEqual(first);
    const listed = await moto.ecs.send(
      new ListTasksCommand({
        cluster: fixture.cluster,
        startedBy: input.sandboxId,
      }),
    );
    expect(listed.taskArns).toEqual([first.taskArn]);
  });

  it('starts a new task for the next start of the sandbox', async () => {
    const input = start();
    const first = await runner().run(input);
    await runner().stop(first.taskArn, 'stopped by the user');

    const second = await runner().run({ ...input, startCount: 2 });

    expect(second.taskArn).not.toBe(first.taskArn);
  });

  it('stops a task, and stopping it again is already done', async () => {
    const { taskArn } = await runner().run(start());

    await runner().stop(taskArn, 'idle for 15 minutes');
    await runner().stop(taskArn, 'idle for 15 minutes');

    expect(await runner().describe(taskArn)).toMatchObject({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedReason: 'idle for 15 minutes',
    });
  });

  it('waits for a task through its states until it stopped', async () => {
    const { taskArn } = await runner().run(start());
    await moto.setTransition('ecs::task', STEP_PER_DESCRIBE);

    const seen = new Set<string | undefined>();
    const watched = new EcsTaskRunner(moto.ecs, moto.ec2, fixture);
    const describe = watched.describe.bind(watched);
    watched.describe = async (arn) => {
      const description = await describe(arn);
      seen.add(description.lastStatus);
      return description;
    };
    const stopped = await watched.waitFor(taskArn, 'STOPPED', {
      timeoutMs: 20_000,
      pollMs: 10,
    });

    expect(stopped.lastStatus).toBe('STOPPED');
    expect(seen.size).toBeGreaterThan(2);
  });

  it('fails a wait for RUNNING on a task that stopped, with its reason', async () => {
    const { taskArn } = await runner().run(start());
    await runner().stop(taskArn, 'essential container exited');

    const waiting = runner().waitFor(taskArn, 'RUNNING', {
      timeoutMs: 5_000,
      pollMs: 10,
    });

    await expect(waiting).rejects.toThrow(IllegalStateError);
    await expect(waiting).rejects.toThrow(/essential container exited/);
  });

  it('finds the volume of a task by its sandbox tag, and deletes it', async () => {
    const input = start();
    const { taskArn } = await runner().run(input);
    const volumeId = await volumeEcsWouldMake(moto, input.sandboxId);

    expect((await runner().describe(taskArn)).volumeId).toBe(volumeId);
    expect(await runner().findVolume(input.sandboxId)).toBe(volumeId);

    await runner().deleteVolume(volumeId);
    await runner().deleteVolume(volumeId);
    expect(await runner().findVolume(input.sandboxId)).toBeUndefined();
  });
});
