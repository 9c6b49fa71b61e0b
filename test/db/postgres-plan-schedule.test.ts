/**
 * The next-change index on PostgreSQL (127.0.0.1:5432, database `test`, user postgres, trust auth; override
 * with TEST_DATABASE_URL). Each test gets its own schema, dropped at the end, so parallel runs never meet.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/adapters/db/migrations.js';
import { SqlPlanSchedule } from '../../src/adapters/db/plan-schedule.js';
import { openPostgres } from '../../src/adapters/db/postgres.js';
import { planScheduleContract } from './plan-schedule-contract.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `maps_${process.pid}_${randomBytes(4).toString('hex')}`;
let counter = 0;
const created: string[] = [];

afterAll(async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    for (const schema of created) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});

describe('SqlPlanSchedule on PostgreSQL', () => {
  planScheduleContract({
    open: async (clock) => {
      const schema = `${RUN}_${++counter}`;
      created.push(schema);
      const db = await openPostgres({ connectionString: DATABASE_URL, schema, max: 3 });
      await migrate(db, clock.now());
      return { schedule: new SqlPlanSchedule({ db, clock }), close: () => db.close() };
    },
  });
});
