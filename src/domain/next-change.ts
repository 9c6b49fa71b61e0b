/**
 * The next change date: the earliest calendar day after `today` on which `project(plan, day)` differs from
 * `project(plan, today)` while nobody edits the plan; null when the calendar alone never changes it (up to
 * MAX_DATE, the last day a projection can be made for). The daily reprojection reads only the plans whose
 * date has come, so this must never be late; it is exact. docs/forecast.md, "When the fields change by
 * themselves", gives the rule.
 *
 * Why the days below are enough. With the plan fixed, only these parts of `project` read the calendar:
 * - overdue counts and "days overdue" (health): an open milestone becomes overdue on its due date + 1 and
 *   off track on its due date + 7 (HEALTH_THRESHOLDS);
 * - projected finishes, so the projected close date, the slip (projected close − baseline) and through them
 *   health and close probability: every finish is built from today and fixed dates by max, min and adding
 *   days, so the close's finish never decreases as days pass, and the slip changes only when it moves. The
 *   first day it moves is found by bisection (`project` reports it as `projectedCloseDate`);
 * - the phase of a plan with nothing open, which names the milestone completed last: a done milestone
 *   without a completion date is finished "today" until its due date, so the order of the finishes changes
 *   only on a fixed finish c (a completion date, or such a due date) or c + 1.
 * Close probability reads nothing else that moves. Every other field ignores the calendar. So the first day
 * the projection changes is among these candidates, and checking them in order with `project` is exact.
 */
import { addDays, daysBetween, MAX_DATE, type IsoDate } from './dates.js';
import { isOpen, type Plan } from './model.js';
import { HEALTH_THRESHOLDS, PROJECTION_FIELDS, project, type Projection } from './project.js';

const sameProjection = (a: Projection, b: Projection): boolean =>
  PROJECTION_FIELDS.every((field) => a[field] === b[field]);

/** The days after `today`, up to MAX_DATE, on which a field other than the projected close can change. */
function candidateDays(plan: Plan, today: IsoDate): IsoDate[] {
  const offsets = new Set<number>();
  const add = (date: IsoDate, days: number): void => {
    const offset = daysBetween(today, date) + days;
    if (offset > 0) offsets.add(offset);
  };
  for (const m of plan.milestones) {
    if (isOpen(m)) {
      add(m.dueDate, 1);
      add(m.dueDate, HEALTH_THRESHOLDS.offTrackOverdueDays);
    } else if (m.status === 'done') {
      const finish = m.completedDate ?? m.dueDate;
      add(finish, 0);
      add(finish, 1);
    }
  }
  const last = daysBetween(today, MAX_DATE);
  return [...offsets]
    .filter((offset) => offset <= last)
    .sort((a, b) => a - b)
    .map((offset) => addDays(today, offset));
}

/** The first day after `today` on which the projected close date moves, or null (it never moves back). */
function firstCloseMove(plan: Plan, today: IsoDate, base: Projection): IsoDate | null {
  const moved = (offset: number): boolean =>
    project(plan, addDays(today, offset)).projectedCloseDate !== base.projectedCloseDate;
  let high = daysBetween(today, MAX_DATE);
  if (high < 1 || !moved(high)) return null;
  // Invariant: moved(high), and not moved(low) (low = 0 is today itself).
  let low = 0;
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (moved(middle)) high = middle;
    else low = middle;
  }
  return addDays(today, high);
}

/**
 * The earliest day after `today` on which the plan's projection changes with no edit, or null when it never
 * does. Pure; calls `project` on O(milestones + log days) days.
 */
export function nextChangeDate(plan: Plan, today: IsoDate): IsoDate | null {
  const base = project(plan, today);
  const closeMove = firstCloseMove(plan, today, base);
  for (const day of candidateDays(plan, today)) {
    if (closeMove !== null && day >= closeMove) break;
    if (!sameProjection(project(plan, day), base)) return day;
  }
  return closeMove;
}
