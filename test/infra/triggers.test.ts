import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourceNamed, resourcesOf, synthesize } from './synth.ts';

const { template } = synthesize({
  platform: { snapshotInterval: Duration.minutes(15) },
});

const scheduleOf = (functionId: string) =>
  resourcesOf(template, 'AWS::Scheduler::Schedule').find((s) =>
    JSON.stringify(s.properties.Target).includes(functionId),
  )?.properties;

describe('HTTP API', () => {
  it('authorizes every route with IAM (SigV4)', () => {
    const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route');
    expect(routes.map((r) => r.properties.RouteKey).sort()).toEqual([
      'ANY /v1/{proxy+}',
      'GET /openapi.json',
    ]);
    for (const route of routes) {
      expect(route.properties.AuthorizationType).toBe('AWS_IAM');
    }
  });

  it('hands requests to the api function as payload 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: {
        'Fn::GetAtt': [Match.stringLikeRegexp('FunctionsApi'), 'Arn'],
      },
    });
  });

  it('logs every request as JSON with its caller to an encrypted group', () => {
    const [stage] = resourcesOf(template, 'AWS::ApiGatewayV2::Stage');
    const settings = stage?.properties.AccessLogSettings as {
      DestinationArn: { 'Fn::GetAtt': [string, string] };
      Format: string;
    };

    expect(stage?.properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
    });
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      caller: '$context.identity.userArn',
    });
    const group = settings.DestinationArn['Fn::GetAtt'][0];
    expect(
      resourceNamed(template, 'AWS::Logs::LogGroup', group).properties,
    ).toHaveProperty('KmsKeyId');
  });

  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
  });
});

describe('schedules', () => {
  it('ticks snapshots at snapshotInterval', () => {
    expect(scheduleOf('FunctionsSnapshotTick')).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      Target: { RetryPolicy: { MaximumRetryAttempts: 0 } },
    });
  });

  it('checks for idle sandboxes every minute by default', () => {
    expect(scheduleOf('FunctionsIdleCheck')?.ScheduleExpression).toBe(
      'rate(1 minute)',
    );
  });

  it('reconciles every 10 minutes', () => {
    expect(scheduleOf('FunctionsReconciler')?.ScheduleExpression).toBe(
      'rate(10 minutes)',
    );
  });

  it('tells the handlers the interval they are ticked at', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SNAPSHOT_INTERVAL: '15m' }),
      },
    });
  });
});

describe('EventBridge rules', () => {
  it('routes EBS snapshot results to ebs-notification', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ec2'],
        'detail-type': ['EBS Snapshot Notification'],
        detail: { event: ['createSnapshot', 'copySnapshot'] },
      },
      Targets: [
        Match.objectLike({
          Arn: {
            'Fn::GetAtt': [
              Match.stringLikeRegexp('FunctionsEbsNotification'),
              'Arn',
            ],
          },
        }),
      ],
    });
  });

  it('routes this cluster task changes to ecs-task-state', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: {
          clusterArn: [
            { 'Fn::GetAtt': [Match.stringLikeRegexp('Cluster'), 'Arn'] },
          ],
        },
      },
      Targets: [
        Match.objectLike({
          Arn: {
            'Fn::GetAtt': [
              Match.stringLikeRegexp('FunctionsEcsTaskState'),
              'Arn',
            ],
          },
        }),
      ],
    });
  });
});

describe('event bus', () => {
  it('is the custom bus auteryn, on the platform key', () => {
    template.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'auteryn',
      KmsKeyIdentifier: Match.anyValue(),
      DeadLetterConfig: { Arn: Match.anyValue() },
    });
    template.hasOutput('EventBusName', Match.anyValue());
  });

  it('archives its events for 30 days', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: 30,
      SourceArn: {
        'Fn::GetAtt': [Match.stringLikeRegexp('EventsBus'), 'Arn'],
      },
    });
  });

  it('lets only the stream projector publish', () => {
    const publishers = resourcesOf(template, 'AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.properties.PolicyDocument).includes('events:PutEvents'),
    );
    expect(publishers.map((p) => p.id)).toEqual([
      expect.stringMatching(/StreamProjector/),
    ]);
  });
});
