import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AGENT_PORT } from '../functions/handlers/env.ts';
import type { PlatformConfig } from './platform-config.ts';

/** Props of {@link PlatformNetwork}. */
export interface PlatformNetworkProps {
  readonly config: PlatformConfig;
  readonly key: kms.IKey;
  readonly vpc?: ec2.IVpc;
  readonly subnets?: ec2.SubnetSelection;
}

/**
 * The VPC and the two security groups that matter: the sandboxes' and
 * the functions' that talk to their agents. "No inbound rule" for a
 * sandbox reads as: nothing from outside the platform. The one rule it
 * has lets the platform's own functions reach the agent port.
 */
export class PlatformNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly sandboxSecurityGroup: ec2.SecurityGroup;
  readonly functionSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);
    const { config } = props;

    this.vpc = props.vpc ?? this.newVpc(props.key, config);
    this.subnets = props.subnets ?? {
      subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
    };

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'Functions', {
      vpc: this.vpc,
      description: 'Auteryn functions that call the sandbox agents',
      allowAllOutbound: false,
    });
    this.functionSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'AWS APIs over HTTPS (through the NAT or endpoints)',
    );

    const allOutbound = config.allowedEgress === undefined;
    this.sandboxSecurityGroup = new ec2.SecurityGroup(this, 'Sandboxes', {
      vpc: this.vpc,
      description: 'Auteryn sandboxes: only the platform may connect in',
      allowAllOutbound: allOutbound,
    });
    for (const rule of config.allowedEgress ?? []) {
      this.sandboxSecurityGroup.addEgressRule(
        rule.peer,
        rule.port,
        rule.description ?? 'allowed by allowedEgress',
      );
    }

    this.sandboxSecurityGroup.addIngressRule(
      this.functionSecurityGroup,
      ec2.Port.tcp(AGENT_PORT),
      'the sandbox agent, from the platform functions only',
    );
    this.functionSecurityGroup.addEgressRule(
      this.sandboxSecurityGroup,
      ec2.Port.tcp(AGENT_PORT),
      'the sandbox agents',
    );
  }

  private newVpc(key: kms.IKey, config: PlatformConfig): ec2.Vpc {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        {
          name: 'private',
          subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
          cidrMask: 20,
        },
      ],
    });

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: key,
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    return vpc;
  }
}
