/**
 * schedule-daily: queues each active tenant's daily run once its local day is due (the rules are in
 * functions/daily-runs.ts) and runs the queued days (functions/run-daily.ts) on this instance's workers.
 *
 * A tick reads the active installations with their time zones and the ledger's rows of their current days,
 * decides, and sends one job per due day with the singleton key tenant + local date. The composition root
 * ticks once at start — the catch-up after downtime: every tenant past its run time whose day is not done is
 * queued at once — and then every few minutes.
 *
 * Every instance ticks; nothing elects one. Two instances deciding the same day at once both send, and the
 * singleton key lets one job through (the other send is refused, counted as `alreadyQueued`); a job that is
 * nevertheless delivered twice (a retry after a lost instance) meets the ledger's claim, which lets one
 * attempt run the day and refuses a done day. So a tenant's day runs at most once to completion, with one
 * listing and one ledger query per tick and instance (two when it queues).
 */
import { addDays, calendarDay, minDate, type IsoDate } from '../src/domain/dates.js';
import { localTime } from '../src/domain/local-time.js';
import { tenantKey, type Tenant } from '../src/domain/model.js';
import { err, ok, type Result } from '../src/domain/result.js';
import type { Clock } from '../src/ports/clock.js';
import type { InstallationStore } from '../src/ports/installation-store.js';
import type { JobQueue, QueueDefinition } from '../src/ports/jobs.js';
import type { RunKind, RunLedger } from '../src/ports/run-ledger.js';
import {
  DAILY_QUEUE,
  dailyJobKey,
  dailyKind,
  decideDailyRuns,
  KEEP_RUNS_DAYS,
  localDates,
  type DailyJob,
  type DailyRunHandler,
  type QueueReason,
  type WaitReason,
} from './daily-runs.js';
import { runDailyJob, type DailyJobOutcome } from './run-daily.js';

export interface ScheduleDailyDeps {
  readonly installations: Pick<InstallationStore, 'listInstallations' | 'getInstallation'>;
  readonly ledger: RunLedger;
  readonly queue: Pick<JobQueue, 'createQueue' | 'work' | 'send'>;
  readonly clock: Pick<Clock, 'now'>;
  /** Runs one tenant's day. */
  readonly run: DailyRunHandler;
  /** Minutes after each tenant's local midnight from which its day is due (DAILY_RUN_AT). */
  readonly runAtMinutes: number;
  /** The queue's name and retry policy (default DAILY_QUEUE; tests shorten the delays). */
  readonly queueDefinition?: QueueDefinition;
  /** How often a running day renews its lease (default one minute). */
  readonly heartbeatEveryMs?: number;
  /** Sees what the scheduler does, for the logs. */
  readonly report?: (event: DailySchedulerEvent) => void;
}

export interface QueuedDay {
  readonly tenant: Tenant;
  readonly localDate: IsoDate;
  readonly kind: RunKind;
  readonly why: QueueReason;
}

export interface TickReport {
  /** Days sent to the queue by this tick. */
  readonly queued: readonly QueuedDay[];
  /** Due days whose job was already queued or running (the singleton key refused a second one). */
  readonly alreadyQueued: number;
  /** Tenants whose day was not queued, by reason. */
  readonly waiting: Readonly<Record<WaitReason, number>>;
}

export type DailySchedulerEvent =
  | { readonly type: 'tick'; readonly report: TickReport }
  | { readonly type: 'run'; readonly attempt: number; readonly outcome: DailyJobOutcome }
  | { readonly type: 'run-failed'; readonly attempt: number; readonly error: unknown }
  | { readonly type: 'pruned'; readonly before: IsoDate; readonly rows: number };

export interface DailyScheduler {
  /** Queues every due day now; throws only when the database or the queue is unavailable. */
  tick(): Promise<TickReport>;
}

type TickDeps = Pick<ScheduleDailyDeps, 'installations' | 'ledger' | 'queue' | 'clock' | 'runAtMinutes'> & {
  readonly queueName?: string;
};

const jobData = (day: DailyJob): Record<string, unknown> => ({
  tenant: { crm: day.tenant.crm, accountId: day.tenant.accountId },
  localDate: day.localDate,
  kind: day.kind,
});

