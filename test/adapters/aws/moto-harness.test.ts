import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { useMoto } from '../../support/moto.ts';
import { startMotoServer } from '../../support/moto-server.ts';

describe('the moto_server harness', () => {
  const moto = useMoto();

  it('serves every AWS API the adapters use', async () => {
    const answers = await Promise.all([
      moto.ec2.send(new DescribeRegionsCommand({})),
      moto.ecs.send(new ListClustersCommand({})),
      moto.eventBridge.send(new ListEventBusesCommand({})),
      moto.s3.send(new ListBucketsCommand({})),
      moto.dynamodb.send(new ListTablesCommand({})),
      moto.dynamodbStreams.send(new ListStreamsCommand({})),
    ]);

    expect(answers.map((answer) => answer.$metadata.httpStatusCode)).toEqual([
      200, 200, 200, 200, 200, 200,
    ]);
  });

  it('fails, naming the install script, where moto is not installed', async () => {
    await expect(startMotoServer('/nonexistent/moto')).rejects.toThrow(
      /\.ci\/install-moto\.sh/,
    );
  });
});
