/**
 * The job queue on PostgreSQL, with pg-boss 12 (https://pgboss.io), for several backend instances sharing
 * one DATABASE_URL: a job is stored in the database and fetched by exactly one instance's worker (SKIP
 * LOCKED), so every instance can send and work the same queue.
 *
 * - Singleton keys: each queue is created with pg-boss's `exclusive` policy, whose unique index allows one
 *   job per (queue, singleton key) in the created, retry or active state, so at most one job per key is
 *   queued or running at once and a second send is refused (null) until the first completes or fails for
 *   good. (`singleton` would still queue duplicates, `stately` would queue one beside an active one, `short`
 *   would allow several active.) The policy treats jobs without a key as sharing one, so a job sent without
 *   a key gets a unique one.
 * - Retries: `retryLimit`, `retryDelay` and `retryDelayMax` with `retryBackoff` (pg-boss doubles the delay
 *   per retry, with jitter). pg-boss counts delays in whole seconds: the port's milliseconds are rounded up.
 * - Lost instances: queues get a 60 s heartbeat, which pg-boss's workers refresh while a job runs; an active
 *   job whose instance stopped refreshing it is failed by the supervisor and retried elsewhere. The queue's
 *   timeout becomes `expireInSeconds` (pg-boss caps it at 24 hours).
 * - Its tables live in their own schema (`pgboss` by default; tests use a schema per run), created and
 *   migrated by `start()` under pg-boss's own advisory lock, so instances starting together are safe.
 */
import { randomUUID } from 'node:crypto';
import { PgBoss, type Job } from 'pg-boss';
import type {
  JobCounts,
  JobHandler,
  JobQueue,
  JobState,
  JobSummary,
  QueueDefinition,
  SendOptions,
} from '../../ports/jobs.js';

export const DEFAULT_PG_BOSS_SCHEMA = 'pgboss';
/** How often a running job proves its instance is alive; one not heard from for this long is retried. */
export const HEARTBEAT_SECONDS = 60;
const MAX_EXPIRE_SECONDS = 24 * 60 * 60;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** The key prefix of jobs sent without a singleton key. */
const UNKEYED = '~unkeyed~';

