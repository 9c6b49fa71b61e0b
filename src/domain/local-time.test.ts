import { formatTimeOfDay, localTime, parseTimeOfDay, weekdayOf } from './local-time.js';

const utc = (iso: string): number => Date.parse(iso);

describe('localTime', () => {
  it("reads the tenant's wall clock: date, minute of the day and weekday in its own zone", () => {
    // Saturday evening in UTC is already Sunday morning in Auckland (NZDT, UTC+13).
    expect(localTime(utc('2026-03-28T11:30:00Z'), 'Pacific/Auckland')).toEqual({
      date: '2026-03-29',
      minuteOfDay: 30,
      weekday: 0,
    });
    // And still Saturday afternoon in Los Angeles (PDT, UTC-7).
    expect(localTime(utc('2026-03-28T23:45:00Z'), 'America/Los_Angeles')).toEqual({
      date: '2026-03-28',
      minuteOfDay: 16 * 60 + 45,
      weekday: 6,
    });
  });

  it('jumps over the hour a DST change forward skips (Berlin, 2026-03-29: 01:59 CET, then 03:00 CEST)', () => {
    expect(localTime(utc('2026-03-29T00:59:00Z'), 'Europe/Berlin').minuteOfDay).toBe(60 + 59);
    expect(localTime(utc('2026-03-29T01:00:00Z'), 'Europe/Berlin').minuteOfDay).toBe(3 * 60);
  });

  it('shows the repeated hour twice on a DST change back (Berlin, 2026-10-25: 02:30 CEST, then 02:30 CET)', () => {
    expect(localTime(utc('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toMatchObject({
      date: '2026-10-25',
      minuteOfDay: 150,
    });
    expect(localTime(utc('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toMatchObject({
      date: '2026-10-25',
      minuteOfDay: 150,
    });
  });

  it('is UTC when the zone is unset or unknown to this runtime', () => {
    const ms = utc('2026-11-16T23:10:00Z');
    const inUtc = { date: '2026-11-16', minuteOfDay: 23 * 60 + 10, weekday: 1 };
    expect(localTime(ms, null)).toEqual(inUtc);
    expect(localTime(ms, 'Mars/Olympus_Mons')).toEqual(inUtc);
  });
});

describe('weekdayOf', () => {
  it('gives 0 for a Sunday and 1 for a Monday', () => {
    expect(weekdayOf('2026-03-29')).toBe(0);
    expect(weekdayOf('2026-11-16')).toBe(1);
  });
});

describe('times of day', () => {
  it('reads HH:MM on a 24-hour clock as minutes after midnight, and writes it back', () => {
    expect(parseTimeOfDay('00:30')).toBe(30);
    expect(parseTimeOfDay('23:59')).toBe(1439);
    expect(formatTimeOfDay(30)).toBe('00:30');
    expect(formatTimeOfDay(1439)).toBe('23:59');
  });

  it.each(['0:30', '24:00', '12:60', '00:30:00', '', ' 00:30', 'noon'])('refuses %j', (text) => {
    expect(parseTimeOfDay(text)).toBeNull();
  });
});
