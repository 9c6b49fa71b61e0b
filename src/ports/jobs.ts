/**
 * A queue of background jobs: named queues of JSON jobs, run by workers with a bounded concurrency, retried
 * with exponential backoff when an attempt fails, and at most one job per singleton key waiting or running
 * at once (a second `send` with the same key while the first is queued, waiting for a retry or running is
 * refused, not queued twice).
 *
 * Implementations: src/adapters/jobs/pg-boss.ts (PostgreSQL: the queue is shared by every instance, a job runs
 * on one of them) and src/adapters/jobs/in-process.ts (memory: one instance, as with SQLite). Delivery is at
 * least once: an attempt whose instance dies is run again, so a handler that must not do its work twice keeps
 * its own record (the daily runs keep the run ledger, src/ports/run-ledger.ts). Methods throw only when the
 * engine is unavailable or called wrongly (a bug).
 */

/** How a failed attempt is retried: after `retryDelayMs`, then about twice as long each time, up to the max. */
export interface RetryPolicy {
  /** Attempts after the first one (0: a failed job is not retried). */
  readonly retryLimit: number;
  /** Wait before the first retry. */
  readonly retryDelayMs: number;
  /** The longest wait between two attempts. */
  readonly retryDelayMaxMs: number;
}

export interface QueueDefinition {
  /** Letters, digits, `-` and `_`. */
  readonly name: string;
  readonly retry: RetryPolicy;
  /** Jobs of this queue one instance runs at the same time. */
  readonly concurrency: number;
  /** An attempt still running after this long fails (and is retried); its signal is aborted. */
  readonly timeoutMs: number;
}

export interface SendOptions {
  /**
   * At most one job with this key is queued, waiting for a retry or running at a time: while one is, `send`
   * returns null. Once it has completed or failed for good, the key is free again.
   */
  readonly singletonKey?: string;
}

/** A job as its handler receives it. */
export interface JobContext {
  readonly id: string;
  /** The JSON the job was sent with, unparsed: the handler parses it (a boundary). */
  readonly data: unknown;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** Aborted when the attempt times out or the queue stops. */
  readonly signal: AbortSignal;
}

/** Resolving completes the job; throwing fails the attempt (retried while retries are left). */
export type JobHandler = (job: JobContext) => Promise<void>;

export const JOB_STATES = ['queued', 'retry', 'active', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** How many jobs of a queue are in each state (finished ones as long as the engine keeps them). */
export type JobCounts = Readonly<Record<JobState, number>>;

export interface JobSummary {
  readonly id: string;
  readonly singletonKey: string | null;
  readonly state: JobState;
  /** Attempts started so far. */
  readonly attempts: number;
  readonly data: unknown;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

export interface JobQueue {
  /** Which engine runs the jobs, for logs and the CLI ('pg-boss', 'in-process'). */
  readonly engine: string;
  /** Creates the queue, or updates the retry policy of one that exists. Needed before send and work. */
  createQueue(definition: QueueDefinition): Promise<void>;
  /** Queues a job; its id, or null when a job with the same singleton key is queued or running. */
  send(queue: string, data: Readonly<Record<string, unknown>>, options?: SendOptions): Promise<string | null>;
  /** Runs the queue's jobs on this instance with `handler`, `concurrency` at a time. */
  work(queue: string, handler: JobHandler): Promise<void>;
  counts(queue: string): Promise<JobCounts>;
  /** The newest jobs of the queue, newest first. */
  list(queue: string, options?: { readonly limit?: number }): Promise<JobSummary[]>;
  /** Stops taking jobs, waits (a bounded time) for running ones, and releases the engine's resources. */
  stop(): Promise<void>;
}
