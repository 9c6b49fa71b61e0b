/**
 * sync-reminders: keeps a deal's reminder to-dos in the CRM in step with its plan (src/domain/reminders.ts,
 * reminder-sync.ts). Run after every save of a plan (editPlan, under the deal's lock), and by the daily run
 * for the plans it reads (a step enters the two-working-day window without any edit).
 *
 * Idempotent across runs and instances. Every writer of a deal's reminders holds the deal's lock (DealLocks);
 * on top of that, a to-do is created only after its creation was claimed in the ReminderStore (a record
 * written only where none exists), and its id is recorded right after. A claim older than CLAIM_LEASE_MS
 * belongs to a run that did not finish: it is taken over (compare-and-set), and the deal's to-dos are searched
 * for the step's marker before anything is created again, so a crash between the CRM call and the record
 * makes no duplicate. A claim younger than that is left to whoever holds it.
 *
 * Cheap path: when the recorded reminders already are what the plan wants, there is no CRM call at all.
 * Turned off for the account: open reminders are deleted (completed ones are left in the CRM as history) and
 * none is made. Without the CRM permission to write to-dos nothing is done (the caller reports why once).
 */
import type { IsoDate } from '../src/domain/dates.js';
import { tenantOf, type DealRef, type Plan, type Tenant } from '../src/domain/model.js';
import {
  noReminderChanges,
  reminderChanges,
  type RecordedReminder,
  type ReminderChanges,
} from '../src/domain/reminder-sync.js';
import { reminderDueAt, type Reminder } from '../src/domain/reminders.js';
import { err, ok, type Result } from '../src/domain/result.js';
import type { CrmError } from '../src/ports/crm-error.js';
import { inBatches, type CrmTasks, type ReminderTaskContent } from '../src/ports/crm-tasks.js';
import type { ReminderRecord, ReminderStore } from '../src/ports/reminder-store.js';

/** How long a claim to create a to-do is its holder's; after that, its run is taken to have died. */
export const CLAIM_LEASE_MS = 2 * 60_000;

/** Whether reminders are made for a tenant now, and in which calendar their due times fall. */
export type ReminderAccess =
  | { readonly state: 'on'; readonly timeZone: string | null }
  /** An admin turned them off: open ones are deleted, none is made. */
  | { readonly state: 'off' }
  /** Nothing can be done (not installed, or no permission to write to-dos): why, for an admin. */
  | { readonly state: 'unavailable'; readonly reason: string };

export interface ReminderSyncDeps {
  readonly tasks: CrmTasks;
  readonly store: ReminderStore;
  readonly clock: { now(): number };
  readonly access: (tenant: Tenant) => Promise<ReminderAccess>;
}

export interface ReminderSyncReport {
  readonly created: number;
  readonly updated: number;
  readonly completed: number;
  readonly deleted: number;
  /** To-dos made by a run that did not record them, found by their marker and recorded now. */
  readonly adopted: number;
  /** To-dos someone deleted in the CRM: not made again for their step. */
  readonly dismissed: number;
  /** Records dropped without a CRM call. */
  readonly forgotten: number;
  /** Set when nothing could be done for the tenant (ReminderAccess 'unavailable'). */
  readonly unavailable?: string;
}

/** A CRM call failed; what was done before and after it is in `report` (the next run retries the rest). */
export type ReminderSyncFailure = CrmError & { readonly report: ReminderSyncReport };

export const EMPTY_REMINDER_REPORT: ReminderSyncReport = {
  created: 0,
  updated: 0,
  completed: 0,
  deleted: 0,
  adopted: 0,
  dismissed: 0,
  forgotten: 0,
};

/** A CRM error that says the request was refused, so nothing was created (else the outcome is unknown). */
const refusedWhole = (e: CrmError): boolean => e.code !== 'CRM_UNAVAILABLE' && e.code !== 'CRM_BAD_RESPONSE';

type Counts = { -readonly [K in Exclude<keyof ReminderSyncReport, 'unavailable'>]: number };

export const hasStaleClaims = (recorded: readonly RecordedReminder[], now: number): boolean =>
  recorded.some((r) => r.state === 'creating' && now - r.updatedAt >= CLAIM_LEASE_MS);