export async function scheduleTick(deps: TickDeps): Promise<TickReport> {
  const now = deps.clock.now();
  const waiting: Record<WaitReason, number> = {
    'before-run-time': 0,
    done: 0,
    running: 0,
    'failed-cooling-down': 0,
    'attempts-spent': 0,
  };
  const installations = await deps.installations.listInstallations({ activeOnly: true });
  const tenants = installations.map((i) => ({ tenant: i.tenant, timeZone: i.timeZone }));
  const dates = localDates(now, tenants);
  if (dates.length === 0) return { queued: [], alreadyQueued: 0, waiting };
  const runs = await deps.ledger.runsSince(dates.reduce(minDate));
  const input = {
    now,
    runAtMinutes: deps.runAtMinutes,
    tenants,
    runs,
    lastFullRuns: new Map<string, IsoDate>(),
  };
  let decisions = decideDailyRuns(input);
  // Most ticks queue nothing; the last full runs (a scan of the ledger) matter only to the kind of those queued.
  if (decisions.some((d) => d.action === 'queue'))
    decisions = decideDailyRuns({ ...input, lastFullRuns: await deps.ledger.lastFullRuns() });
  const queued: QueuedDay[] = [];
  let alreadyQueued = 0;
  for (const decision of decisions) {
    if (decision.action === 'wait') {
      waiting[decision.why]++;
      continue;
    }
    const { tenant, localDate, kind, why } = decision;
    const id = await deps.queue.send(deps.queueName ?? DAILY_QUEUE.name, jobData(decision), {
      singletonKey: dailyJobKey(tenant, localDate),
    });
    if (id === null) alreadyQueued++;
    else queued.push({ tenant, localDate, kind, why });
  }
  return { queued, alreadyQueued, waiting };
}

/** Why an operator's request for a run now was refused. */
export interface DailyRunRequestError {
  readonly code: 'NOT_INSTALLED' | 'ALREADY_DONE' | 'ALREADY_QUEUED';
  readonly message: string;
}

/**
 * The day an operator's "run now" is for: the tenant's current local day (whatever the run time), as a full
 * run when asked or when the rules say so. Refused when the tenant is not installed or its day is done.
 */
export async function planDailyRun(
  deps: Pick<ScheduleDailyDeps, 'installations' | 'ledger' | 'clock'>,
  tenant: Tenant,
  options: { readonly full?: boolean } = {},
): Promise<Result<DailyJob, DailyRunRequestError>> {
  const installation = await deps.installations.getInstallation(tenant);
  if (installation?.status.state !== 'active')
    return err({ code: 'NOT_INSTALLED', message: `${tenantKey(tenant)} has no active installation` });
  const localDate = localTime(deps.clock.now(), installation.timeZone).date;
  const [runs, lastFullRuns] = await Promise.all([
    deps.ledger.runsSince(localDate),
    deps.ledger.lastFullRuns(),
  ]);
  const row = runs.find((r) => r.localDate === localDate && tenantKey(r.tenant) === tenantKey(tenant));
  if (row?.status === 'done')
    return err({
      code: 'ALREADY_DONE',
      message: `the ${row.kind} run of ${tenantKey(tenant)} for ${localDate} is done; a day runs once (a reprojection can be run by hand)`,
    });
  const kind = options.full === true ? 'full' : dailyKind(localDate, lastFullRuns.get(tenantKey(tenant)));
  return ok({ tenant, localDate, kind });
}

/** Queues the tenant's current day now (see planDailyRun); the job's id. */
export async function requestDailyRun(
  deps: Pick<ScheduleDailyDeps, 'installations' | 'ledger' | 'clock' | 'queue'>,
  tenant: Tenant,
  options: { readonly full?: boolean } = {},
): Promise<Result<DailyJob & { readonly jobId: string }, DailyRunRequestError>> {
  const planned = await planDailyRun(deps, tenant, options);
  if (!planned.ok) return planned;
  const day = planned.value;
  const jobId = await deps.queue.send(DAILY_QUEUE.name, jobData(day), {
    singletonKey: dailyJobKey(day.tenant, day.localDate),
  });
  if (jobId === null)
    return err({
      code: 'ALREADY_QUEUED',
      message: `a run of ${tenantKey(tenant)} for ${day.localDate} is already queued or running`,
    });
  return ok({ ...day, jobId });
}

/**
 * Creates the queue and starts this instance's workers on it; the caller ticks (at start, then on a timer).
 * Each tick also prunes ledger rows older than KEEP_RUNS_DAYS, once a day per instance.
 */
export async function startDailyScheduler(deps: ScheduleDailyDeps): Promise<DailyScheduler> {
  const definition = deps.queueDefinition ?? DAILY_QUEUE;
  await deps.queue.createQueue(definition);
  await deps.queue.work(definition.name, async (job) => {
    try {
      const outcome = await runDailyJob(deps, job.data);
      deps.report?.({ type: 'run', attempt: job.attempt, outcome });
    } catch (error) {
      deps.report?.({ type: 'run-failed', attempt: job.attempt, error });
      // The engine retries the job with backoff (or, once the retries are spent, leaves it failed).
      throw error;
    }
  });
  let prunedOn: IsoDate | undefined;
  return {
    async tick() {
      const report = await scheduleTick({ ...deps, queueName: definition.name });
      deps.report?.({ type: 'tick', report });
      const today = calendarDay(deps.clock.now(), undefined);
      if (prunedOn !== today) {
        const before = addDays(today, -KEEP_RUNS_DAYS);
        const rows = await deps.ledger.pruneBefore(before);
        prunedOn = today;
        if (rows > 0) deps.report?.({ type: 'pruned', before, rows });
      }
      return report;
    },
  };
}
