/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC so that no time zone or DST can shift a day.
 * Pure: "today" always comes from the caller.
 *
 * The domain accepts only dates from MIN_DATE to MAX_DATE (isIsoDate, isoDateSchema). The arithmetic below
 * works on any calendar date of a four-digit year, so that a computed date just outside the range can be
 * reported rather than thrown; a result outside years 0000–9999 is a bug and throws (such a date would not
 * be YYYY-MM-DD and would compare wrongly as a string). Every function is O(1): working days are counted
 * by whole weeks, never day by day, so no date can make a call slow.
 */
const DAY_MS = 86_400_000;
const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type IsoDate = string;

/**
 * The first and last dates a plan can hold: wide enough for any deal, narrow enough that every computed date
 * stays a four-digit year (string order is date order) and no count of days grows large. docs/data-model.md.
 */
export const MIN_DATE: IsoDate = '1970-01-01';
export const MAX_DATE: IsoDate = '2100-12-31';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** "31 December 2100": a date as a sentence names it, for messages. */
export function formatLongDate(date: IsoDate): string {
  const m = ISO_DATE_RE.exec(date);
  if (!m) return date;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/** "between 1 January 1970 and 31 December 2100": the accepted range, as messages say it. */
export const DATE_RANGE_TEXT = `between ${formatLongDate(MIN_DATE)} and ${formatLongDate(MAX_DATE)}`;

/**
 * The sentence for a date outside the accepted range: "Dates must be between 1 January 1970 and
 * 31 December 2100; 9999-12-31 is not."
 */
export const dateOutOfRangeMessage = (date: string, subject = 'Dates'): string =>
  `${subject} must be ${DATE_RANGE_TEXT}; ${date} is not.`;

/** Days since 1970-01-01 of a real calendar date written YYYY-MM-DD, whatever its year; null otherwise. */
function parseEpochDay(value: string): number | null {
  if (!ISO_DATE_RE.test(value)) return null;
  const ms = Date.parse(`${value}T00:00:00Z`);
  // The round trip refuses a day the month does not have (2026-02-30).
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) return null;
  return Math.round(ms / DAY_MS);
}

/** True when `value` is a real calendar date written YYYY-MM-DD (2026-02-30 is not), whatever its year. */
export function isCalendarDate(value: string): boolean {
  return parseEpochDay(value) !== null;
}

/** True when a calendar date lies from MIN_DATE to MAX_DATE (four-digit years compare as strings). */
export const isDateInRange = (date: IsoDate): boolean => date >= MIN_DATE && date <= MAX_DATE;

/** True when `value` is a date the domain accepts: a real calendar date from MIN_DATE to MAX_DATE. */
export function isIsoDate(value: string): boolean {
  return isCalendarDate(value) && isDateInRange(value);
}

/** Days since 1970-01-01 (negative before); throws for anything but a calendar date (a bug in the caller). */
function toEpochDay(date: IsoDate): number {
  const day = parseEpochDay(date);
  if (day === null) throw new RangeError(`Not a calendar date written YYYY-MM-DD: ${date}.`);
  return day;
}

const FIRST_EPOCH_DAY = parseEpochDay('0000-01-01') ?? 0;
const LAST_EPOCH_DAY = parseEpochDay('9999-12-31') ?? 0;

function fromEpochDay(day: number): IsoDate {
  if (!Number.isSafeInteger(day) || day < FIRST_EPOCH_DAY || day > LAST_EPOCH_DAY) {
    throw new RangeError(`A date computation left the years 0000–9999 (epoch day ${day}).`);
  }
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}

// Working days by arithmetic. Weeks are counted from MONDAY, an epoch day that is a Monday; `k` below is a
// day's distance from it. 1970-01-01 (epoch day 0) was a Thursday, so epoch day -3 was a Monday.
const MONDAY = -3;

/** Floor division and a modulo that is never negative, so that days before MONDAY work the same. */
const floorDiv = (a: number, b: number): number => Math.floor(a / b);
const mod = (a: number, b: number): number => ((a % b) + b) % b;

/** 0 = Monday ... 6 = Sunday. */
const dayOfWeek = (day: number): number => mod(day - MONDAY, 7);

/** Working days (Monday–Friday) among the epoch days before `day`, counted from MONDAY (negative before it). */
function workingDaysBefore(day: number): number {
  const k = day - MONDAY;
  return 5 * floorDiv(k, 7) + Math.min(mod(k, 7), 5);
}

/** The working day with exactly `count` working days before it (the inverse of workingDaysBefore). */
function workingDayAt(count: number): number {
  return MONDAY + 7 * floorDiv(count, 5) + mod(count, 5);
}

const isWorkingEpochDay = (day: number): boolean => dayOfWeek(day) < 5;

export function isWorkingDay(date: IsoDate): boolean {
  return isWorkingEpochDay(toEpochDay(date));
}

/**
 * Moves `n` working days (Monday–Friday) from `date`: forwards when n > 0, backwards when n < 0. A start
 * on a weekend first moves to the nearest working day in the direction of travel (n = 0 rolls backwards,
 * so that a due date never lands on a weekend).
 */
export function addWorkingDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n))
    throw new RangeError(`A number of working days must be a whole number: ${n}.`);
  const day = toEpochDay(date);
  if (n === 0) {
    const weekday = dayOfWeek(day);
    return fromEpochDay(weekday < 5 ? day : day - (weekday - 4));
  }
  // Forwards: the n-th working day after `day`. Backwards: the |n|-th working day before it.
  const count = n > 0 ? workingDaysBefore(day + 1) + n - 1 : workingDaysBefore(day) + n;
  return fromEpochDay(workingDayAt(count));
}

/** Working days from `a` to `b`, counting b but not a (0 when equal, negative when b is earlier). */
export function workingDaysBetween(a: IsoDate, b: IsoDate): number {
  const from = toEpochDay(a);
  const to = toEpochDay(b);
  // Forwards the days after a up to b; backwards the days from b up to the day before a, counted negative.
  return to >= from
    ? workingDaysBefore(to + 1) - workingDaysBefore(from + 1)
    : workingDaysBefore(to) - workingDaysBefore(from);
}

export const maxDate = (a: IsoDate, b: IsoDate): IsoDate => (a >= b ? a : b);
export const minDate = (a: IsoDate, b: IsoDate): IsoDate => (a <= b ? a : b);

/** True when `timeZone` is an IANA time zone (or alias, such as HubSpot's `US/Eastern`) this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
    return true;
  } catch {
    // RangeError: not a time zone this runtime knows.
    return false;
  }
}

/**
 * The calendar day of the instant `ms` in `timeZone` (YYYY-MM-DD); UTC when the zone is unset or unknown to
 * this runtime (an unknown zone must not fail a rep's edit: UTC is at most a day off). One function for the
 * backend's "today" and the card's, so both turn the same instant into the same day.
 */
export function calendarDay(ms: number, timeZone: string | undefined): string {
  if (timeZone !== undefined) {
    try {
      // en-CA formats dates as YYYY-MM-DD.
      return new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      }).format(ms);
    } catch {
      // RangeError for a zone this runtime does not know: fall through to UTC, as documented above.
    }
  }
  return new Date(ms).toISOString().slice(0, 10);
}
