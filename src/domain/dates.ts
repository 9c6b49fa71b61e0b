/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC so that no time zone or DST can shift a day.
 * Pure: "today" always comes from the caller.
 */
const DAY_MS = 86_400_000;
const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type IsoDate = string;

/** True when `value` is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function toEpochDay(date: IsoDate): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO date: ${date}`);
  return Math.round(ms / DAY_MS);
}

function fromEpochDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** 0 = Sunday ... 6 = Saturday. */
function weekday(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWorkingDay(date: IsoDate): boolean {
  const d = weekday(date);
  return d !== 0 && d !== 6;
}

/**
 * Moves `n` working days (Monday–Friday) from `date`: forwards when n > 0, backwards when n < 0. A start
 * on a weekend first moves to the nearest working day in the direction of travel (n = 0 rolls backwards,
 * so that a due date never lands on a weekend).
 */
export function addWorkingDays(date: IsoDate, n: number): IsoDate {
  let day = toEpochDay(date);
  const step = n >= 0 ? 1 : -1;
  if (n === 0) {
    while (!isWorkingDay(fromEpochDay(day))) day -= 1;
    return fromEpochDay(day);
  }
  let left = Math.abs(n);
  while (left > 0) {
    day += step;
    if (isWorkingDay(fromEpochDay(day))) left -= 1;
  }
  return fromEpochDay(day);
}

/** Working days from `a` to `b`, counting b but not a (0 when equal, negative when b is earlier). */
export function workingDaysBetween(a: IsoDate, b: IsoDate): number {
  const from = toEpochDay(a);
  const to = toEpochDay(b);
  const step = to >= from ? 1 : -1;
  let count = 0;
  for (let day = from; day !== to; ) {
    day += step;
    if (isWorkingDay(fromEpochDay(day))) count += step;
  }
  return count;
}

export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a >= b ? a : b);
export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a <= b ? a : b);
