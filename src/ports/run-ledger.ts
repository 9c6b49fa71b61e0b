/**
 * The run ledger: one row per tenant and local day of the daily work (functions/schedule-daily.ts), in the
 * backend's database, shared by every instance. It is what makes a tenant's day run at most once to
 * completion, whatever the job engine delivers twice (a retry after a lost instance, two instances ticking):
 *
 * - a day is claimed atomically before it runs: a day with no row is claimed by inserting it `running`;
 * - a `done` day is never claimed again;
 * - a `running` day is claimed only when its lease has lapsed (no heartbeat for `leaseMs`: its instance died);
 * - a `failed` day can be claimed again (the job's retry, or a later tick).
 *
 * Each claim counts one attempt, and the attempt number is the claim's fencing token: a heartbeat or a finish
 * of an attempt that lost its claim (taken over after a lapsed lease) changes nothing.
 *
 * Implementations: src/adapters/db/run-ledger.ts (SQLite and PostgreSQL). Time comes from the injected clock.
 * Methods throw only when the database is unavailable or its data is unreadable.
 */
import type { IsoDate } from '../domain/dates.js';
import type { Tenant } from '../domain/model.js';

/** `due`: only the plans whose projection changes today; `full`: every plan of the tenant. */
export const RUN_KINDS = ['due', 'full'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATUSES = ['running', 'done', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Why a run failed: a closed code of whoever failed, and a sentence for an operator. */
export interface RunError {
  readonly code: string;
  readonly message: string;
}

export interface TenantRun {
  readonly tenant: Tenant;
  /** The tenant's calendar day the run is for. */
  readonly localDate: IsoDate;
  readonly kind: RunKind;
  readonly status: RunStatus;
  /** Claims so far (the first run and every retry or takeover). */
  readonly attempts: number;
  /** When the current (or last) attempt started, ms since the epoch. */
  readonly startedAt: number;
  /** The current attempt's last sign of life (its start, then each heartbeat). */
  readonly heartbeatAt: number;
  /** When the last attempt ended; null while running. */
  readonly finishedAt: number | null;
  /** The run's report (JSON), when done. */
  readonly report: unknown;
  /** The last attempt's error, when failed. */
  readonly error: RunError | null;
}

/** A claimed day: the right to run it, until it is finished or its lease lapses. */
export interface RunClaim {
  readonly tenant: Tenant;
  readonly localDate: IsoDate;
  readonly kind: RunKind;
  /** This claim's attempt number: its fencing token. */
  readonly attempt: number;
}

export type ClaimResult =
  | { readonly claimed: true; readonly claim: RunClaim }
  /** Refused: the day is done, or running under a live lease (`run` says which). */
  | { readonly claimed: false; readonly run: TenantRun };

export type RunOutcome =
  | { readonly status: 'done'; readonly report: unknown }
  | { readonly status: 'failed'; readonly error: RunError };

export interface RunLedger {
  /** Claims a tenant's day for `kind` (see the rules above); a lease lapses `leaseMs` after the last heartbeat. */
  claim(
    day: { readonly tenant: Tenant; readonly localDate: IsoDate; readonly kind: RunKind },
    leaseMs: number,
  ): Promise<ClaimResult>;
  /** Renews a claim's lease; false when the claim was lost (taken over, or finished). */
  heartbeat(claim: RunClaim): Promise<boolean>;
  /** Records how a claimed run ended; false when the claim was lost (then nothing is written). */
  finish(claim: RunClaim, outcome: RunOutcome): Promise<boolean>;
  /** The rows of every tenant for `localDate` and later days. */
  runsSince(localDate: IsoDate): Promise<TenantRun[]>;
  /** Per tenant (by tenantKey), the latest day a `full` run completed. */
  lastFullRuns(): Promise<ReadonlyMap<string, IsoDate>>;
  /** The latest rows (by start), newest first, at most `limit`. */
  recent(limit: number): Promise<TenantRun[]>;
  /** Deletes the rows of days before `localDate`; returns how many. */
  pruneBefore(localDate: IsoDate): Promise<number>;
}
