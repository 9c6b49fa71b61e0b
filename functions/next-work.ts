/**
 * The date the next-change index records for a plan (src/ports/plan-schedule.ts): the first day after
 * `today` on which the daily pass has work to do on it with nobody editing it, or null when it never will.
 * Today that is the day its forecast fields change by themselves (src/domain/next-change.ts); work that other
 * dates bring (a reminder falling due) joins here as the earliest of the dates, so that every writer of the
 * index (a save, the daily pass, the full pass) records the same date.
 */
import type { IsoDate } from '../src/domain/dates.js';
import type { Plan } from '../src/domain/model.js';
import { nextChangeDate } from '../src/domain/next-change.js';

export function nextWorkDate(plan: Plan, today: IsoDate): IsoDate | null {
  return nextChangeDate(plan, today);
}
