/**
 * The daily scheduler end to end on SQLite and the in-process queue, with a clock the tests set: ticks as the
 * backend makes them, the worker claiming days in the run ledger, and a recorded run handler. What it guards:
 * each tenant's day is queued once its local clock passes the run time and never before, whatever its time
 * zone and DST; a day runs once; the start-up tick catches up with one run for today; Sunday's run is full;
 * a failed day is retried with backoff and then no more than the rules allow.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/adapters/db/sqlite.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { localTime } from '../../src/domain/local-time.js';
import { tenantKey } from '../../src/domain/model.js';
import { ok } from '../../src/domain/result.js';
import { FAILED_DAY_COOLDOWN_MS, MAX_ATTEMPTS_PER_DAY, RUN_LEASE_MS } from '../../functions/daily-runs.js';
import { runDailyJob } from '../../functions/run-daily.js';
import { failing, SetClock, startDailyWorld, type DailyWorld } from './daily-world.js';

const AUCKLAND = hubSpotTenant(1001);
const LOS_ANGELES = hubSpotTenant(1002);
const BERLIN = hubSpotTenant(1003);
const ZONES = new Map([
  [tenantKey(AUCKLAND), 'Pacific/Auckland'],
  [tenantKey(LOS_ANGELES), 'America/Los_Angeles'],
  [tenantKey(BERLIN), 'Europe/Berlin'],
]);
const FIVE_MINUTES = 5 * 60_000;

jest.setTimeout(60_000);

let world: DailyWorld;
async function start(iso: string, runAtMinutes = 30): Promise<DailyWorld> {
  world = await startDailyWorld({
    db: openSqlite(':memory:'),
    clock: new SetClock(Date.parse(iso)),
    runAtMinutes,
  });
  return world;
}
afterEach(async () => {
  await world.stop();
  await world.installations.close();
});

/** Ticks every five minutes from `from` to `to` (UTC), letting each tick's runs finish before the next. */
async function tickEvery5Minutes(from: string, to: string): Promise<void> {
  for (let t = Date.parse(from); t <= Date.parse(to); t += FIVE_MINUTES) {
    world.clock.ms = t;
    await world.scheduler.tick();
    await world.drain();
  }
}

