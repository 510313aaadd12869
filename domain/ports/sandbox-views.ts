import type { Sandbox } from '../sandbox/state.ts';
import type { SandboxSummary } from '../sandbox/summary.ts';

/** The current-state projection of a sandbox, with the commit it is at. */
export interface SandboxView {
  sandbox: Sandbox;
  revision: number;
}

/**
 * Where the current-state projection lives. `save` is version-guarded: it
 * writes revision N only over revision N-1 (or nothing, for N = 1) and
 * returns false when the stored view is elsewhere, so replays and
 * duplicate deliveries are harmless.
 */
export interface SandboxViews {
  get(sandboxId: string): Promise<SandboxView | undefined>;
  list(tenantId: string): Promise<Sandbox[]>;
  /** Every view, for the catch-up pass at start. */
  all(): AsyncIterable<SandboxView>;
  /**
   * Summaries of the sandboxes that hold resources (starting, running,
   * stopping), for the schedules; eventually consistent on AWS.
   */
  active(): AsyncIterable<SandboxSummary>;
  save(view: SandboxView, previousRevision: number): Promise<boolean>;
}

export interface NameClaim {
  tenantId: string;
  name: string;
  sandboxId: string;
}

/**
 * Unique sandbox names per tenant. A claim names the sandbox that holds
 * it, so a claim left by a crash before the sandbox's first event can be
 * recognised and taken over.
 */
export interface NameRegistry {
  /** Returns the id of the sandbox that holds the name after the call. */
  claim(tenantId: string, name: string, sandboxId: string): Promise<string>;
  /** Moves a claim from a sandbox that never came to be. */
  takeOver(
    tenantId: string,
    name: string,
    from: string,
    to: string,
  ): Promise<boolean>;
  release(tenantId: string, name: string, sandboxId: string): Promise<void>;
  /** Every claim, for the catch-up pass at start. */
  claims(): AsyncIterable<NameClaim>;
}
