import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synthesize } from './synth.ts';

// Env-agnostic, and with a concrete account and region: cdk-nag's ids of
// wildcard findings embed the resolved ARNs, so both must stay clean.
const agnostic = synthesize();
const pinned = synthesize({
  env: { account: '123456789012', region: 'eu-west-1' },
});

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(
          ([id, reason]) => ({
            path: construct.node.path,
            id: id.replace(/^annotation::/i, ''),
            reason,
          }),
        ),
      ),
  );
}

/** Every finding, acknowledged or not, with the paths it is on. */
function allFindings(root: IConstruct) {
  const pack = new AwsSolutionsChecks();
  Object.assign(pack, { isAcknowledged: () => false });
  return pack.validateScope(root).violations;
}

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['env-agnostic', agnostic.stack],
    ['pinned to an account and region', pinned.stack],
  ])('leaves no unacknowledged finding (%s)', (_, stack) => {
    const report = new AwsSolutionsChecks().validateScope(stack);

    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges each finding with a reason of its own', () => {
    const acks = acknowledgements(agnostic.stack).filter((a) =>
      a.id.startsWith('AwsSolutions-'),
    );

    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThan(40);
    }
  });

  it('acknowledges only findings that exist (no stale acknowledgement)', () => {
    const findings = allFindings(agnostic.stack);
    const stale = acknowledgements(agnostic.stack)
      .filter((a) => a.id.startsWith('AwsSolutions-'))
      .filter(
        (ack) =>
          !findings.some(
            (finding) =>
              finding.ruleName === ack.id &&
              finding.violatingResources.some((r) =>
                `${r.constructPath}/`.startsWith(`${ack.path}/`),
              ),
          ),
      )
      .map((ack) => `${ack.id} at ${ack.path}`);

    expect(stale).toEqual([]);
  });

  it('raises no CDK warning or error', () => {
    const annotations = Annotations.fromStack(agnostic.stack);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  });
});
