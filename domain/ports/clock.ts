/** Time and identity come in through ports so the domain stays pure. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new sandbox id, e.g. `sbx-…`. */
  sandboxId(): string;
  /** A new snapshot id, e.g. `snap-…`. */
  snapshotId(): string;
}
