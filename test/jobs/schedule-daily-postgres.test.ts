/**
 * The daily scheduler as several instances run it on PostgreSQL: the installation store and the run ledger in
 * one schema, pg-boss in another, both shared by two instances that tick at the same moments. What it guards:
 * a tenant's day is queued once (the singleton key refuses the second instance's send) and run once; an
 * operator's "run now" is refused while the day is queued and once it is done.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import pg from 'pg';
import { openPostgres } from '../../src/adapters/db/postgres.js';
import { PgBossJobQueue } from '../../src/adapters/jobs/pg-boss.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { requestDailyRun } from '../../functions/schedule-daily.js';
import { SetClock, startDailyWorld, type DailyWorld } from './daily-world.js';

jest.setTimeout(90_000);

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `${process.pid}_${randomBytes(4).toString('hex')}`;
const APP_SCHEMA = `mapd_${RUN}`;
const BOSS_SCHEMA = `pgboss_${RUN}`;

const openQueue = () =>
  PgBossJobQueue.open({
    connectionString: DATABASE_URL,
    schema: BOSS_SCHEMA,
    max: 3,
    pollingIntervalSeconds: 0.5,
  });

let worlds: DailyWorld[] = [];

afterAll(async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${APP_SCHEMA} CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS ${BOSS_SCHEMA} CASCADE`);
  } finally {
    await client.end();
  }
});

afterEach(async () => {
  for (const w of worlds) {
    await w.stop();
    await w.installations.close();
  }
  worlds = [];
});

test('two instances ticking together queue and run each tenant day once', async () => {
  const clock = new SetClock(Date.parse('2026-03-27T08:00:00Z'));
  worlds = await Promise.all(
    [1, 2].map(async () =>
      startDailyWorld({
        db: await openPostgres({ connectionString: DATABASE_URL, schema: APP_SCHEMA, max: 3 }),
        clock,
        queue: await openQueue(),
      }),
    ),
  );
  const [a, b] = worlds as [DailyWorld, DailyWorld];
  await a.install(hubSpotTenant(1), 'Europe/Berlin');
  await a.install(hubSpotTenant(2), 'Pacific/Auckland');
  await a.install(hubSpotTenant(3), 'America/Los_Angeles');

  let alreadyQueued = 0;
  // Friday 08:00 UTC, then Saturday and Sunday at the same hour: each tick is due for every tenant.
  for (const at of ['2026-03-27T08:00:00Z', '2026-03-28T08:00:00Z', '2026-03-29T08:00:00Z']) {
    clock.set(at);
    const reports = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    expect(reports.flatMap((r) => r.queued)).toHaveLength(3);
    alreadyQueued += reports.reduce((n, r) => n + r.alreadyQueued, 0);
    await Promise.all([a.drain(), b.drain()]);
    // Ticking again once the day is done queues nothing.
    const again = await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    expect(again.flatMap((r) => r.queued)).toEqual([]);
  }
  const calls = [...a.calls, ...b.calls].map((c) => `${c.tenant} ${c.localDate} ${c.kind}`).sort();
  expect(calls).toEqual([
    'hubspot:1 2026-03-27 full',
    'hubspot:1 2026-03-28 due',
    'hubspot:1 2026-03-29 full',
    'hubspot:2 2026-03-27 full',
    'hubspot:2 2026-03-28 due',
    'hubspot:2 2026-03-29 full',
    'hubspot:3 2026-03-27 full',
    'hubspot:3 2026-03-28 due',
    'hubspot:3 2026-03-29 full',
  ]);
  // The second instance's sends were refused by the singleton key (unless its tick ran after the day was done).
  expect(alreadyQueued).toBeGreaterThan(0);
  const runs = await a.ledger.recent(100);
  expect(runs).toHaveLength(9);
  expect(runs.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
});

test("an operator's run now is queued once, refused while queued, and refused once the day is done", async () => {
  const clock = new SetClock(Date.parse('2026-03-30T08:00:00Z'));
  const queue = await openQueue();
  const world = await startDailyWorld({
    db: await openPostgres({ connectionString: DATABASE_URL, schema: APP_SCHEMA, max: 3 }),
    clock,
    queue,
  });
  worlds = [world];
  const tenant = hubSpotTenant(77);
  await world.install(tenant, 'Europe/Berlin');
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  world.answer = async () => {
    await released;
    return { ok: true, value: { read: 0 } };
  };
  const deps = { installations: world.installations, ledger: world.ledger, clock, queue };
  const queued = await requestDailyRun(deps, tenant, { full: true });
  expect(queued).toMatchObject({ ok: true, value: { localDate: '2026-03-30', kind: 'full' } });
  expect(await requestDailyRun(deps, tenant)).toMatchObject({ ok: false, error: { code: 'ALREADY_QUEUED' } });
  release();
  await world.drain();
  expect(await requestDailyRun(deps, tenant)).toMatchObject({ ok: false, error: { code: 'ALREADY_DONE' } });
  expect(await requestDailyRun(deps, hubSpotTenant(78))).toMatchObject({
    ok: false,
    error: { code: 'NOT_INSTALLED' },
  });
  expect(world.calls.map((c) => `${c.localDate} ${c.kind}`)).toEqual(['2026-03-30 full']);
});
