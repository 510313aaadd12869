import {
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { agentToken } from '../../agent/token.ts';

/**
 * Derives each sandbox's agent token from the platform's signing key,
 * read from Secrets Manager once per process. Only the functions that
 * talk to agents may read the key; a task gets its own token only.
 */
export class AgentTokens {
  private key: Promise<string> | undefined;

  constructor(
    private readonly secrets: SecretsManagerClient,
    private readonly secretArn: string,
  ) {}

  async tokenOf(sandboxId: string): Promise<string> {
    return agentToken(await this.signingKey(), sandboxId);
  }

  private signingKey(): Promise<string> {
    this.key ??= this.secrets
      .send(new GetSecretValueCommand({ SecretId: this.secretArn }))
      .then((secret) => {
        if (!secret.SecretString) {
          throw new Error(`secret ${this.secretArn} holds no string`);
        }
        return secret.SecretString;
      })
      .catch((error: unknown) => {
        // Do not cache a failure: the next call tries again.
        this.key = undefined;
        throw error;
      });
    return this.key;
  }
}
