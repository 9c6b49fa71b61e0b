/**
 * The job queue in this process's memory, for a single instance (the SQLite setup): the same rules as the
 * pg-boss queue — at most one job per singleton key queued, waiting for a retry or running; a failed attempt
 * retried after `retryDelayMs`, doubling each time up to `retryDelayMaxMs` (no jitter: one instance has no
 * herd to spread); at most `concurrency` jobs of a queue running at once; an attempt running past
 * `timeoutMs` fails and its signal is aborted.
 *
 * Nothing survives the process: jobs queued or running when it stops are gone. Whoever queues them must be
 * able to queue them again at the next start (the daily scheduler does: its ledger and its start-up tick).
 * An attempt that timed out keeps its concurrency slot until its handler actually returns, so a handler
 * that ignores its signal cannot pile up beside its own retry.
 */
import { randomUUID } from 'node:crypto';
import type {
  JobCounts,
  JobHandler,
  JobQueue,
  JobState,
  JobSummary,
  QueueDefinition,
  SendOptions,
} from '../../ports/jobs.js';

export interface InProcessJobQueueOptions {
  /** ms since the epoch, for the jobs' times (default Date.now). Timers always run in real time. */
  readonly now?: () => number;
  /** How long `stop` waits for running jobs before aborting their signals (default 20 s). */
  readonly stopTimeoutMs?: number;
  /** Finished jobs kept per queue for `list` and `counts` (default 500). */
  readonly keepFinished?: number;
}

interface StoredJob {
  readonly id: string;
  readonly key: string | null;
  readonly data: unknown;
  readonly createdAt: number;
  state: JobState;
  attempts: number;
  runAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

interface Queue {
  definition: QueueDefinition;
  readonly jobs: StoredJob[];
  handler?: JobHandler;
  running: number;
  wake: ReturnType<typeof setTimeout> | undefined;
}

const WAITING: ReadonlySet<JobState> = new Set(['queued', 'retry', 'active']);
const FINISHED: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled']);

/** `fn`'s value as a promise, and what it throws as a rejection (the port's methods never throw synchronously). */
const settled = <T>(fn: () => T): Promise<T> => new Promise<T>((resolve) => resolve(fn()));

/** The wait before retry number `retry` (1 for the first): the delay doubling per retry, up to the max. */
export function backoffMs(definition: QueueDefinition, retry: number): number {
  const { retryDelayMs, retryDelayMaxMs } = definition.retry;
  return Math.min(Math.max(retryDelayMs, retryDelayMaxMs), retryDelayMs * 2 ** Math.min(30, retry - 1));
}

export class InProcessJobQueue implements JobQueue {
  readonly engine = 'in-process';
  private readonly queues = new Map<string, Queue>();
  private readonly running = new Set<{ promise: Promise<void>; abort: AbortController }>();
  private readonly now: () => number;
  private readonly stopTimeoutMs: number;
  private readonly keepFinished: number;
  private stopped = false;

  constructor(options: InProcessJobQueueOptions = {}) {
    this.now = options.now ?? Date.now;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 20_000;
    this.keepFinished = options.keepFinished ?? 500;
  }

  createQueue(definition: QueueDefinition): Promise<void> {
    return settled(() => {
      const existing = this.queues.get(definition.name);
      // As pg-boss's update: an existing queue keeps its jobs and takes the new options.
      if (existing) existing.definition = definition;
      else this.queues.set(definition.name, { definition, jobs: [], running: 0, wake: undefined });
    });
  }

  send(
    queue: string,
    data: Readonly<Record<string, unknown>>,
    options: SendOptions = {},
  ): Promise<string | null> {
    return settled(() => this.insert(queue, data, options));
  }

  work(queue: string, handler: JobHandler): Promise<void> {
    return settled(() => {
      const q = this.queue(queue);
      if (q.handler) throw new Error(`queue ${queue} already has a worker in this process`);
      q.handler = handler;
      this.pump(q);
    });
  }

  counts(queue: string): Promise<JobCounts> {
    return settled(() => {
      const counts: Record<JobState, number> = {
        queued: 0,
        retry: 0,
        active: 0,
        completed: 0,
        failed: 0,
        cancelled: 0,
      };
      for (const job of this.queue(queue).jobs) counts[job.state]++;
      return counts;
    });
  }