/** Brings the deal's reminders to what `plan` (null: the deal has no plan any more) wants on `today`. */
export async function syncReminders(
  deps: ReminderSyncDeps,
  deal: DealRef,
  plan: Plan | null,
  today: IsoDate,
): Promise<Result<ReminderSyncReport, ReminderSyncFailure>> {
  return syncWithAccess(deps, await deps.access(tenantOf(deal)), deal, plan, today);
}

export async function syncWithAccess(
  deps: ReminderSyncDeps,
  access: ReminderAccess,
  deal: DealRef,
  plan: Plan | null,
  today: IsoDate,
): Promise<Result<ReminderSyncReport, ReminderSyncFailure>> {
  if (access.state === 'unavailable') return ok({ ...EMPTY_REMINDER_REPORT, unavailable: access.reason });
  const counts: Counts = { ...EMPTY_REMINDER_REPORT };
  const failed = (e: CrmError): Result<never, ReminderSyncFailure> => err({ ...e, report: { ...counts } });
  const now = deps.clock.now();
  let recorded = await deps.store.list(deal);
  if (hasStaleClaims(recorded, now)) {
    const resolved = await resolveClaims(deps, deal, recorded, now, counts);
    if (!resolved.ok) return failed(resolved.error);
    recorded = await deps.store.list(deal);
  }
  const changes = reminderChanges(plan, today, recorded, access.state === 'on');
  if (noReminderChanges(changes)) return ok(counts);
  const timeZone = access.state === 'on' ? access.timeZone : null;
  const error = await apply(deps, deal, changes, timeZone, now, counts);
  return error ? failed(error) : ok(counts);
}

/**
 * Claims left by runs that did not finish: each is taken over (unless another run just did), and the deal's
 * to-dos are searched for its marker. A found to-do is recorded (any duplicate deleted); a claim whose to-do
 * was never made is dropped, so that the changes that follow make it.
 */
async function resolveClaims(
  deps: ReminderSyncDeps,
  deal: DealRef,
  recorded: readonly RecordedReminder[],
  now: number,
  counts: Counts,
): Promise<Result<void, CrmError>> {
  const taken: RecordedReminder[] = [];
  for (const r of recorded) {
    if (r.state !== 'creating' || now - r.updatedAt < CLAIM_LEASE_MS) continue;
    if (await deps.store.retake(deal, r.milestoneId, r.updatedAt, now)) taken.push(r);
  }
  if (taken.length === 0) return ok(undefined);
  const found = await deps.tasks.findReminderTasks(
    deal,
    taken.map((r) => r.milestoneId),
  );
  if (!found.ok) return found;
  const adopt: ReminderRecord[] = [];
  const duplicates: string[] = [];
  const notMade: string[] = [];
  for (const claim of taken) {
    const [first, ...extra] = found.value.filter((f) => f.milestoneId === claim.milestoneId);
    if (!first) notMade.push(claim.milestoneId);
    else {
      adopt.push({ ...recordOf(claim), taskId: first.taskId, state: 'open' });
      duplicates.push(...extra.map((f) => f.taskId));
    }
  }
  await deps.store.save(deal, adopt, now);
  await deps.store.forget(deal, notMade);
  counts.adopted += adopt.length;
  if (duplicates.length > 0) {
    const deleted = await deleteTasks(deps, deal, duplicates);
    if (!deleted.ok) return deleted;
    counts.deleted += duplicates.length;
  }
  return ok(undefined);
}

const recordOf = (r: RecordedReminder): ReminderRecord => ({
  milestoneId: r.milestoneId,
  taskId: r.taskId,
  ownerId: r.ownerId,
  dueDate: r.dueDate,
  title: r.title,
  state: r.state,
});

const fields = (r: Reminder): Pick<ReminderRecord, 'ownerId' | 'dueDate' | 'title'> => ({
  ownerId: r.ownerId,
  dueDate: r.dueDate,
  title: r.title,
});

async function deleteTasks(
  deps: ReminderSyncDeps,
  deal: DealRef,
  ids: readonly string[],
): Promise<Result<void, CrmError>> {
  for (const batch of inBatches(ids, deps.tasks.batchLimit)) {
    const res = await deps.tasks.delete(deal, batch);
    if (!res.ok) return res;
  }
  return ok(undefined);
}

