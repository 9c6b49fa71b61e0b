/**
 * The ReminderStore contract, run on every implementation: in memory, SQLite (in memory) and PostgreSQL
 * (127.0.0.1:5432, database `test`; override with TEST_DATABASE_URL), each PostgreSQL test in its own schema.
 * Two stores over one database stand for two backend instances: of their claims on one step, one wins.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/adapters/db/migrations.js';
import { openPostgres } from '../../src/adapters/db/postgres.js';
import { SqlReminderStore } from '../../src/adapters/db/reminder-store.js';
import type { SqlDatabase } from '../../src/adapters/db/sql.js';
import { openSqlite } from '../../src/adapters/db/sqlite.js';
import { MemoryReminderStore } from '../../src/adapters/memory/reminder-store.js';
import type { DealRef } from '../../src/domain/model.js';
import type { ReminderRecord, ReminderStore } from '../../src/ports/reminder-store.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `mapr_${process.pid}_${randomBytes(4).toString('hex')}`;
const schemas: string[] = [];
const T0 = Date.UTC(2026, 10, 16, 9, 0);

interface Pair {
  /** Two stores over the same records (two instances); memory has one store, shared. */
  readonly a: ReminderStore;
  readonly b: ReminderStore;
  close(): Promise<void>;
}

const DEAL: DealRef = { crm: 'hubspot', accountId: '1001', dealId: '501' };
const OTHER_DEAL: DealRef = { ...DEAL, dealId: '502' };
const OTHER_TENANT: DealRef = { crm: 'hubspot', accountId: '2002', dealId: '501' };

const record = (milestoneId: string, extra: Partial<ReminderRecord> = {}): ReminderRecord => ({
  milestoneId,
  taskId: `task-${milestoneId}`,
  ownerId: 'owner-7',
  dueDate: '2026-11-18',
  title: `Plan step due Wed 18 Nov: ${milestoneId}`,
  state: 'open',
  ...extra,
});
const claimOf = (milestoneId: string) => {
  const { taskId: _taskId, state: _state, ...rest } = record(milestoneId);
  return rest;
};

function contract(open: () => Promise<Pair>): void {
  let pair: Pair;
  beforeEach(async () => {
    pair = await open();
  });
  afterEach(async () => pair.close());

  it('claims a step once: a second claim, by this or another instance, gets nothing', async () => {
    expect(await pair.a.claim(DEAL, [claimOf('m1'), claimOf('m2')], T0)).toEqual(['m1', 'm2']);
    expect(await pair.b.claim(DEAL, [claimOf('m2'), claimOf('m3')], T0 + 1)).toEqual(['m3']);
    expect(await pair.a.list(DEAL)).toEqual([
      { ...claimOf('m1'), taskId: null, state: 'creating', updatedAt: T0 },
      { ...claimOf('m2'), taskId: null, state: 'creating', updatedAt: T0 },
      { ...claimOf('m3'), taskId: null, state: 'creating', updatedAt: T0 + 1 },
    ]);
  });

  it('of concurrent claims of the same step, exactly one wins', async () => {
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? pair.a : pair.b).claim(DEAL, [claimOf('m1')], T0 + i),
      ),
    );
    expect(claims.flat()).toEqual(['m1']);
  });

  it('takes over an old claim only while no one else has', async () => {
    await pair.a.claim(DEAL, [claimOf('m1')], T0);
    expect(await pair.a.retake(DEAL, 'm1', T0 - 1, T0 + 10)).toBe(false);
    expect(await pair.b.retake(DEAL, 'm1', T0, T0 + 10)).toBe(true);
    expect(await pair.a.retake(DEAL, 'm1', T0, T0 + 11)).toBe(false);
    await pair.a.save(DEAL, [record('m1')], T0 + 12);
    expect(await pair.a.retake(DEAL, 'm1', T0 + 12, T0 + 13)).toBe(false);
  });

  it('saves records whole, lists them by deal, and forgets them', async () => {
    await pair.a.claim(DEAL, [claimOf('m1')], T0);
    await pair.a.save(DEAL, [record('m1'), record('m2', { state: 'completed' })], T0 + 5);
    await pair.a.save(DEAL, [record('m3', { state: 'completed', taskId: null })], T0 + 6);
    await pair.a.save(OTHER_DEAL, [record('m1', { ownerId: 'owner-8' })], T0 + 7);
    await pair.a.save(OTHER_TENANT, [record('m9')], T0 + 8);
    expect(await pair.b.list(DEAL)).toEqual([
      { ...record('m1'), updatedAt: T0 + 5 },
      { ...record('m2', { state: 'completed' }), updatedAt: T0 + 5 },
      { ...record('m3', { state: 'completed', taskId: null }), updatedAt: T0 + 6 },
    ]);
    const many = await pair.b.listForDeals({ crm: 'hubspot', accountId: '1001' }, ['501', '502', '503']);
    expect([...many.keys()].sort()).toEqual(['501', '502']);
    expect(many.get('502')).toEqual([{ ...record('m1', { ownerId: 'owner-8' }), updatedAt: T0 + 7 }]);
    await pair.b.forget(DEAL, ['m1', 'm3', 'unknown']);
    expect((await pair.a.list(DEAL)).map((r) => r.milestoneId)).toEqual(['m2']);
    expect(await pair.a.list(OTHER_TENANT)).toHaveLength(1);
  });

  it('refuses an open record without its to-do id, or a claim with one (a bug)', async () => {
    await expect(pair.a.save(DEAL, [record('m1', { taskId: null })], T0)).rejects.toThrow(/m1/);
    await expect(pair.a.save(DEAL, [record('m1', { state: 'creating' })], T0)).rejects.toThrow(/m1/);
  });
}

async function sqlPair(open: () => Promise<SqlDatabase>): Promise<Pair> {
  const first = await open();
  await migrate(first, T0);
  const second = await open();
  return {
    a: new SqlReminderStore(first),
    b: new SqlReminderStore(second),
    close: async () => {
      await first.close();
      if (second !== first) await second.close();
    },
  };
}

describe('MemoryReminderStore', () => {
  contract(() => {
    const store = new MemoryReminderStore();
    return Promise.resolve({ a: store, b: store, close: () => Promise.resolve() });
  });
});

describe('SqlReminderStore on SQLite', () => {
  contract(() => {
    // One in-memory database: both stores share its connection, as two requests of one instance do.
    const db = openSqlite(':memory:');
    return sqlPair(() => Promise.resolve(db));
  });
});

describe('SqlReminderStore on PostgreSQL', () => {
  afterAll(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });
  contract(() => {
    const schema = `${RUN}_${schemas.length + 1}`;
    schemas.push(schema);
    return sqlPair(() => openPostgres({ connectionString: DATABASE_URL, schema, max: 4 }));
  });
});
