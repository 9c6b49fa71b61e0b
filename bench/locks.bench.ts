/**
 * What the per-deal write lock costs: lock + release around an empty task, one after another, for the
 * in-process lock (SQLite, one instance) and the PostgreSQL advisory lock (several instances), beside a
 * baseline measured in the same run (an empty task with no lock; and one `SELECT 1` round trip to the same
 * PostgreSQL, the floor of any lock kept there). Then 2 × 20 parallel callers on one deal through two
 * PostgreSQL-backed lock sets (two instances): how long each waits in turn.
 *
 *   npm run bench:locks      (PostgreSQL at DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { InProcessDealLocks, PostgresDealLocks } from '../src/adapters/locks/deal-locks.js';
import type { DealRef } from '../src/domain/model.js';
import { ok } from '../src/domain/result.js';
import type { DealLocks } from '../src/ports/deal-locks.js';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = 2_000;
const deal: DealRef = { crm: 'hubspot', accountId: 'bench', dealId: '1' };
const empty = () => Promise.resolve(ok(undefined));

async function perOp(run: () => Promise<unknown>, n = N): Promise<number> {
  for (let i = 0; i < 50; i++) await run();
  const start = performance.now();
  for (let i = 0; i < n; i++) await run();
  return ((performance.now() - start) / n) * 1000;
}

const inProcess = new InProcessDealLocks();
const pgA = new PostgresDealLocks({ connectionString: URL });
const pgB = new PostgresDealLocks({ connectionString: URL });
const plain = new pg.Pool({ connectionString: URL, max: 2 });

const rows: [string, number][] = [
  ['baseline: empty task, no lock', await perOp(empty)],
  ['in-process lock', await perOp(() => inProcess.run(deal, empty))],
  ['baseline: SELECT 1 on PostgreSQL', await perOp(() => plain.query('SELECT 1'))],
  ['PostgreSQL advisory lock (BEGIN, lock, COMMIT)', await perOp(() => pgA.run(deal, empty))],
];

// Contention: 40 callers on one deal, half on each "instance", each holding the lock 2 ms.
const hold = () =>
  new Promise<ReturnType<typeof ok<undefined>>>((r) => setTimeout(() => r(ok(undefined)), 2));
const locks: DealLocks[] = [pgA, pgB];
const waits: number[] = [];
const start = performance.now();
await Promise.all(
  Array.from({ length: 40 }, async (_, i) => {
    const asked = performance.now();
    await locks[i % 2]!.run(deal, async () => {
      waits.push(performance.now() - asked);
      return hold();
    });
  }),
);
const wall = performance.now() - start;
waits.sort((a, b) => a - b);

console.log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}, ${N} sequential runs each`,
);
console.log('| what | µs per lock + release |');
console.log('|---|---:|');
for (const [what, us] of rows) console.log(`| ${what} | ${us.toFixed(1)} |`);
console.log(
  `\n40 callers on one deal over two instances, each holding 2 ms: all done in ${wall.toFixed(0)} ms ` +
    `(floor 40 × 2 = 80 ms); wait p50 ${waits[20]!.toFixed(0)} ms, max ${waits.at(-1)!.toFixed(0)} ms`,
);
console.log(
  JSON.stringify({
    perOpMicros: Object.fromEntries(rows),
    contention: {
      wallMs: Math.round(wall),
      p50WaitMs: Math.round(waits[20]!),
      maxWaitMs: Math.round(waits.at(-1)!),
    },
  }),
);
await Promise.all([pgA.close(), pgB.close(), plain.end()]);
