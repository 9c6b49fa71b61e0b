/**
 * The run ledger on PostgreSQL (127.0.0.1:5432, database `test`; override with TEST_DATABASE_URL), each test in
 * a schema of its own, dropped at the end; and several instances (each its own pool) claiming the same days.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/adapters/db/migrations.js';
import { openPostgres } from '../../src/adapters/db/postgres.js';
import { SqlRunLedger } from '../../src/adapters/db/run-ledger.js';
import type { SqlDatabase } from '../../src/adapters/db/sql.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { manualClock } from './installation-store-contract.js';
import { runLedgerContract } from './run-ledger-contract.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `mapl_${process.pid}_${randomBytes(4).toString('hex')}`;
let counter = 0;
const created: string[] = [];

function newSchema(): string {
  const schema = `${RUN}_${++counter}`;
  created.push(schema);
  return schema;
}

const openIn = (schema: string): Promise<SqlDatabase> =>
  openPostgres({ connectionString: DATABASE_URL, schema, max: 5 });

afterAll(async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    for (const schema of created) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

describe('SqlRunLedger on PostgreSQL', () => {
  runLedgerContract({ open: () => openIn(newSchema()) });
});

describe('several instances claiming days in one PostgreSQL database', () => {
  let dbs: SqlDatabase[] = [];
  afterEach(async () => {
    await Promise.all(dbs.map((db) => db.close()));
    dbs = [];
  });

  it('lets exactly one instance claim each tenant day, whatever the races', async () => {
    const schema = newSchema();
    dbs = await Promise.all([1, 2, 3, 4].map(() => openIn(schema)));
    const clock = manualClock();
    await migrate(dbs[0]!, clock.now());
    const ledgers = dbs.map((db) => new SqlRunLedger({ db, clock }));
    const days = [1, 2, 3, 4, 5].map((n) => ({
      tenant: hubSpotTenant(100 + n),
      localDate: '2026-03-29',
      kind: 'due' as const,
    }));
    const results = await Promise.all(
      days.flatMap((d) => ledgers.flatMap((ledger) => [ledger.claim(d, 600_000), ledger.claim(d, 600_000)])),
    );
    const won = results.flatMap((r) => (r.claimed ? [r.claim.tenant.accountId] : []));
    expect(won.sort()).toEqual(['101', '102', '103', '104', '105']);
    expect(results.filter((r) => !r.claimed)).toHaveLength(days.length * 7);
  });

  it('lets one instance take over a lapsed lease when several try at once', async () => {
    const schema = newSchema();
    dbs = await Promise.all([1, 2, 3].map(() => openIn(schema)));
    const clock = manualClock();
    await migrate(dbs[0]!, clock.now());
    const ledgers = dbs.map((db) => new SqlRunLedger({ db, clock }));
    const d = { tenant: hubSpotTenant(7), localDate: '2026-03-29', kind: 'full' as const };
    expect((await ledgers[0]!.claim(d, 60_000)).claimed).toBe(true);
    clock.advance(60_000);
    const results = await Promise.all(ledgers.flatMap((l) => [l.claim(d, 60_000), l.claim(d, 60_000)]));
    const won = results.flatMap((r) => (r.claimed ? [r.claim.attempt] : []));
    expect(won).toEqual([2]);
  });
});
