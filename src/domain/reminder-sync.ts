/**
 * What to do to a deal's reminders: the plan's reminders (reminders.ts) against the ones recorded as made in
 * the CRM. Pure; the use case (functions/sync-reminders.ts) carries the plan out and records it.
 *
 * The rules, per step:
 * - an open step with a CRM user as seller owner, due within the window (or overdue), and no reminder yet:
 *   create one;
 * - such a step with a reminder: keep it in step with the plan (owner, due date, title) wherever the date
 *   has moved, later or not — a reminder once made follows its step until the step is closed;
 * - a step done or skipped: complete its reminder (reopened, with the step, if the step opens again while
 *   due within the window);
 * - a step removed, the plan deleted, or an open step no longer owned by a CRM user on the seller's side:
 *   delete its reminder (completed ones too, for a removed step: they name a step the plan no longer has);
 * - a reminder someone deleted in the CRM is not made again for that step (recorded as dismissed);
 * - reminders turned off for the account: delete the open ones, leave the completed ones as they are (they
 *   are history), and forget both.
 * A reminder being created (its claim recorded, its id not yet) is left alone here: the use case resolves
 * it first.
 */
import type { IsoDate } from './dates.js';
import { isOpen, type Plan } from './model.js';
import { firstOfEachId, reminderWindowEnd, trackedReminders, type Reminder } from './reminders.js';

export const REMINDER_STATES = ['creating', 'open', 'completed'] as const;
export type ReminderState = (typeof REMINDER_STATES)[number];

/** A reminder as recorded for one step of one deal. */
export interface RecordedReminder {
  readonly milestoneId: string;
  /** The CRM's id of the to-do; null while it is being created, or once someone deleted it in the CRM. */
  readonly taskId: string | null;
  readonly ownerId: string;
  readonly dueDate: IsoDate;
  readonly title: string;
  readonly state: ReminderState;
  /** When the record last changed (ms since the epoch): how old a claim to create is. */
  readonly updatedAt: number;
}

/** Recorded and done: a completed record without a to-do (someone deleted it in the CRM). */
export const isDismissed = (r: RecordedReminder): boolean => r.state === 'completed' && r.taskId === null;

export interface ReminderUpdate {
  readonly recorded: RecordedReminder & { readonly taskId: string };
  readonly reminder: Reminder;
  /** The to-do was completed (its step had been closed) and is to be opened again. */
  readonly reopen: boolean;
}

export interface ReminderChanges {
  readonly create: readonly Reminder[];
  readonly update: readonly ReminderUpdate[];
  /** Open to-dos whose step is done or skipped. */
  readonly complete: readonly (RecordedReminder & { readonly taskId: string })[];
  /** To-dos to delete in the CRM, and forget. */
  readonly remove: readonly (RecordedReminder & { readonly taskId: string })[];
  /** Records to drop without a CRM call. */
  readonly forget: readonly RecordedReminder[];
}

export const noReminderChanges = (c: ReminderChanges): boolean =>
  c.create.length + c.update.length + c.complete.length + c.remove.length + c.forget.length === 0;

const withTask = (r: RecordedReminder): r is RecordedReminder & { readonly taskId: string } =>
  r.taskId !== null;

const differs = (r: RecordedReminder, want: Reminder): boolean =>
  r.ownerId !== want.ownerId || r.dueDate !== want.dueDate || r.title !== want.title;

/**
 * The changes that bring the recorded reminders of a deal to what `plan` (null: the deal has no plan any
 * more) wants on `today`. With `enabled` false, the account has turned reminders off.
 */
export function reminderChanges(
  plan: Plan | null,
  today: IsoDate,
  recorded: readonly RecordedReminder[],
  enabled: boolean,
): ReminderChanges {
  const create: Reminder[] = [];
  const update: ReminderUpdate[] = [];
  const complete: (RecordedReminder & { taskId: string })[] = [];
  const remove: (RecordedReminder & { taskId: string })[] = [];
  const forget: RecordedReminder[] = [];
  const settled = recorded.filter((r) => r.state !== 'creating');

  if (!enabled) {
    for (const r of settled) {
      if (r.state === 'open' && withTask(r)) remove.push(r);
      else forget.push(r);
    }
    return { create, update, complete, remove, forget };
  }

  const steps = new Map(firstOfEachId(plan?.milestones ?? []).map((m) => [m.id, m]));
  const tracked = new Map(plan === null ? [] : trackedReminders(plan).map((r) => [r.milestoneId, r]));
  const byStep = new Map(recorded.map((r) => [r.milestoneId, r]));
  const end = reminderWindowEnd(today);

  for (const r of settled) {
    const step = steps.get(r.milestoneId);
    const want = tracked.get(r.milestoneId);
    if (step === undefined) {
      // The step (or the whole plan) is gone.
      if (withTask(r)) remove.push(r);
      else forget.push(r);
    } else if (!isOpen(step)) {
      if (r.state === 'open' && withTask(r)) complete.push(r);
    } else if (want === undefined) {
      // Open, but no seller owner who is a CRM user any more: nobody to remind.
      if (r.state === 'open' && withTask(r)) remove.push(r);
    } else if (withTask(r)) {
      if (r.state === 'open' && differs(r, want)) update.push({ recorded: r, reminder: want, reopen: false });
      else if (r.state === 'completed' && want.dueDate <= end)
        update.push({ recorded: r, reminder: want, reopen: true });
    }
  }
  for (const want of tracked.values()) {
    if (want.dueDate <= end && !byStep.has(want.milestoneId)) create.push(want);
  }
  return { create, update, complete, remove, forget };
}