  list(queue: string, options: { readonly limit?: number } = {}): Promise<JobSummary[]> {
    return settled(() => {
      const limit = Math.max(1, options.limit ?? 20);
      return [...this.queue(queue).jobs]
        .reverse()
        .slice(0, limit)
        .map((j) => ({
          id: j.id,
          singletonKey: j.key,
          state: j.state,
          attempts: j.attempts,
          data: j.data,
          createdAt: j.createdAt,
          startedAt: j.startedAt,
          finishedAt: j.finishedAt,
        }));
    });
  }

  private insert(
    queue: string,
    data: Readonly<Record<string, unknown>>,
    options: SendOptions,
  ): string | null {
    const q = this.queue(queue);
    if (this.stopped) throw new Error(`the job queue is stopped: job for ${queue} not queued`);
    const key = options.singletonKey ?? null;
    if (key !== null && q.jobs.some((j) => j.key === key && WAITING.has(j.state))) return null;
    const now = this.now();
    const job: StoredJob = {
      id: randomUUID(),
      key,
      // As a stored job would be: JSON, detached from the caller's object.
      data: JSON.parse(JSON.stringify(data)) as unknown,
      createdAt: now,
      state: 'queued',
      attempts: 0,
      runAt: now,
      startedAt: null,
      finishedAt: null,
    };
    q.jobs.push(job);
    this.pump(q);
    return job.id;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const q of this.queues.values()) if (q.wake) clearTimeout(q.wake);
    const all = [...this.running];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.stopTimeoutMs);
      timer.unref();
    });
    await Promise.race([Promise.allSettled(all.map((r) => r.promise)), timedOut]);
    clearTimeout(timer);
    for (const r of this.running) r.abort.abort(new Error('the job queue stopped'));
  }

  private queue(name: string): Queue {
    const q = this.queues.get(name);
    if (!q) throw new Error(`queue ${name} was not created: call createQueue first`);
    return q;
  }

  /** Starts ready jobs while the queue has free slots; wakes up again for the next retry that comes due. */
  private pump(q: Queue): void {
    if (!q.handler || this.stopped) return;
    const now = this.now();
    while (q.running < q.definition.concurrency) {
      const next = q.jobs.find((j) => (j.state === 'queued' || j.state === 'retry') && j.runAt <= now);
      if (!next) break;
      this.start(q, q.handler, next);
    }
    if (q.wake) clearTimeout(q.wake);
    q.wake = undefined;
    const later = q.jobs.filter((j) => j.state === 'retry' && j.runAt > now).map((j) => j.runAt);
    if (later.length > 0 && q.running < q.definition.concurrency) {
      q.wake = setTimeout(() => this.pump(q), Math.min(...later) - now);
      q.wake.unref();
    }
  }

  private start(q: Queue, handler: JobHandler, job: StoredJob): void {
    job.state = 'active';
    job.attempts++;
    job.startedAt = this.now();
    job.finishedAt = null;
    q.running++;
    const abort = new AbortController();
    let settled = false;
    const settle = (failed: boolean): void => {
      if (settled) return;
      settled = true;
      if (!failed) job.state = 'completed';
      else if (job.attempts <= q.definition.retry.retryLimit) {
        job.state = 'retry';
        job.runAt = this.now() + backoffMs(q.definition, job.attempts);
      } else job.state = 'failed';
      if (job.state !== 'retry') job.finishedAt = this.now();
      this.trim(q);
    };
    const timeout = setTimeout(() => {
      abort.abort(new Error(`the job ran longer than ${q.definition.timeoutMs} ms`));
      settle(true);
    }, q.definition.timeoutMs);
    timeout.unref();
    const entry = {
      abort,
      promise: Promise.resolve()
        .then(() => handler({ id: job.id, data: job.data, attempt: job.attempts, signal: abort.signal }))
        .then(
          () => settle(false),
          // A failed attempt is the job's outcome, kept in its state; the handler reports its own errors.
          () => settle(true),
        )
        .finally(() => {
          clearTimeout(timeout);
          q.running--;
          this.running.delete(entry);
          this.pump(q);
        }),
    };
    this.running.add(entry);
  }

  /** Forgets the oldest finished jobs beyond `keepFinished`. */
  private trim(q: Queue): void {
    let finished = q.jobs.filter((j) => FINISHED.has(j.state)).length;
    for (let i = 0; i < q.jobs.length && finished > this.keepFinished;) {
      if (FINISHED.has(q.jobs[i]!.state)) {
        q.jobs.splice(i, 1);
        finished--;
      } else i++;
    }
  }
}
