/**
 * The pg-boss job queue against the real PostgreSQL (127.0.0.1:5432, database `test`; override with
 * TEST_DATABASE_URL), in a pg-boss schema of this run's own (`pgboss_<random>`), dropped at the end: the
 * port's contract, and two instances on the same schema sharing the work without running a job twice.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import pg from 'pg';
import { PgBossJobQueue } from '../../src/adapters/jobs/pg-boss.js';
import type { QueueDefinition } from '../../src/ports/jobs.js';
import { eventually, jobQueueContract } from './job-queue-contract.js';

jest.setTimeout(60_000);

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `pgboss_${process.pid}_${randomBytes(4).toString('hex')}`;
const errors: Error[] = [];

const open = (): Promise<PgBossJobQueue> =>
  PgBossJobQueue.open({
    connectionString: DATABASE_URL,
    schema: SCHEMA,
    max: 3,
    pollingIntervalSeconds: 0.5,
    onError: (error) => errors.push(error),
  });

afterAll(async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  } finally {
    await client.end();
  }
});

afterEach(() => {
  expect(errors).toEqual([]);
});

describe('PgBossJobQueue', () => {
  jobQueueContract({
    open,
    // pg-boss counts in whole seconds; with backoff the n-th retry waits retryDelay * 2^(n-1) * (0.5 to 1).
    retry: { retryLimit: 3, retryDelayMs: 1_000, retryDelayMaxMs: 10_000 },
    minRetryGapMs: (retry) => 1_000 * 2 ** (retry - 1) * 0.5 - 50,
    patienceMs: 20_000,
  });
});

describe('two pg-boss instances on the same schema', () => {
  it('share the queue: every job runs exactly once, on one instance or the other', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    try {
      const definition: QueueDefinition = {
        name: 'shared',
        retry: { retryLimit: 0, retryDelayMs: 1_000, retryDelayMaxMs: 1_000 },
        concurrency: 2,
        timeoutMs: 60_000,
      };
      await Promise.all([a.createQueue(definition), b.createQueue(definition)]);
      const runs: { instance: string; n: unknown }[] = [];
      const handler = (instance: string) => async (job: { data: unknown }) => {
        runs.push({ instance, n: (job.data as { n: number }).n });
        await new Promise((resolve) => setTimeout(resolve, 50));
      };
      await a.work('shared', handler('a'));
      await b.work('shared', handler('b'));
      // Both instances send every job, as two ticking instances would: the singleton key lets one through.
      const sent = await Promise.all(
        Array.from({ length: 12 }, (_, n) => [
          a.send('shared', { n }, { singletonKey: `tenant-${n}:2026-03-29` }),
          b.send('shared', { n }, { singletonKey: `tenant-${n}:2026-03-29` }),
        ]).flat(),
      );
      expect(sent.filter((id) => id !== null)).toHaveLength(12);
      await eventually(async () => (await a.counts('shared')).completed === 12, 20_000);
      expect(runs.map((r) => r.n).sort((x, y) => Number(x) - Number(y))).toEqual(
        Array.from({ length: 12 }, (_, n) => n),
      );
      expect(await b.counts('shared')).toMatchObject({ completed: 12, queued: 0, active: 0, failed: 0 });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('refuses to work a queue it was not asked to create, with a sentence saying what to call', async () => {
    const q = await open();
    try {
      await expect(q.work('never-created', () => Promise.resolve())).rejects.toThrow(
        'queue never-created was not created here: call createQueue first',
      );
    } finally {
      await q.stop();
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(PgBossJobQueue.open({ connectionString: DATABASE_URL, schema: 'x; DROP' })).rejects.toThrow(
      /schema/,
    );
  });
});
