/**
 * The date the next-change index records for a plan (src/ports/plan-schedule.ts): the first day after
 * `today` on which the daily pass has work to do on it with nobody editing it, or null when it never will.
 * That is the earliest of the day its forecast fields change by themselves (src/domain/next-change.ts) and the
 * day a step falls into the reminder window (src/domain/reminders.ts), so that every writer of the index (a
 * save, the daily pass, the full pass) records the same date. The reminder date counts whether or not the
 * tenant has reminders on: a plan read for it alone costs one batch read, and a setting turned on later
 * finds the index already right.
 */
import type { IsoDate } from '../src/domain/dates.js';
import type { Plan } from '../src/domain/model.js';
import { nextChangeDate } from '../src/domain/next-change.js';
import { nextReminderDate } from '../src/domain/reminders.js';

export function nextWorkDate(plan: Plan, today: IsoDate): IsoDate | null {
  const dates = [nextChangeDate(plan, today), nextReminderDate(plan, today)].filter(
    (d): d is IsoDate => d !== null,
  );
  return dates.length === 0 ? null : dates.reduce((a, b) => (a <= b ? a : b));
}