/** Carries the changes out, group by group; returns the first CRM error (the other groups still run). */
async function apply(
  deps: ReminderSyncDeps,
  deal: DealRef,
  changes: ReminderChanges,
  timeZone: string | null,
  now: number,
  counts: Counts,
): Promise<CrmError | undefined> {
  const { tasks, store } = deps;
  const content = (r: Reminder): ReminderTaskContent => ({
    milestoneId: r.milestoneId,
    ownerId: r.ownerId,
    dueAt: reminderDueAt(r.dueDate, timeZone),
    title: r.title,
    body: r.body,
  });
  let firstError: CrmError | undefined;
  const keep = (e: CrmError): void => {
    firstError ??= e;
  };

  for (const batch of inBatches(changes.remove, tasks.batchLimit)) {
    const res = await tasks.delete(
      deal,
      batch.map((r) => r.taskId),
    );
    if (!res.ok) keep(res.error);
    else {
      await store.forget(
        deal,
        batch.map((r) => r.milestoneId),
      );
      counts.deleted += batch.length;
    }
  }
  if (changes.forget.length > 0) {
    await store.forget(
      deal,
      changes.forget.map((r) => r.milestoneId),
    );
    counts.forgotten += changes.forget.length;
  }

  for (const batch of inBatches(changes.complete, tasks.batchLimit)) {
    const res = await tasks.complete(
      deal,
      batch.map((r) => r.taskId),
    );
    if (!res.ok) {
      keep(res.error);
      continue;
    }
    const gone = new Set(res.value.missing);
    await store.save(
      deal,
      batch.map((r) => ({
        ...recordOf(r),
        state: 'completed',
        taskId: gone.has(r.taskId) ? null : r.taskId,
      })),
      now,
    );
    counts.completed += batch.length - gone.size;
    counts.dismissed += gone.size;
  }

  for (const batch of inBatches(changes.update, tasks.batchLimit)) {
    const res = await tasks.update(
      deal,
      batch.map((u) => ({ taskId: u.recorded.taskId, content: content(u.reminder), reopen: u.reopen })),
    );
    if (!res.ok) {
      keep(res.error);
      continue;
    }
    const gone = new Set(res.value.missing);
    await store.save(
      deal,
      batch.map((u) =>
        gone.has(u.recorded.taskId)
          ? { ...recordOf(u.recorded), state: 'completed', taskId: null }
          : { ...recordOf(u.recorded), ...fields(u.reminder), state: 'open' },
      ),
      now,
    );
    counts.updated += batch.length - gone.size;
    counts.dismissed += gone.size;
  }

  if (changes.create.length > 0) {
    const claimed = new Set(
      await store.claim(
        deal,
        changes.create.map((r) => ({ milestoneId: r.milestoneId, ...fields(r) })),
        now,
      ),
    );
    const mine = changes.create.filter((r) => claimed.has(r.milestoneId));
    for (const batch of inBatches(mine, tasks.batchLimit)) {
      const res = await tasks.create(deal, batch.map(content));
      if (!res.ok) {
        keep(res.error);
        // Refused whole: nothing was made, so the claims go and the next run tries again. Otherwise the
        // outcome is unknown: the claims stay, and once their lease is over the marker search settles them.
        if (refusedWhole(res.error))
          await store.forget(
            deal,
            batch.map((r) => r.milestoneId),
          );
        continue;
      }
      const byStep = new Map(batch.map((r) => [r.milestoneId, r]));
      const made: ReminderRecord[] = [];
      for (const c of res.value.created) {
        const r = byStep.get(c.milestoneId);
        if (r) made.push({ milestoneId: r.milestoneId, ...fields(r), taskId: c.taskId, state: 'open' });
      }
      await store.save(deal, made, now);
      counts.created += made.length;
      if (res.value.refused.length > 0) {
        await store.forget(
          deal,
          res.value.refused.map((r) => r.milestoneId),
        );
        keep({
          code: 'CRM_VALIDATION',
          message: 'The CRM refused some reminder to-dos.',
          status: 207,
          details: res.value.refused.slice(0, 10).map((r) => `step ${r.milestoneId}: ${r.reason}`),
        });
      }
    }
  }
  return firstError;
}
