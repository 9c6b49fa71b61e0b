/**
 * One writer per deal at a time, across every backend instance: a use case that reads a plan, edits it and
 * saves it holds the deal's lock from the read (the version check) to the commit, so that two saves based on
 * the same version can never both be acknowledged. Implementations: src/adapters/locks (in-process for a
 * single instance on SQLite; a PostgreSQL advisory lock when instances share a DATABASE_URL).
 */
import type { DealRef } from '../domain/model.js';
import type { Result } from '../domain/result.js';

export interface DealLockBusy {
  readonly code: 'DEAL_BUSY';
  /** A sentence for the user: the plan is being saved by someone else; try again. */
  readonly message: string;
  readonly retryAfterMs: number;
}

export interface DealLocks {
  /**
   * Runs `task` while holding the deal's lock. When the lock cannot be had in time (another save holds it
   * for too long), the task does not run and the answer is DEAL_BUSY.
   */
  run<T, E>(deal: DealRef, task: () => Promise<Result<T, E>>): Promise<Result<T, E | DealLockBusy>>;
  close(): Promise<void>;
}

/** The lock's key: the CRM, the tenant and the deal (never shared between tenants). */
export const dealLockKey = (deal: DealRef): string => `${deal.crm}:${deal.accountId}:${deal.dealId}`;
