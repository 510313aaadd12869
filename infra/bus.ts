import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { grantKey } from './encryption.ts';
import { acknowledge } from './nag.ts';
import type { PlatformConfig } from './platform-config.ts';
import { encryptedQueue } from './queues.ts';

/**
 * The custom bus the stream projector publishes domain events on, with
 * an archive so that consumers added later can replay the history. A
 * bus on a customer key needs a dead-letter queue for the events it
 * could not encrypt or decrypt.
 */
export class PlatformBus extends Construct {
  readonly bus: events.EventBus;
  private readonly key: kms.IKey;

  constructor(
    scope: Construct,
    id: string,
    props: { key: kms.IKey; config: PlatformConfig },
  ) {
    super(scope, id);
    const { key, config } = props;
    this.key = key;

    const undeliverable = encryptedQueue(this, 'Undeliverable', key);
    acknowledge(
      undeliverable,
      'AwsSolutions-SQS3',
      'this queue is the bus dead-letter queue: events EventBridge could ' +
        'not encrypt or decrypt wait here 14 days to be redriven',
    );
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: config.eventBusName,
      description: 'Auteryn domain events, published from the event store',
      kmsKey: key,
      deadLetterQueue: undeliverable,
    });

    this.bus.archive('Archive', {
      description: 'Every Auteryn domain event, for replays',
      eventPattern: { account: [Stack.of(this).account] },
      retention: config.eventArchiveRetention,
      kmsKey: key,
    });
  }

  /** PutEvents on this bus, and the key to encrypt what is put. */
  grantPublish(grantee: iam.IGrantable): void {
    this.bus.grantPutEventsTo(grantee);
    grantKey(this.key, grantee, 'encrypt-decrypt');
  }
}
