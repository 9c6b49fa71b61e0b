import { addWorkingDays, daysBetween, isIsoDate, workingDaysBetween } from './dates.js';

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
