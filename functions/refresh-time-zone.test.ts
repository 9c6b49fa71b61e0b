import { err, ok } from '../src/domain/result.js';
import { crmError } from '../src/ports/crm-error.js';
import {
  backgroundTimeZoneRefresh,
  refreshTimeZone,
  TIME_ZONE_MAX_AGE_MS,
  TIME_ZONE_RETRY_MS,
  timeZoneIsStale,
} from './refresh-time-zone.js';

const tenant = { crm: 'hubspot', accountId: '123' } as const;

function fixture(answers: (string | null)[]) {
  const recorded: string[] = [];
  let reads = 0;
  const clock = { ms: 1_000_000, now: () => clock.ms };
  const deps = {
    clock,
    accounts: {
      timeZone: () => {
        const answer = answers[Math.min(reads++, answers.length - 1)] ?? null;
        return Promise.resolve(
          answer === null ? err(crmError('CRM_UNAVAILABLE', 'The CRM is unavailable.', 503)) : ok(answer),
        );
      },
    },
    installations: {
      setTimeZone: (_t: unknown, zone: string) => {
        recorded.push(zone);
        return Promise.resolve(true);
      },
    },
  };
  return { deps, recorded, clock, reads: () => reads };
}

test('records a time zone the runtime knows, refuses an unknown one without recording it', async () => {
  const known = fixture(['US/Eastern']);
  expect(await refreshTimeZone(known.deps, tenant)).toEqual({ ok: true, value: 'US/Eastern' });
  expect(known.recorded).toEqual(['US/Eastern']);
  const unknown = fixture(['Mars/Olympus_Mons']);
  expect(await refreshTimeZone(unknown.deps, tenant)).toMatchObject({
    ok: false,
    error: { code: 'UNKNOWN_TIME_ZONE' },
  });
  expect(unknown.recorded).toEqual([]);
});

test('a time zone is stale when never read or read more than a day ago', () => {
  expect(timeZoneIsStale({ timeZoneCheckedAt: null }, 0)).toBe(true);
  expect(timeZoneIsStale({ timeZoneCheckedAt: 0 }, TIME_ZONE_MAX_AGE_MS)).toBe(false);
  expect(timeZoneIsStale({ timeZoneCheckedAt: 0 }, TIME_ZONE_MAX_AGE_MS + 1)).toBe(true);
});

test('the background refresh runs once per tenant at a time, and not again within the hour after a failure', async () => {
  const f = fixture([null, 'Asia/Tokyo']);
  const failures: string[] = [];
  const refresh = backgroundTimeZoneRefresh(f.deps, (_t, error) => failures.push(error.code));
  await Promise.all([refresh(tenant), refresh(tenant), refresh(tenant)]);
  expect(f.reads()).toBe(1);
  expect(failures).toEqual(['CRM_UNAVAILABLE']);
  await refresh(tenant);
  expect(f.reads()).toBe(1);
  f.clock.ms += TIME_ZONE_RETRY_MS;
  await refresh(tenant);
  expect(f.reads()).toBe(2);
  expect(f.recorded).toEqual(['Asia/Tokyo']);
});