test('each tenant is run once per local day, at the first tick after its local 00:30 and never before, across time zones and a DST change', async () => {
  await start('2026-03-27T00:00:00Z');
  for (const [key, zone] of ZONES) await world.install(hubSpotTenant(Number(key.split(':')[1])), zone);
  // The first tick catches up: each tenant is past 00:30 on its current day (Auckland Friday 13:00, Los
  // Angeles Thursday 17:00, Berlin Friday 01:00).
  await world.scheduler.tick();
  await world.drain();
  const caughtUp = world.calls.length;
  expect(caughtUp).toBe(3);
  // Then every five minutes to Tuesday 31 March 00:00 UTC; Berlin moves to summer time on Sunday 29 March.
  await tickEvery5Minutes('2026-03-27T00:05:00Z', '2026-03-31T00:00:00Z');

  for (const call of world.calls.slice(caughtUp)) {
    const local = localTime(call.at, ZONES.get(call.tenant)!);
    // Run on its own local day, in the five minutes after 00:30 local: not before, and at the first tick after.
    expect([call.tenant, local.date, local.minuteOfDay >= 30 && local.minuteOfDay < 35]).toEqual([
      call.tenant,
      call.localDate,
      true,
    ]);
  }
  const days = (tenant: string) =>
    world.calls.filter((c) => c.tenant === tenant).map((c) => [c.localDate, c.kind]);
  // The first run ever is full (it seeds what the next ones need); Sunday's is full; the others are due.
  expect(days(tenantKey(AUCKLAND))).toEqual([
    ['2026-03-27', 'full'],
    ['2026-03-28', 'due'],
    ['2026-03-29', 'full'],
    ['2026-03-30', 'due'],
    ['2026-03-31', 'due'],
  ]);
  expect(days(tenantKey(LOS_ANGELES))).toEqual([
    ['2026-03-26', 'full'],
    ['2026-03-27', 'due'],
    ['2026-03-28', 'due'],
    ['2026-03-29', 'full'],
    ['2026-03-30', 'due'],
  ]);
  expect(days(tenantKey(BERLIN))).toEqual([
    ['2026-03-27', 'full'],
    ['2026-03-28', 'due'],
    ['2026-03-29', 'full'],
    ['2026-03-30', 'due'],
    ['2026-03-31', 'due'],
  ]);
  const at = (tenant: string, localDate: string) =>
    new Date(world.calls.find((c) => c.tenant === tenant && c.localDate === localDate)!.at).toISOString();
  // 00:30 in Berlin is 23:30 UTC in winter time and 22:30 UTC once summer time began.
  expect(at(tenantKey(BERLIN), '2026-03-29')).toBe('2026-03-28T23:30:00.000Z');
  expect(at(tenantKey(BERLIN), '2026-03-30')).toBe('2026-03-29T22:30:00.000Z');
  // Auckland's Sunday starts on Saturday 11:30 UTC (NZDT, UTC+13).
  expect(at(tenantKey(AUCKLAND), '2026-03-29')).toBe('2026-03-28T11:30:00.000Z');
  expect(at(tenantKey(LOS_ANGELES), '2026-03-29')).toBe('2026-03-29T07:30:00.000Z');
  expect((await world.ledger.recent(100)).every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
});

test('a run time the DST change skips is passed at the first minute after the gap, and one it repeats runs once', async () => {
  await start('2026-03-28T22:00:00Z', 2 * 60 + 30);
  await world.install(BERLIN, 'Europe/Berlin');
  const runsOf = (localDate: string) =>
    world.calls.filter((c) => c.localDate === localDate).map((c) => new Date(c.at).toISOString());
  // 29 March: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 never shows.
  await tickEvery5Minutes('2026-03-28T22:00:00Z', '2026-03-29T03:00:00Z');
  expect(runsOf('2026-03-29')).toEqual(['2026-03-29T01:00:00.000Z']);
  // 25 October: 03:00 CEST goes back to 02:00 CET (01:00 UTC); 02:30 shows at 00:30 and at 01:30 UTC.
  await tickEvery5Minutes('2026-10-24T22:00:00Z', '2026-10-25T03:00:00Z');
  expect(runsOf('2026-10-25')).toEqual(['2026-10-25T00:30:00.000Z']);
});

test('the start-up tick after missed days runs today once, not each missed day', async () => {
  await start('2026-03-20T10:00:00Z');
  await world.install(BERLIN, 'Europe/Berlin');
  await world.scheduler.tick();
  await world.drain();
  expect(world.calls.map((c) => c.localDate)).toEqual(['2026-03-20']);
  // No instance ran for a week; the first tick back (Friday 27th, 09:00 Berlin) runs the 27th, once.
  world.clock.ms = Date.parse('2026-03-27T08:00:00Z');
  const report = await world.scheduler.tick();
  expect(report.queued.map((d) => [d.localDate, d.kind, d.why])).toEqual([['2026-03-27', 'due', 'new-day']]);
  await world.drain();
  expect((await world.scheduler.tick()).queued).toEqual([]);
  expect(world.calls.map((c) => c.localDate)).toEqual(['2026-03-20', '2026-03-27']);
});

test('a tenant whose time zone was never read runs on the UTC day', async () => {
  await start('2026-03-27T00:29:00Z');
  await world.install(LOS_ANGELES, null);
  expect((await world.scheduler.tick()).waiting['before-run-time']).toBe(1);
  world.clock.ms = Date.parse('2026-03-27T00:30:00Z');
  expect((await world.scheduler.tick()).queued.map((d) => d.localDate)).toEqual(['2026-03-27']);
});

test('two schedulers sharing the database (each with its own queue) run a tenant day once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'map-daily-'));
  const file = join(dir, 'app.sqlite');
  const clock = new SetClock(Date.parse('2026-03-27T00:00:00Z'));
  const first = await startDailyWorld({ db: openSqlite(file), clock });
  const second = await startDailyWorld({ db: openSqlite(file), clock });
  world = first;
  try {
    await first.install(BERLIN, 'Europe/Berlin');
    await first.install(LOS_ANGELES, 'America/Los_Angeles');
    // The first run takes a while: both instances' jobs meet in the ledger while it runs.
    const slow = () => new Promise<ReturnType<typeof ok>>((resolve) => setTimeout(() => resolve(ok({})), 50));
    first.answer = slow;
    second.answer = slow;
    for (let t = clock.ms; t <= Date.parse('2026-03-28T12:00:00Z'); t += FIVE_MINUTES) {
      clock.ms = t;
      await Promise.all([first.scheduler.tick(), second.scheduler.tick()]);
      await Promise.all([first.drain(), second.drain()]);
    }
    const calls = [...first.calls, ...second.calls].map((c) => `${c.tenant} ${c.localDate}`).sort();
    // At the first tick (Friday 00:00 UTC) it is still Thursday afternoon in Los Angeles, past its run time.
    expect(calls).toEqual([
      'hubspot:1002 2026-03-26',
      'hubspot:1002 2026-03-27',
      'hubspot:1002 2026-03-28',
      'hubspot:1003 2026-03-27',
      'hubspot:1003 2026-03-28',
    ]);
    const skipped = [...first.events, ...second.events].flatMap((e) =>
      e.type === 'run' && e.outcome.outcome === 'skipped' ? [e.outcome.why] : [],
    );
    // Each day was queued on both instances (their queues are their own): the ledger let one attempt run it.
    expect(skipped).toHaveLength(calls.length);
    for (const why of skipped) expect(['running-elsewhere', 'already-done']).toContain(why);
  } finally {
    await second.stop();
    await second.installations.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed run is retried by the queue with backoff, and done once it succeeds', async () => {
  await start('2026-03-27T08:00:00Z');
  await world.install(BERLIN, 'Europe/Berlin');
  let n = 0;
  world.answer = (call) => (++n === 1 ? failing()() : Promise.resolve(ok({ kind: call.kind })));
  await world.scheduler.tick();
  await world.drain();
  expect(world.calls).toHaveLength(2);
  expect((await world.ledger.recent(1))[0]).toMatchObject({ status: 'done', attempts: 2, error: null });
  const failures = world.events.filter((e) => e.type === 'run-failed');
  expect(failures).toHaveLength(1);
});

test('a day whose retries are spent waits an hour before a tick queues it again, and stops after the daily maximum', async () => {
  await start('2026-03-27T00:30:00Z');
  await world.install(LOS_ANGELES, null);
  world.answer = failing();
  await world.scheduler.tick();
  await world.drain();
  // The queue's three attempts (the first and two retries) failed; the day is failed in the ledger.
  expect(world.calls).toHaveLength(3);
  expect((await world.ledger.recent(1))[0]).toMatchObject({ status: 'failed', attempts: 3 });
  world.clock.ms += FAILED_DAY_COOLDOWN_MS - 1;
  expect(await world.scheduler.tick()).toMatchObject({ queued: [], waiting: { 'failed-cooling-down': 1 } });
  world.clock.ms += 1;
  expect((await world.scheduler.tick()).queued.map((d) => d.why)).toEqual(['failed-before']);
  await world.drain();
  expect(world.calls).toHaveLength(6);
  // Rounds of three attempts an hour apart, until the day's maximum; then the day is left failed.
  while (world.calls.length < MAX_ATTEMPTS_PER_DAY) {
    world.clock.ms += FAILED_DAY_COOLDOWN_MS;
    await world.scheduler.tick();
    await world.drain();
  }
  world.clock.ms += FAILED_DAY_COOLDOWN_MS;
  expect(await world.scheduler.tick()).toMatchObject({ queued: [], waiting: { 'attempts-spent': 1 } });
  expect(world.calls).toHaveLength(MAX_ATTEMPTS_PER_DAY);
  expect(new Set(world.calls.map((c) => c.localDate))).toEqual(new Set(['2026-03-27']));
});

test('a day whose instance died (its lease lapsed) is queued again and taken over', async () => {
  await start('2026-03-27T08:00:00Z');
  await world.install(BERLIN, 'Europe/Berlin');
  // Another instance claimed the day, then vanished without a heartbeat.
  await world.ledger.claim({ tenant: BERLIN, localDate: '2026-03-27', kind: 'full' }, RUN_LEASE_MS);
  expect(await world.scheduler.tick()).toMatchObject({ queued: [], waiting: { running: 1 } });
  world.clock.ms += RUN_LEASE_MS;
  expect((await world.scheduler.tick()).queued.map((d) => d.why)).toEqual(['lease-lapsed']);
  await world.drain();
  expect(world.calls).toHaveLength(1);
  expect((await world.ledger.recent(1))[0]).toMatchObject({ status: 'done', attempts: 2 });
});

test('a job for a day that has passed, or for a tenant no longer installed, is dropped without running', async () => {
  await start('2026-03-27T08:00:00Z');
  await world.install(BERLIN, 'Europe/Berlin');
  const deps = {
    installations: world.installations,
    ledger: world.ledger,
    clock: world.clock,
    run: () => Promise.resolve(ok({})),
  };
  const yesterday = { tenant: BERLIN, localDate: '2026-03-26', kind: 'due' };
  expect(await runDailyJob(deps, yesterday)).toMatchObject({ outcome: 'skipped', why: 'day-passed' });
  await world.installations.deactivate(BERLIN, 'uninstalled');
  const today = { tenant: BERLIN, localDate: '2026-03-27', kind: 'due' };
  expect(await runDailyJob(deps, today)).toMatchObject({ outcome: 'skipped', why: 'not-installed' });
  expect(await runDailyJob(deps, { tenant: 'nobody' })).toMatchObject({
    outcome: 'skipped',
    why: 'invalid-job',
  });
  expect(await world.ledger.recent(10)).toEqual([]);
  expect((await world.scheduler.tick()).queued).toEqual([]);
});
