/**
 * The rules of the daily runs, pure: when a tenant's day is due, which kind of run it gets, and whether a
 * day already in the run ledger is queued again. functions/schedule-daily.ts applies them on every tick;
 * functions/run-daily.ts runs the queued days.
 *
 * - **When.** A tenant's day is due once its wall clock (its installation's IANA time zone, UTC until the zone
 *   was read) has passed the run time, 00:30 by default (DAILY_RUN_AT). Wall-clock minutes: on a day whose
 *   clocks skip the run time (a DST change forward), the first minute after the gap has passed it.
 * - **Only today.** A tenant's day is its local date now; days missed while no instance ran are not run one by
 *   one. Today's run covers them: the due index holds every plan whose next change is on or before today, and
 *   a full run projects every plan for today.
 * - **Kind.** `full` on Sunday (the tenant's local Sunday: a weekly pass that also catches anything the index
 *   missed) and for a tenant that never completed a full run (its first run after the upgrade seeds the index);
 *   `due` on the other days.
 * - **Once.** A day with a ledger row is queued again only when its run died (a `running` row whose lease
 *   lapsed) or failed. A failed day is first retried by the job's own retries (backoff); once those are spent it
 *   is queued again by a tick only an hour after its last attempt, and not after MAX_ATTEMPTS_PER_DAY attempts:
 *   a tenant that keeps failing costs a few attempts an hour, and its next day starts afresh.
 */
import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../src/domain/dates.js';
import { localTime, SUNDAY, weekdayOf } from '../src/domain/local-time.js';
import { tenantKey, tenantSchema, type Tenant } from '../src/domain/model.js';
import type { Result } from '../src/domain/result.js';
import type { QueueDefinition } from '../src/ports/jobs.js';
import { RUN_KINDS, type RunError, type RunKind, type TenantRun } from '../src/ports/run-ledger.js';

/** The queue of daily runs: a run that fails is retried after 1, 2 and 4 minutes (about: engines add jitter). */
export const DAILY_QUEUE: QueueDefinition = {
  name: 'daily-tenant-run',
  retry: { retryLimit: 3, retryDelayMs: 60_000, retryDelayMaxMs: 15 * 60_000 },
  concurrency: 2,
  // A full run of a very large tenant at its CRM's rate limit takes a while; past this it is failed.
  timeoutMs: 6 * 60 * 60_000,
};

/** A running day whose attempt gave no sign of life for this long was lost with its instance. */
export const RUN_LEASE_MS = 10 * 60_000;
/** How often a running day renews its lease. */
export const HEARTBEAT_EVERY_MS = 60_000;
/** A failed day whose retries are spent is queued again no sooner than this after its last attempt. */
export const FAILED_DAY_COOLDOWN_MS = 60 * 60_000;
/** After this many attempts a day is left failed; the tenant's next day starts afresh. */
export const MAX_ATTEMPTS_PER_DAY = 12;
export const WEEKLY_FULL_WEEKDAY = SUNDAY;
/** Ledger rows older than this many days are pruned. */
export const KEEP_RUNS_DAYS = 90;

/** A failure of the run itself: a closed code of whoever failed and a sentence for an operator. */
export type DailyRunError = RunError;

/**
 * The run of one tenant's day, injected: what the day's work is (the reprojection of its plans) is not the
 * scheduler's business. The report (JSON) is kept in the ledger; an error fails the attempt (retried).
 */
export type DailyRunHandler = (
  tenant: Tenant,
  localDate: IsoDate,
  kind: RunKind,
) => Promise<Result<unknown, DailyRunError>>;

/** A queued day, as the job carries it. */
export const dailyJobSchema = z.strictObject({
  tenant: tenantSchema,
  localDate: z.string().refine(isIsoDate, 'a YYYY-MM-DD date'),
  kind: z.enum(RUN_KINDS),
});
export type DailyJob = z.infer<typeof dailyJobSchema>;

/** The job's singleton key: one job per tenant and day queued or running, on every instance. */
export const dailyJobKey = (tenant: Tenant, localDate: IsoDate): string =>
  `${tenantKey(tenant)}:${localDate}`;

/** An active tenant as the scheduler sees it. */
export interface ScheduledTenant {
  readonly tenant: Tenant;
  /** IANA time zone; null until read (then the tenant's day is UTC's). */
  readonly timeZone: string | null;
}

export function dailyKind(localDate: IsoDate, lastFullRun: IsoDate | undefined): RunKind {
  return lastFullRun === undefined || weekdayOf(localDate) === WEEKLY_FULL_WEEKDAY ? 'full' : 'due';
}

export type QueueReason = 'new-day' | 'failed-before' | 'lease-lapsed';
export type WaitReason = 'before-run-time' | 'done' | 'running' | 'failed-cooling-down' | 'attempts-spent';

export type DailyDecision =
  | {
      readonly action: 'queue';
      readonly tenant: Tenant;
      readonly localDate: IsoDate;
      readonly kind: RunKind;
      readonly why: QueueReason;
    }
  | {
      readonly action: 'wait';
      readonly tenant: Tenant;
      readonly localDate: IsoDate;
      readonly why: WaitReason;
    };

export interface DecideInput {
  readonly now: number;
  /** Minutes after local midnight from which a tenant's day is due. */
  readonly runAtMinutes: number;
  readonly tenants: readonly ScheduledTenant[];
  /** The ledger's rows of the tenants' current days (more rows are ignored). */
  readonly runs: readonly TenantRun[];
  /** Per tenant (tenantKey), the latest day a full run completed. */
  readonly lastFullRuns: ReadonlyMap<string, IsoDate>;
}

/** The tenants' current local dates (the ledger rows a decision needs are those on or after the earliest). */
export const localDates = (now: number, tenants: readonly ScheduledTenant[]): IsoDate[] =>
  tenants.map((t) => localTime(now, t.timeZone).date);

/** For each tenant, whether its current day is queued now, and why (or why not). */
export function decideDailyRuns(input: DecideInput): DailyDecision[] {
  const { now } = input;
  const rows = new Map(input.runs.map((r) => [dailyJobKey(r.tenant, r.localDate), r]));
  return input.tenants.map((t): DailyDecision => {
    const { tenant } = t;
    const local = localTime(now, t.timeZone);
    const localDate = local.date;
    const wait = (why: WaitReason): DailyDecision => ({ action: 'wait', tenant, localDate, why });
    const queue = (why: QueueReason): DailyDecision => ({
      action: 'queue',
      tenant,
      localDate,
      kind: dailyKind(localDate, input.lastFullRuns.get(tenantKey(tenant))),
      why,
    });
    if (local.minuteOfDay < input.runAtMinutes) return wait('before-run-time');
    const row = rows.get(dailyJobKey(tenant, localDate));
    if (!row) return queue('new-day');
    switch (row.status) {
      case 'done':
        return wait('done');
      case 'running':
        return now - row.heartbeatAt >= RUN_LEASE_MS ? queue('lease-lapsed') : wait('running');
      case 'failed':
        if (row.attempts >= MAX_ATTEMPTS_PER_DAY) return wait('attempts-spent');
        return now - (row.finishedAt ?? row.startedAt) < FAILED_DAY_COOLDOWN_MS
          ? wait('failed-cooling-down')
          : queue('failed-before');
    }
  });
}
