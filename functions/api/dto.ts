import { SANDBOX_SIZES } from '../../domain/sandbox/sizes.ts';
import type { Sandbox } from '../../domain/sandbox/state.ts';

/** A sandbox as the API shows it: tenancy and bookkeeping stay inside. */
export function sandboxDto(sandbox: Sandbox) {
  const { tenantId: _tenant, restartPending: _restart, ...shown } = sandbox;
  return { ...shown, resources: SANDBOX_SIZES[sandbox.size] };
}
