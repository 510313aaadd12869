import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../domain/errors.ts';
import { EcsTaskRunner } from '../../../functions/adapters/aws/ecs-task-runner.ts';
import {
  type FaultAnswer,
  type FaultServer,
  jsonAnswer,
  jsonError,
  startFaultServer,
} from '../../support/moto-faults.ts';

// moto never throttles and answers StopTask on an unknown task with a
// bare 500. A loopback server answers as ECS does instead, so the SDK's
// own error parsing feeds the adapter's translation.

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runnerAnswering(answer: (target: string) => FaultAnswer) {
  server = await startFaultServer((request) => answer(request.target ?? ''));
  const config = {
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
  return new EcsTaskRunner(new ECSClient(config), new EC2Client(config), {
    cluster: 'c',
    managedBy: 'auteryn-test',
    taskDefinition: 'sandbox:1',
    subnets: ['subnet-1'],
    securityGroups: ['sg-1'],
    infrastructureRoleArn: 'arn:aws:iam::123456789012:role/infra',
    containerName: 'sandbox',
    volumeName: 'root',
  });
}

describe('EcsTaskRunner when ECS pushes back', () => {
  it('surfaces a throttled RunTask as ThrottledError', async () => {
    const runner = await runnerAnswering((target) =>
      target.endsWith('ListTasks')
        ? jsonAnswer({ taskArns: [] })
        : jsonError('ThrottlingException'),
    );

    const running = runner.run({
      sandboxId: 'sbx-1',
      tenantId: 't',
      startCount: 1,
      sizeGiB: 20,
      cpus: 1,
      memoryMiB: 2048,
      env: {},
    });

    await expect(running).rejects.toBeInstanceOf(ThrottledError);
  });

  it('treats stopping a task ECS no longer knows as done', async () => {
    const runner = await runnerAnswering(() => ({
      ...jsonError('InvalidParameterException'),
      body: JSON.stringify({
        __type: 'InvalidParameterException',
        message: 'The referenced task was not found.',
      }),
    }));

    await expect(runner.stop('arn:task/gone', 'idle')).resolves.toBe(undefined);
  });
});
