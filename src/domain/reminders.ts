/**
 * Reminders for the seller's side of a plan: a to-do in the CRM for the owner of each open step that is due
 * within REMINDER_WINDOW_WORKING_DAYS working days or overdue. Pure: "today" comes from the caller.
 *
 * A step has a reminder when it is open (not done, not skipped) and its seller owner is a stakeholder who is
 * a CRM user (`ownerId`). The title says the step and its due date in words a rep reads at a glance —
 * `Plan step due Fri 12 Dec: Security review` — and depends only on the step and its date, so it is not
 * rewritten as days pass (the CRM itself marks a to-do overdue once its due date has gone). The body gives
 * the plan's context. Buyer-side reminders come with the buyer page.
 */
import { addDays, addWorkingDays, formatLongDate, type IsoDate } from './dates.js';
import { isOpen, type Milestone, type Plan, type Stakeholder } from './model.js';

/** A step gets its reminder when it is due within this many working days (Monday–Friday), or overdue. */
export const REMINDER_WINDOW_WORKING_DAYS = 2;

/** The hour of the due date (the tenant's local time) a reminder is due at: the start of a working day. */
export const REMINDER_DUE_HOUR = 8;

export interface Reminder {
  readonly milestoneId: string;
  /** The CRM user (owner) it is for: the seller owner's `ownerId`. */
  readonly ownerId: string;
  readonly dueDate: IsoDate;
  /** One line, stable for a given step title and due date. */
  readonly title: string;
  /** Plain text, paragraphs separated by a blank line: the plan's context for the step. */
  readonly body: string;
}

/** The last due date a reminder is made for on `today`: today plus the window, in working days. */
export const reminderWindowEnd = (today: IsoDate): IsoDate =>
  addWorkingDays(today, REMINDER_WINDOW_WORKING_DAYS);

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** "Fri 12 Dec": a due date as a to-do list names it (the CRM shows the full date beside it). */
export function shortDate(date: IsoDate): string {
  const [y, m, d] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay();
  return `${WEEKDAYS[weekday] ?? ''} ${d ?? ''} ${MONTHS[(m ?? 1) - 1] ?? ''}`;
}

/** The longest step title a reminder's title quotes whole; longer ones are cut with an ellipsis. */
const MAX_TITLE_IN_REMINDER = 150;

export function reminderTitle(milestone: Pick<Milestone, 'title' | 'dueDate'>): string {
  const title = milestone.title.trim();
  const shown =
    title.length > MAX_TITLE_IN_REMINDER ? `${title.slice(0, MAX_TITLE_IN_REMINDER - 1)}…` : title;
  return `Plan step due ${shortDate(milestone.dueDate)}: ${shown}`;
}

/** Each id's first milestone: a plan read with a repeated id (validation refuses one) names one step once. */
export function firstOfEachId(milestones: readonly Milestone[]): Milestone[] {
  const seen = new Set<string>();
  return milestones.filter((m) => !seen.has(m.id) && seen.add(m.id));
}

const byId = (plan: Plan): Map<string, Stakeholder> => new Map(plan.stakeholders.map((s) => [s.id, s]));

