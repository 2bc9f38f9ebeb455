// What the live ops board shows: one JSON-safe snapshot of the flow, assembled by the application
// layer and served by the HTTP adapter.
import type { Instant } from '../clock/instant.js';
import type { OrderMetrics } from '../ops/order-metrics.js';

/** Something an operator should look at: a sync alert, a stopped job. */
export interface OpsAlert {
  readonly at: Instant;
  /** e.g. `sync.alert_raised`, `job.blocked`. */
  readonly kind: string;
  /** Already free of personal data. */
  readonly message: string;
  readonly severity: 'info' | 'warning' | 'critical';
}

/** A job as the board lists it. */
export interface OpsJobState {
  readonly id: string;
  readonly description: string;
  /** Tripped: stopped by its blast radius until someone resets it. */
  readonly breaker: 'ok' | 'tripped';
  /** The canary's stage, for a job with one. */
  readonly canary?: 'waiting' | 'promoted';
  /** A guarded job's plan gate for its revision: no dry run yet, one waiting for confirmation, or confirmed; `misconfigured` when its deadline disagrees with the stored record. */
  readonly plan?: 'needs_dry_run' | 'awaiting_confirmation' | 'confirmed' | 'misconfigured';
}

/** A dead-lettered task as the board lists it. */
export interface OpsDeadLetter {
  readonly id: string;
  readonly queue: string;
  readonly key: string;
  readonly attempts: number;
  /** Already masked when it was stored. */
  readonly lastError?: string;
  readonly updatedAt: Instant;
}

/** One snapshot of the board. */
export interface OpsSnapshot {
  readonly at: Instant;
  readonly metrics: OrderMetrics;
  /** `null` when the board has no job runner. */
  readonly killSwitch: { readonly engaged: boolean; readonly by?: string; readonly reason?: string; readonly at?: Instant } | null;
  readonly jobs: readonly OpsJobState[];
  /** The latest dead letters, newest first. */
  readonly deadLetters: readonly OpsDeadLetter[];
  readonly alerts: readonly OpsAlert[];
}

/** Where the board's HTTP adapter gets its snapshots. */
export interface OpsSnapshotSource {
  snapshot(): Promise<OpsSnapshot>;
}
