/**
 * The reminders as the rest of the app calls them (FunctionDeps.reminders): after a save, after each page of
 * the daily run, after a plan was deleted. Each runs functions/sync-reminders.ts under the deal's lock and
 * never fails its caller: what happened is reported as events (the composition root logs them), and a tenant
 * for which nothing can be done (no permission to write to-dos, not installed) is reported once.
 */
import { calendarDay, type IsoDate } from '../src/domain/dates.js';
import { tenantKey, tenantOf, type DealRef, type Plan, type Tenant } from '../src/domain/model.js';
import { noReminderChanges, reminderChanges, type RecordedReminder } from '../src/domain/reminder-sync.js';
import { err, ok, type Result } from '../src/domain/result.js';
import type { DealLocks } from '../src/ports/deal-locks.js';
import type { ScannedPlan } from '../src/ports/plan-scan.js';
import type { PlanStore } from '../src/ports/plan-store.js';
import {
  EMPTY_REMINDER_REPORT,
  hasStaleClaims,
  syncReminders,
  syncWithAccess,
  type ReminderAccess,
  type ReminderSyncDeps,
  type ReminderSyncFailure,
  type ReminderSyncReport,
} from './sync-reminders.js';

/** What the sync reports, for the log (the composition root maps it to log lines). */
export type ReminderEvent =
  | { readonly kind: 'synced'; readonly deal: DealRef; readonly report: ReminderSyncReport }
  | {
      readonly kind: 'failed';
      readonly deal: DealRef;
      readonly code: string;
      readonly message: string;
      readonly details?: readonly string[];
    }
  /** Once per tenant (and again after it was available in between): why nothing is done for it. */
  | { readonly kind: 'unavailable'; readonly tenant: Tenant; readonly reason: string };

export interface ReminderSync {
  /**
   * After a save of `plan`, by a caller that holds the deal's lock. Never fails the save: a failure is
   * reported as an event, and the daily run (or the next save) tries again.
   */
  planSaved(plan: Plan, today: IsoDate): Promise<void>;
  /**
   * After the daily run read a page of a tenant's plans: the deals whose reminders need a change (a step
   * entered the window) are synced, each under its lock and from its plan read again there (the page may be
   * older than a save made since). Deals that need nothing cost no CRM call.
   */
  afterPlans(tenant: Tenant, plans: readonly ScannedPlan[], today: IsoDate): Promise<void>;
  /** After a deal's plan was deleted (the deal was deleted or merged away): its reminders go too. */
  planRemoved(deal: DealRef): Promise<void>;
}

export interface ReminderSyncOptions extends ReminderSyncDeps {
  readonly plans: PlanStore;
  readonly locks: DealLocks;
  readonly onEvent: (event: ReminderEvent) => void;
}

/** A sync's outcome as the ReminderSync reports it: a failure may also be a lock wait or a plan read. */
type SyncOutcome = Result<
  ReminderSyncReport,
  ReminderSyncFailure | { readonly code: string; readonly message: string }
>;

export function reminderSync(options: ReminderSyncOptions): ReminderSync {
  const told = new Set<string>();
  const report = (deal: DealRef, result: SyncOutcome): void => {
    if (!result.ok) {
      const { code, message } = result.error;
      const details = 'details' in result.error ? result.error.details : undefined;
      options.onEvent({ kind: 'failed', deal, code, message, ...(details ? { details } : {}) });
      return;
    }
    const key = tenantKey(tenantOf(deal));
    if (result.value.unavailable !== undefined) {
      if (!told.has(key))
        options.onEvent({ kind: 'unavailable', tenant: tenantOf(deal), reason: result.value.unavailable });
      told.add(key);
      return;
    }
    told.delete(key);
    const { unavailable: _none, ...counts } = result.value;
    if (Object.values(counts).some((n) => n > 0))
      options.onEvent({ kind: 'synced', deal, report: result.value });
  };
  /** Reminders never fail their caller: an exception (the database is down) becomes an event. */
  const guarded = async (deal: DealRef, run: () => Promise<SyncOutcome>): Promise<void> => {
    try {
      report(deal, await run());
    } catch (error) {
      // Infrastructure (the database or the CRM client threw): reported, and retried by the next run.
      report(
        deal,
        err({ code: 'REMINDERS_CRASHED', message: error instanceof Error ? error.message : String(error) }),
      );
    }
  };
  /** The deal's plan as it is now, under the lock the caller holds (null when it has none, or the deal is gone). */
  const reload = async (deal: DealRef): Promise<Result<Plan | null, { code: string; message: string }>> => {
    const loaded = await options.plans.load(deal);
    if (loaded.ok) return ok(loaded.value?.plan ?? null);
    return loaded.error.code === 'DEAL_NOT_FOUND' ? ok(null) : err(loaded.error);
  };
  const lockedSync = (deal: DealRef, access: ReminderAccess, today: IsoDate): Promise<SyncOutcome> =>
    options.locks.run(deal, async (): Promise<SyncOutcome> => {
      const plan = await reload(deal);
      return plan.ok ? syncWithAccess(options, access, deal, plan.value, today) : err(plan.error);
    });

  return {
    planSaved: (plan, today) => guarded(plan.deal, () => syncReminders(options, plan.deal, plan, today)),

    async afterPlans(tenant, plans, today) {
      if (plans.length === 0) return;
      let access: ReminderAccess;
      let recorded: Map<string, RecordedReminder[]>;
      try {
        access = await options.access(tenant);
        recorded =
          access.state === 'unavailable'
            ? new Map<string, RecordedReminder[]>()
            : await options.store.listForDeals(
                tenant,
                plans.map((p) => p.deal.dealId),
              );
      } catch (error) {
        // The installation or reminder database failed: reported once for the page; the next run retries.
        const first = plans[0];
        if (first)
          report(
            first.deal,
            err({
              code: 'REMINDERS_CRASHED',
              message: error instanceof Error ? error.message : String(error),
            }),
          );
        return;
      }
      if (access.state === 'unavailable') {
        const first = plans[0];
        if (first) report(first.deal, ok({ ...EMPTY_REMINDER_REPORT, unavailable: access.reason }));
        return;
      }
      const now = options.clock.now();
      for (const scanned of plans) {
        const rows = recorded.get(scanned.deal.dealId) ?? [];
        const idle =
          !hasStaleClaims(rows, now) &&
          noReminderChanges(reminderChanges(scanned.plan, today, rows, access.state === 'on'));
        if (!idle) await guarded(scanned.deal, () => lockedSync(scanned.deal, access, today));
      }
    },

    planRemoved: (deal) =>
      guarded(deal, async () => {
        const access = await options.access(tenantOf(deal));
        // The window plays no part without a plan: any day will do.
        const today = calendarDay(options.clock.now(), undefined);
        return options.locks.run(deal, () => syncWithAccess(options, access, deal, null, today));
      }),
  };
}