function reminderBody(plan: Plan, milestone: Milestone, stakeholders: Map<string, Stakeholder>): string {
  const planName =
    plan.title.trim() === '' ? 'the mutual action plan' : `the mutual action plan “${plan.title.trim()}”`;
  const seller = milestone.sellerOwnerId === null ? undefined : stakeholders.get(milestone.sellerOwnerId);
  const buyer = milestone.buyerOwnerId === null ? undefined : stakeholders.get(milestone.buyerOwnerId);
  const paragraphs = [
    `“${milestone.title.trim()}” is a step of ${planName} on this deal${milestone.phase.trim() === '' ? '' : `, in the phase “${milestone.phase.trim()}”`}. ` +
      `${seller ? `${seller.name} owns it on our side` : 'It is ours to do'}${buyer ? `, with ${buyer.name}${buyer.title.trim() === '' ? '' : ` (${buyer.title.trim()})`} for the buyer` : ''}.`,
    `Due ${formatLongDate(milestone.dueDate)}${milestone.baselineDueDate !== milestone.dueDate ? ` (first agreed for ${formatLongDate(milestone.baselineDueDate)})` : ''}.`,
  ];
  if (milestone.description.trim() !== '') paragraphs.push(milestone.description.trim());
  if (milestone.successCriteria.trim() !== '')
    paragraphs.push(`Done when: ${milestone.successCriteria.trim()}`);
  paragraphs.push(
    'This reminder follows the plan: it moves when the step’s date moves and completes itself when the step is marked done or skipped in the plan.',
  );
  return paragraphs.join('\n\n');
}

/**
 * The reminder of every open step whose seller owner is a CRM user, whatever its due date: the steps the
 * reminders follow once made (a step whose date moves out of the window keeps its reminder, with the new date).
 */
export function trackedReminders(plan: Plan): Reminder[] {
  const stakeholders = byId(plan);
  const out: Reminder[] = [];
  for (const m of firstOfEachId(plan.milestones)) {
    if (!isOpen(m) || m.sellerOwnerId === null) continue;
    const owner = stakeholders.get(m.sellerOwnerId);
    if (owner?.side !== 'seller' || owner.ownerId === null) continue;
    out.push({
      milestoneId: m.id,
      ownerId: owner.ownerId,
      dueDate: m.dueDate,
      title: reminderTitle(m),
      body: reminderBody(plan, m, stakeholders),
    });
  }
  return out;
}

/** The reminders a plan wants on `today`: its tracked steps due by the end of the window (or overdue). */
export function remindersFor(plan: Plan, today: IsoDate): Reminder[] {
  const end = reminderWindowEnd(today);
  return trackedReminders(plan).filter((r) => r.dueDate <= end);
}

/** The first day whose window reaches `due` (the window's end never moves back as days pass). */
function firstDayReaching(due: IsoDate): IsoDate {
  // Three working days before the due date the window ends the working day before it: a start before the
  // answer, from which the answer is at most a week away.
  let day = addWorkingDays(due, -(REMINDER_WINDOW_WORKING_DAYS + 1));
  while (reminderWindowEnd(day) < due) day = addDays(day, 1);
  return day;
}

/**
 * The earliest day after `today` on which `remindersFor` changes with no edit (a step enters the window), or
 * null when none will. Steps only ever enter the window as days pass: it never leaves one behind, and titles
 * do not depend on the day.
 */
export function nextReminderDate(plan: Plan, today: IsoDate): IsoDate | null {
  const end = reminderWindowEnd(today);
  let next: IsoDate | null = null;
  for (const r of trackedReminders(plan)) {
    if (r.dueDate <= end) continue;
    const day = firstDayReaching(r.dueDate);
    if (next === null || day < next) next = day;
  }
  return next;
}

/**
 * The instant (ms since the epoch) of REMINDER_DUE_HOUR on `date` in `timeZone` (UTC when null or unknown to
 * this runtime), so that the CRM shows the to-do on its due date in the account's own calendar.
 */
export function reminderDueAt(date: IsoDate, timeZone: string | null): number {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, REMINDER_DUE_HOUR);
  if (timeZone === null) return wall;
  // The zone's offset at a guess, then at the corrected instant (a DST change between the two moves it).
  let instant = wall - offsetMs(wall, timeZone);
  instant = wall - offsetMs(instant, timeZone);
  return instant;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`; 0 for a zone this runtime does not know. */
function offsetMs(ms: number, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).formatToParts(ms);
  } catch {
    // RangeError: a zone this runtime does not know; UTC is what the rest of the app falls back to.
    return 0;
  }
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return asUtc - (ms - (ms % 1000));
}
