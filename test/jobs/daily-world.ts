/**
 * A backend's daily scheduling without HTTP, for the scheduler's tests: the installation store and the run
 * ledger on one database, a job queue, the real startDailyScheduler, a clock the test sets, and a recorded
 * run handler the test can make fail or wait.
 */
import { randomBytes } from 'node:crypto';
import { SqlInstallationStore } from '../../src/adapters/db/installation-store.js';
import { SqlRunLedger } from '../../src/adapters/db/run-ledger.js';
import type { SqlDatabase } from '../../src/adapters/db/sql.js';
import { TokenCipher } from '../../src/adapters/db/token-cipher.js';
import { InProcessJobQueue } from '../../src/adapters/jobs/in-process.js';
import type { IsoDate } from '../../src/domain/dates.js';
import { tenantKey, type Tenant } from '../../src/domain/model.js';
import { err, ok, type Result } from '../../src/domain/result.js';
import type { Clock } from '../../src/ports/clock.js';
import type { JobQueue, QueueDefinition } from '../../src/ports/jobs.js';
import type { RunKind } from '../../src/ports/run-ledger.js';
import { DAILY_QUEUE, type DailyRunError } from '../../functions/daily-runs.js';
import {
  startDailyScheduler,
  type DailyScheduler,
  type DailySchedulerEvent,
} from '../../functions/schedule-daily.js';
import { eventually } from './job-queue-contract.js';

/** A clock the test sets; sleep resolves at once. */
export class SetClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

export interface RunCall {
  readonly tenant: string;
  readonly localDate: IsoDate;
  readonly kind: RunKind;
  /** When the handler was called (the test clock). */
  readonly at: number;
}

/** The queue with retries a test can wait for: 20 ms, then 40 ms. */
export const FAST_QUEUE: QueueDefinition = {
  ...DAILY_QUEUE,
  retry: { retryLimit: 2, retryDelayMs: 20, retryDelayMaxMs: 100 },
};

export interface DailyWorld {
  readonly clock: SetClock;
  readonly installations: SqlInstallationStore;
  readonly ledger: SqlRunLedger;
  readonly queue: JobQueue;
  readonly scheduler: DailyScheduler;
  readonly calls: RunCall[];
  readonly events: DailySchedulerEvent[];
  /** What the next runs answer (default: a report). */
  answer: (call: RunCall) => Promise<Result<unknown, DailyRunError>>;
  install(tenant: Tenant, timeZone: string | null): Promise<void>;
  /** Waits until the queue has nothing queued, waiting for a retry, or running. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

const cipher = new TokenCipher([{ id: 'k1', key: randomBytes(32) }]);

export async function startDailyWorld(options: {
  readonly db: SqlDatabase;
  readonly clock: SetClock;
  readonly queue?: JobQueue;
  readonly runAtMinutes?: number;
  readonly queueDefinition?: QueueDefinition;
}): Promise<DailyWorld> {
  const { db, clock } = options;
  const installations = await SqlInstallationStore.open({ db, cipher, clock });
  const ledger = new SqlRunLedger({ db, clock });
  const queue = options.queue ?? new InProcessJobQueue();
  const definition = options.queueDefinition ?? FAST_QUEUE;
  const calls: RunCall[] = [];
  const events: DailySchedulerEvent[] = [];
  const state = {
    answer: (call: RunCall): Promise<Result<unknown, DailyRunError>> =>
      Promise.resolve(ok({ kind: call.kind, read: 1, changed: 0, written: 0, failed: 0 })),
  };
  const scheduler = await startDailyScheduler({
    installations,
    ledger,
    queue,
    clock,
    runAtMinutes: options.runAtMinutes ?? 30,
    queueDefinition: definition,
    run: (tenant, localDate, kind) => {
      const call = { tenant: tenantKey(tenant), localDate, kind, at: clock.now() };
      calls.push(call);
      return state.answer(call);
    },
    report: (event) => events.push(event),
  });
  return {
    clock,
    installations,
    ledger,
    queue,
    scheduler,
    calls,
    events,
    get answer() {
      return state.answer;
    },
    set answer(fn) {
      state.answer = fn;
    },
    async install(tenant, timeZone) {
      await installations.install({
        tenant,
        appId: '42',
        scopes: ['oauth'],
        storageMode: 'document',
        tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: Date.UTC(2030, 0, 1) },
      });
      if (timeZone !== null) await installations.setTimeZone(tenant, timeZone);
    },
    drain: () =>
      eventually(async () => {
        const c = await queue.counts(definition.name);
        return c.queued + c.retry + c.active === 0;
      }, 10_000),
    stop: () => queue.stop(),
  };
}

export const failing =
  (code = 'CRM_UNAVAILABLE') =>
  (): Promise<Result<unknown, DailyRunError>> =>
    Promise.resolve(err({ code, message: 'the CRM did not answer' }));
