/**
 * The deal locks: one writer per deal, in one process and across instances sharing PostgreSQL
 * (127.0.0.1:5432, database `test`, trust auth; TEST_DATABASE_URL overrides).
 */
import type { DealRef } from '../../domain/model.js';
import { ok } from '../../domain/result.js';
import type { DealLocks } from '../../ports/deal-locks.js';
import { InProcessDealLocks, PostgresDealLocks } from './deal-locks.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const deal = (dealId: string): DealRef => ({ crm: 'hubspot', accountId: `9${process.pid}`, dealId });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `n` tasks on one deal through the given locks (round robin) and records how many overlapped. */
async function overlap(locks: readonly DealLocks[], n: number, key = deal('1')): Promise<number> {
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      locks[i % locks.length]!.run(key, async () => {
        inside++;
        most = Math.max(most, inside);
        await sleep(5);
        inside--;
        return ok(i);
      }),
    ),
  );
  return most;
}

describe('InProcessDealLocks', () => {
  test('tasks on one deal never overlap; tasks on different deals do', async () => {
    const locks = new InProcessDealLocks();
    expect(await overlap([locks], 20)).toBe(1);
    let inside = 0;
    let most = 0;
    await Promise.all(
      ['1', '2', '3'].map((id) =>
        locks.run(deal(id), async () => {
          inside++;
          most = Math.max(most, inside);
          await sleep(20);
          inside--;
          return ok(id);
        }),
      ),
    );
    expect(most).toBe(3);
    expect(locks.held).toBe(0);
  });
});

describe('PostgresDealLocks (two instances on one database)', () => {
  const opened: PostgresDealLocks[] = [];
  const open = (waitMs?: number): PostgresDealLocks => {
    const locks = new PostgresDealLocks({
      connectionString: DATABASE_URL,
      max: 4,
      ...(waitMs === undefined ? {} : { waitMs }),
    });
    opened.push(locks);
    return locks;
  };
  afterAll(() => Promise.all(opened.map((l) => l.close())));

  test('tasks on one deal never overlap across instances', async () => {
    expect(await overlap([open(), open()], 30, deal('2'))).toBe(1);
  });

  test('a deal held too long by another instance answers DEAL_BUSY without running the task', async () => {
    const a = open();
    const b = open(150);
    let release: () => void = () => undefined;
    const held = a.run(
      deal('3'),
      () => new Promise<ReturnType<typeof ok<string>>>((resolve) => (release = () => resolve(ok('a')))),
    );
    await sleep(50);
    let ran = false;
    const busy = await b.run<string, never>(deal('3'), () => {
      ran = true;
      return Promise.resolve(ok('b'));
    });
    expect(ran).toBe(false);
    expect(busy).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'DEAL_BUSY', retryAfterMs: 2_000 }),
    });
    if (!busy.ok && busy.error.code === 'DEAL_BUSY')
      expect(busy.error.message).toMatch(
        /^Another change to this plan has been saving for over .* Try again in a moment\.$/,
      );
    release();
    expect(await held).toEqual(ok('a'));
    // Released: the other instance gets it now.
    expect(await b.run(deal('3'), () => Promise.resolve(ok('b')))).toEqual(ok('b'));
  });

  test('when every lock connection is held by saves of other deals for too long, a save answers DEAL_BUSY', async () => {
    const locks = new PostgresDealLocks({ connectionString: DATABASE_URL, max: 1, waitMs: 150 });
    opened.push(locks);
    let release: () => void = () => undefined;
    const held = locks.run(
      deal('5'),
      () => new Promise<ReturnType<typeof ok<string>>>((resolve) => (release = () => resolve(ok('5')))),
    );
    await sleep(30);
    const other = await locks.run<string, never>(deal('6'), () => Promise.resolve(ok('6')));
    expect(other).toEqual({ ok: false, error: expect.objectContaining({ code: 'DEAL_BUSY' }) });
    release();
    expect(await held).toEqual(ok('5'));
  });

  test('a task that throws releases the lock', async () => {
    const a = open();
    await expect(a.run(deal('4'), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await open(500).run(deal('4'), () => Promise.resolve(ok('next')))).toEqual(ok('next'));
  });
});
