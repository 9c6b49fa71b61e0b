import fc from 'fast-check';
import {
  addDays,
  addWorkingDays,
  DATE_RANGE_TEXT,
  dateOutOfRangeMessage,
  daysBetween,
  formatLongDate,
  isCalendarDate,
  isIsoDate,
  isWorkingDay,
  MAX_DATE,
  MIN_DATE,
  workingDaysBetween,
} from './dates.js';

describe('dates', () => {
  it('accepts real calendar dates only', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-2-1')).toBe(false);
  });
  it('counts calendar days across a month end', () => {
    expect(daysBetween('2026-11-26', '2026-12-03')).toBe(7);
  });
  it('skips weekends when moving working days backwards and forwards', () => {
    // 2026-11-30 is a Monday.
    expect(addWorkingDays('2026-11-30', -1)).toBe('2026-11-27');
    expect(addWorkingDays('2026-11-27', 1)).toBe('2026-11-30');
    expect(addWorkingDays('2026-11-29', 0)).toBe('2026-11-27');
    expect(workingDaysBetween('2026-11-27', '2026-11-30')).toBe(1);
    expect(workingDaysBetween('2026-11-30', '2026-11-27')).toBe(-1);
  });
});

describe('the accepted date range', () => {
  it('is 1970-01-01 to 2100-12-31, both included', () => {
    expect([MIN_DATE, MAX_DATE]).toEqual(['1970-01-01', '2100-12-31']);
    expect(isIsoDate(MIN_DATE)).toBe(true);
    expect(isIsoDate(MAX_DATE)).toBe(true);
    expect(DATE_RANGE_TEXT).toBe('between 1 January 1970 and 31 December 2100');
  });

  it.each(['1969-12-31', '2101-01-01', '9999-12-31', '0001-01-01'])(
    'refuses %s, a calendar date outside the range',
    (date) => {
      expect(isCalendarDate(date)).toBe(true);
      expect(isIsoDate(date)).toBe(false);
    },
  );

  it('says so in a sentence', () => {
    expect(dateOutOfRangeMessage('9999-12-31')).toBe(
      'Dates must be between 1 January 1970 and 31 December 2100; 9999-12-31 is not.',
    );
    expect(dateOutOfRangeMessage('1969-12-31', 'The due date')).toBe(
      'The due date must be between 1 January 1970 and 31 December 2100; 1969-12-31 is not.',
    );
    expect(formatLongDate('2026-03-01')).toBe('1 March 2026');
  });

  it('throws rather than write a date past year 9999, which would not compare as a date', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('9999-12-31', 1)).toThrow(RangeError);
    expect(addDays('9999-12-30', 1)).toBe('9999-12-31');
  });

  it('throws for a number of working days that is not a whole number (a bug in the caller)', () => {
    expect(() => addWorkingDays('2026-11-30', 1.5)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-11-30', Number.NaN)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Working days: the O(1) functions against the day-by-day loops they replaced, kept here as the reference.

const DAY_MS = 86_400_000;
const refToDay = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
const refFromDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const refIsWorkingDay = (date: string): boolean => {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d !== 0 && d !== 6;
};

function referenceAddWorkingDays(date: string, n: number): string {
  let day = refToDay(date);
  const step = n >= 0 ? 1 : -1;
  if (n === 0) {
    while (!refIsWorkingDay(refFromDay(day))) day -= 1;
    return refFromDay(day);
  }
  let left = Math.abs(n);
  while (left > 0) {
    day += step;
    if (refIsWorkingDay(refFromDay(day))) left -= 1;
  }
  return refFromDay(day);
}

function referenceWorkingDaysBetween(a: string, b: string): number {
  const from = refToDay(a);
  const to = refToDay(b);
  const step = to >= from ? 1 : -1;
  let count = 0;
  for (let day = from; day !== to;) {
    day += step;
    if (refIsWorkingDay(refFromDay(day))) count += step;
  }
  return count;
}

const FIRST = refToDay(MIN_DATE);
const LAST = refToDay(MAX_DATE);
/** Any date of the accepted range, with its first and last days and the days around them weighted in. */
const anyDate = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: FIRST, max: LAST }).map(refFromDay) },
  { weight: 1, arbitrary: fc.integer({ min: FIRST, max: FIRST + 20 }).map(refFromDay) },
  { weight: 1, arbitrary: fc.integer({ min: LAST - 20, max: LAST }).map(refFromDay) },
);
/** A date at most `span` days from `date`, both ways, within the accepted range. */
const near = (date: string, span: number) =>
  fc
    .integer({ min: -span, max: span })
    .map((d) => refFromDay(Math.min(LAST, Math.max(FIRST, refToDay(date) + d))));

describe('working days (O(1), same results as counting day by day)', () => {
  it('isWorkingDay is Monday to Friday on every date of the range', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        expect(isWorkingDay(date)).toBe(refIsWorkingDay(date));
      }),
      { numRuns: 2000 },
    );
  });

  it('addWorkingDays gives the day-by-day result for any date of the range and any step up to 300 working days', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -300, max: 300 }), (date, n) => {
        expect(addWorkingDays(date, n)).toBe(referenceAddWorkingDays(date, n));
      }),
      { numRuns: 3000 },
    );
  });

  it('addWorkingDays gives the day-by-day result for steps across the whole range', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -35_000, max: 35_000 }), (date, n) => {
        expect(addWorkingDays(date, n)).toBe(referenceAddWorkingDays(date, n));
      }),
      { numRuns: 40 },
    );
  });

  it('workingDaysBetween gives the day-by-day count for nearby dates, both ways', () => {
    fc.assert(
      fc.property(
        anyDate.chain((a) => fc.tuple(fc.constant(a), near(a, 30))),
        ([a, b]) => {
          expect(workingDaysBetween(a, b)).toBe(referenceWorkingDaysBetween(a, b));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('workingDaysBetween gives the day-by-day count for any two dates of the range', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        expect(workingDaysBetween(a, b)).toBe(referenceWorkingDaysBetween(a, b));
      }),
      { numRuns: 40 },
    );
  });

  it('counts the whole range the same way, end to end and back', () => {
    expect(workingDaysBetween(MIN_DATE, MAX_DATE)).toBe(referenceWorkingDaysBetween(MIN_DATE, MAX_DATE));
    expect(workingDaysBetween(MAX_DATE, MIN_DATE)).toBe(referenceWorkingDaysBetween(MAX_DATE, MIN_DATE));
    expect(addWorkingDays(MIN_DATE, workingDaysBetween(MIN_DATE, MAX_DATE))).toBe(
      referenceAddWorkingDays(MIN_DATE, workingDaysBetween(MIN_DATE, MAX_DATE)),
    );
  });

  it('takes constant time: a thousand calls spanning years 0001–9999 finish in well under 50 ms', () => {
    const started = performance.now();
    for (let i = 0; i < 1_000; i++) {
      workingDaysBetween('0001-01-01', '9999-12-31');
      addWorkingDays('0001-01-01', 2_500_000);
    }
    expect(performance.now() - started).toBeLessThan(50);
  });
});