export interface PgBossJobQueueOptions {
  readonly connectionString: string;
  /** PostgreSQL schema of pg-boss's tables (default `pgboss`); created if missing. */
  readonly schema?: string;
  /** Connections in pg-boss's own pool (default 4). */
  readonly max?: number;
  /** How often an idle worker looks for jobs, in seconds (default 2, at least 0.5). */
  readonly pollingIntervalSeconds?: number;
  /**
   * Whether this instance takes part in pg-boss's maintenance (expiring jobs whose instance died, retention).
   * Default true; a short-lived client such as the CLI turns it off.
   */
  readonly supervise?: boolean;
  /** pg-boss's own errors (a lost connection, a failed maintenance pass): they do not stop the queue. */
  readonly onError?: (error: Error) => void;
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

function queueOptions(definition: QueueDefinition) {
  const { retry } = definition;
  return {
    retryLimit: retry.retryLimit,
    retryDelay: seconds(retry.retryDelayMs),
    retryBackoff: true,
    retryDelayMax: Math.max(seconds(retry.retryDelayMs), seconds(retry.retryDelayMaxMs)),
    expireInSeconds: Math.min(MAX_EXPIRE_SECONDS, seconds(definition.timeoutMs)),
    heartbeatSeconds: HEARTBEAT_SECONDS,
  };
}

/** pg-boss's states in the port's words (`created` is `queued`). */
const STATE: Readonly<Record<string, JobState>> = {
  created: 'queued',
  retry: 'retry',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

const time = (value: unknown): number | null =>
  value === null || value === undefined ? null : new Date(value as string | Date).getTime();

export class PgBossJobQueue implements JobQueue {
  readonly engine = 'pg-boss';
  private readonly definitions = new Map<string, QueueDefinition>();

  private constructor(
    private readonly boss: PgBoss,
    private readonly schema: string,
    private readonly pollingIntervalSeconds: number,
  ) {}

  /** Starts pg-boss (creating or migrating its schema) and returns the queue. */
  static async open(options: PgBossJobQueueOptions): Promise<PgBossJobQueue> {
    const schema = options.schema ?? DEFAULT_PG_BOSS_SCHEMA;
    if (!SCHEMA_NAME.test(schema))
      throw new Error(`pg-boss schema "${schema}" must match ${SCHEMA_NAME.source}`);
    const boss = new PgBoss({
      connectionString: options.connectionString,
      schema,
      max: options.max ?? 4,
      application_name: 'map-jobs',
      // The daily work is timed by the app's own tick (functions/schedule-daily.ts), not pg-boss's cron.
      schedule: false,
      supervise: options.supervise ?? true,
      registerInstance: false,
    });
    const onError = options.onError ?? (() => undefined);
    // Without a listener an 'error' event would throw; pg-boss keeps going after reporting it.
    boss.on('error', onError);
    await boss.start();
    return new PgBossJobQueue(boss, schema, options.pollingIntervalSeconds ?? 2);
  }

  async createQueue(definition: QueueDefinition): Promise<void> {
    const options = queueOptions(definition);
    // Idempotent (ON CONFLICT DO NOTHING), so instances starting together may all call it.
    await this.boss.createQueue(definition.name, { ...options, policy: 'exclusive' });
    const queue = await this.boss.getQueue(definition.name);
    if (queue?.policy !== 'exclusive') {
      throw new Error(
        `pg-boss queue ${definition.name} exists with policy ${String(queue?.policy)}, not exclusive: delete it (its jobs are re-queued by the next tick) and start again`,
      );
    }
    // A queue made by an older version keeps its options unless they are brought up to date.
    await this.boss.updateQueue(definition.name, options);
    this.definitions.set(definition.name, definition);
  }

  async send(
    queue: string,
    data: Readonly<Record<string, unknown>>,
    options: SendOptions = {},
  ): Promise<string | null> {
    // The exclusive policy treats every job without a key as one key: a job sent without one gets a key of
    // its own, so that only jobs that ask for a singleton are one.
    return this.boss.send(queue, data, { singletonKey: options.singletonKey ?? `${UNKEYED}${randomUUID()}` });
  }

  async work(queue: string, handler: JobHandler): Promise<void> {
    const definition = this.definitions.get(queue);
    if (!definition) throw new Error(`queue ${queue} was not created here: call createQueue first`);
    await this.boss.work(
      queue,
      {
        batchSize: 1,
        localConcurrency: definition.concurrency,
        pollingIntervalSeconds: this.pollingIntervalSeconds,
      },
      async (jobs: Job<unknown>[]) => {
        for (const job of jobs) {
          await handler({ id: job.id, data: job.data, attempt: job.retryCount + 1, signal: job.signal });
        }
      },
    );
  }

  async counts(queue: string): Promise<JobCounts> {
    // Exact counts from the job table (getQueue's are a cache the supervisor refreshes about every minute).
    const { rows } = await this.boss
      .getDb()
      .executeSql(
        `SELECT state::text AS state, COUNT(*)::int AS n FROM ${this.schema}.job WHERE name = $1 GROUP BY state`,
        [queue],
      );
    const counts: Record<JobState, number> = {
      queued: 0,
      retry: 0,
      active: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
    };
    for (const row of rows as { state: string; n: number }[]) {
      const state = STATE[row.state];
      if (state) counts[state] += Number(row.n);
    }
    return counts;
  }

  async list(queue: string, options: { readonly limit?: number } = {}): Promise<JobSummary[]> {
    const limit = Math.min(1_000, Math.max(1, options.limit ?? 20));
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT id::text AS id, singleton_key, state::text AS state, retry_count, data, created_on, started_on, completed_on
       FROM ${this.schema}.job WHERE name = $1 ORDER BY created_on DESC LIMIT $2`,
      [queue, limit],
    );
    return (rows as Record<string, unknown>[]).map((row) => {
      const state = STATE[String(row.state)] ?? 'queued';
      const startedAt = time(row.started_on);
      return {
        id: String(row.id),
        singletonKey:
          typeof row.singleton_key === 'string' && !row.singleton_key.startsWith(UNKEYED)
            ? row.singleton_key
            : null,
        state,
        // retry_count goes up as a retry is claimed: the attempts started are one more, once one started.
        attempts: startedAt === null ? 0 : Number(row.retry_count) + 1,
        data: row.data,
        createdAt: time(row.created_on) ?? 0,
        startedAt,
        finishedAt:
          state === 'completed' || state === 'failed' || state === 'cancelled'
            ? time(row.completed_on)
            : null,
      };
    });
  }

  async stop(): Promise<void> {
    // Graceful: workers stop fetching, running jobs get up to 20 s to finish (then they are retried
    // elsewhere once their heartbeat lapses), and the pool is closed.
    await this.boss.stop({ graceful: true, timeout: 20_000, close: true });
  }
}
