/**
 * DealLocks implementations.
 *
 * - In-process: a queue per deal (KeyedMutex). Enough for one instance (SQLite is single-instance).
 * - PostgreSQL: the same queue per deal inside each instance, then a transaction-scoped advisory lock on the
 *   deal's key (`pg_advisory_xact_lock(hashtextextended(key, 0))`), held until the task ends. Every instance
 *   sharing the DATABASE_URL takes the same lock; when an instance dies its connection closes and PostgreSQL
 *   releases the lock. Queuing inside the instance first means one connection per deal and instance waits
 *   in PostgreSQL, whatever the number of parallel edits. Two keys that hash alike only wait for each other.
 */
import pg from 'pg';
import type { DealRef } from '../../domain/model.js';
import { err, type Result } from '../../domain/result.js';
import { dealLockKey, type DealLockBusy, type DealLocks } from '../../ports/deal-locks.js';
import { KeyedMutex } from './keyed-mutex.js';

/** How long a save waits for another save of the same deal before it answers DEAL_BUSY. */
export const DEFAULT_LOCK_WAIT_MS = 20_000;

export const busy = (waitedMs: number): DealLockBusy => ({
  code: 'DEAL_BUSY',
  message: `Another change to this plan has been saving for over ${Math.round(waitedMs / 1000)} seconds, so yours was not saved. Try again in a moment.`,
  retryAfterMs: 2_000,
});

export class InProcessDealLocks implements DealLocks {
  private readonly mutex = new KeyedMutex();

  run<T, E>(deal: DealRef, task: () => Promise<Result<T, E>>): Promise<Result<T, E | DealLockBusy>> {
    return this.mutex.run(dealLockKey(deal), task);
  }

  /** Deals with a task running or queued (tests). */
  get held(): number {
    return this.mutex.size;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface PostgresDealLocksOptions {
  readonly connectionString: string;
  /** Connections for locks (each deal being saved takes one). Default 20. */
  readonly max?: number;
  /** How long to wait in PostgreSQL for another instance's save. Default DEFAULT_LOCK_WAIT_MS. */
  readonly waitMs?: number;
}

export class PostgresDealLocks implements DealLocks {
  private readonly local = new KeyedMutex();
  private readonly pool: pg.Pool;
  private readonly waitMs: number;

  constructor(options: PostgresDealLocksOptions) {
    this.waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 20,
      connectionTimeoutMillis: this.waitMs,
    });
    // An idle client can lose its connection (database restart); the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  run<T, E>(deal: DealRef, task: () => Promise<Result<T, E>>): Promise<Result<T, E | DealLockBusy>> {
    return this.local.run(dealLockKey(deal), () => this.runLocked(dealLockKey(deal), task));
  }

  private async runLocked<T, E>(
    key: string,
    task: () => Promise<Result<T, E>>,
  ): Promise<Result<T, E | DealLockBusy>> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      // Every lock connection is held by saves of other deals for longer than a save may wait.
      if (error instanceof Error && /timeout/i.test(error.message)) return err(busy(this.waitMs));
      throw error;
    }
    let healthy = true;
    try {
      await client.query('BEGIN');
      // lock_timeout bounds the wait for another instance; the lock is released at COMMIT or ROLLBACK.
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(this.waitMs))}`);
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      } catch (error) {
        await client.query('ROLLBACK');
        if ((error as { code?: string }).code === '55P03') return err(busy(this.waitMs));
        throw error;
      }
      try {
        return await task();
      } finally {
        await client.query('COMMIT').catch(() => {
          healthy = false;
        });
      }
    } catch (error) {
      healthy = false;
      throw error;
    } finally {
      client.release(!healthy);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** The locks for a configuration: PostgreSQL's when instances share a database, else in-process. */
export function openDealLocks(databaseUrl: string | null | undefined): DealLocks {
  return databaseUrl ? new PostgresDealLocks({ connectionString: databaseUrl }) : new InProcessDealLocks();
}
