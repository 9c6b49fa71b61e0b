import { calendarDay, dealRef, editContext } from './plan-ops.js';

const ms = Date.UTC(2026, 10, 16, 23, 30); // 23:30 UTC on Monday 16 November

test("today is the caller's calendar day in their time zone, UTC when unknown or unset", () => {
  expect(calendarDay(ms, undefined)).toBe('2026-11-16');
  expect(calendarDay(ms, 'Europe/Berlin')).toBe('2026-11-17');
  expect(calendarDay(ms, 'America/Los_Angeles')).toBe('2026-11-16');
  expect(calendarDay(ms, 'Not/AZone')).toBe('2026-11-16');
});

test('the deal ref is built from the caller’s tenant, never from input', () => {
  expect(dealRef({ tenant: { crm: 'hubspot', accountId: '7' }, userId: '1' }, '99')).toEqual({
    crm: 'hubspot',
    accountId: '7',
    dealId: '99',
  });
});

test('the edit context carries the clock’s instant and the caller as actor', () => {
  const ctx = editContext(
    { plans: undefined as never, locks: undefined as never, clock: { now: () => ms }, newId: () => 'x' },
    { tenant: { crm: 'hubspot', accountId: '7' }, userId: '42', timeZone: 'Asia/Tokyo' },
  );
  expect(ctx).toMatchObject({ today: '2026-11-17', now: '2026-11-16T23:30:00.000Z', actor: 'user:42' });
});
