/**
 * An instant as a tenant's wall clock shows it: the calendar day, the minute of that day and the weekday in
 * its IANA time zone (UTC when the zone is unset or unknown to this runtime, as `calendarDay` does). The
 * daily work of a tenant starts from these: it runs once its local clock has passed the run time.
 *
 * Wall-clock minutes, not elapsed time: on a day that skips an hour (a DST change forward), 02:30 never shows,
 * and a clock reading 03:00 has passed it; on a day that repeats an hour, 02:30 shows twice and has been
 * passed since the first time.
 */
import { calendarDay, isKnownTimeZone, type IsoDate } from './dates.js';

export interface LocalTime {
  /** The tenant's calendar day (YYYY-MM-DD). */
  readonly date: IsoDate;
  /** Minutes since local midnight as the wall clock shows them, 0–1439. */
  readonly minuteOfDay: number;
  /** 0 = Sunday ... 6 = Saturday, of `date`. */
  readonly weekday: number;
}

export const SUNDAY = 0;

/** The weekday of a calendar date: 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const formats = new Map<string, Intl.DateTimeFormat>();

function hourMinuteFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall clock of `timeZone` at the instant `ms` (UTC when the zone is null or unknown). */
export function localTime(ms: number, timeZone: string | null): LocalTime {
  const zone = timeZone !== null && isKnownTimeZone(timeZone) ? timeZone : 'UTC';
  const date = calendarDay(ms, zone);
  const parts = hourMinuteFormat(zone).formatToParts(ms);
  const part = (type: 'hour' | 'minute'): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { date, minuteOfDay: part('hour') * 60 + part('minute'), weekday: weekdayOf(date) };
}

/** "HH:MM" (24-hour clock) as minutes since midnight; null when it is not a time of day. */
export function parseTimeOfDay(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Minutes since midnight as "HH:MM". */
export function formatTimeOfDay(minutes: number): string {
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${hh}:${mm}`;
}
