/**
 * The behaviour every JobQueue must have (src/ports/jobs.ts), run against the in-process queue and pg-boss on
 * PostgreSQL: singleton keys, retries with backoff, failure once the retries are spent, bounded concurrency,
 * counts and listing. Each test gets a queue name of its own.
 */
import type { JobContext, JobQueue, QueueDefinition, RetryPolicy } from '../../src/ports/jobs.js';

export interface QueueHarness {
  /** A started queue engine; stopped by the test. */
  open(): Promise<JobQueue>;
  /** The retry policy the tests use (as short as the engine allows). */
  readonly retry: RetryPolicy;
  /** The shortest wait the engine may leave before retry number `retry` (1 for the first). */
  minRetryGapMs(retry: number): number;
  /** How long the tests wait for a job to get through (the engine's polling included). */
  readonly patienceMs: number;
}

/** Polls `check` until it holds (or throws after `timeoutMs`). */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let counter = 0;

export function jobQueueContract(harness: QueueHarness): void {
  let queue: JobQueue;
  let name: string;
  const define = (extra: Partial<QueueDefinition> = {}): QueueDefinition => ({
    name,
    retry: harness.retry,
    concurrency: 2,
    timeoutMs: 60_000,
    ...extra,
  });
  const settled = async (state: 'completed' | 'failed', n = 1): Promise<void> =>
    eventually(async () => (await queue.counts(name))[state] >= n, harness.patienceMs);

  beforeEach(async () => {
    name = `q_${process.pid}_${++counter}`;
    queue = await harness.open();
  });
  afterEach(async () => {
    await queue.stop();
  });

  it('refuses a second job with the same singleton key while the first waits, and takes it once the first is done', async () => {
    await queue.createQueue(define());
    const first = await queue.send(name, { n: 1 }, { singletonKey: 'tenant-a:2026-03-29' });
    expect(first).toEqual(expect.any(String));
    expect(await queue.send(name, { n: 2 }, { singletonKey: 'tenant-a:2026-03-29' })).toBeNull();
    expect(await queue.send(name, { n: 3 }, { singletonKey: 'tenant-b:2026-03-29' })).toEqual(
      expect.any(String),
    );
    const seen: unknown[] = [];
    await queue.work(name, (job) => {
      seen.push(job.data);
      return Promise.resolve();
    });
    await settled('completed', 2);
    expect(seen).toHaveLength(2);
    expect(seen).toEqual(expect.arrayContaining([{ n: 1 }, { n: 3 }]));
    expect(await queue.send(name, { n: 4 }, { singletonKey: 'tenant-a:2026-03-29' })).toEqual(
      expect.any(String),
    );
    await settled('completed', 3);
  });

  it('refuses a second job with the same singleton key while the first is running', async () => {
    await queue.createQueue(define());
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    await queue.work(name, async () => {
      started = true;
      await released;
    });
    await queue.send(name, {}, { singletonKey: 'k' });
    await eventually(() => started, harness.patienceMs);
    expect((await queue.counts(name)).active).toBe(1);
    expect(await queue.send(name, {}, { singletonKey: 'k' })).toBeNull();
    release();
    await settled('completed');
    expect((await queue.counts(name)).completed).toBe(1);
  });

  it('retries a failing job with a growing wait, then completes it', async () => {
    await queue.createQueue(define());
    const attempts: { attempt: number; at: number }[] = [];
    await queue.work(name, (job: JobContext) => {
      attempts.push({ attempt: job.attempt, at: Date.now() });
      return job.attempt < 3 ? Promise.reject(new Error(`attempt ${job.attempt} fails`)) : Promise.resolve();
    });
    await queue.send(name, { tenant: 'a' }, { singletonKey: 'a' });
    await settled('completed');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(harness.minRetryGapMs(1));
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(harness.minRetryGapMs(2));
    const [listed] = await queue.list(name);
    expect(listed).toMatchObject({
      state: 'completed',
      attempts: 3,
      singletonKey: 'a',
      data: { tenant: 'a' },
    });
  });

  it('leaves a job failed once its retries are spent, and frees its singleton key', async () => {
    await queue.createQueue(define({ retry: { ...harness.retry, retryLimit: 1 } }));
    let calls = 0;
    await queue.work(name, () => {
      calls++;
      return Promise.reject(new Error('always fails'));
    });
    await queue.send(name, {}, { singletonKey: 'k' });
    await settled('failed');
    expect(calls).toBe(2);
    expect(await queue.counts(name)).toMatchObject({ failed: 1, queued: 0, retry: 0, active: 0 });
    expect(await queue.send(name, {}, { singletonKey: 'k' })).toEqual(expect.any(String));
  });

  it('runs at most `concurrency` jobs of a queue at once', async () => {
    await queue.createQueue(define({ concurrency: 2 }));
    let active = 0;
    let most = 0;
    await queue.work(name, async () => {
      active++;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 150));
      active--;
    });
    for (let i = 0; i < 6; i++) await queue.send(name, { i }, { singletonKey: `k${i}` });
    await settled('completed', 6);
    expect(most).toBeLessThanOrEqual(2);
    expect(most).toBeGreaterThanOrEqual(1);
  });

  it('counts jobs by state and lists the newest first', async () => {
    await queue.createQueue(define());
    await queue.send(name, { i: 1 });
    await queue.send(name, { i: 2 });
    expect(await queue.counts(name)).toMatchObject({ queued: 2, active: 0, completed: 0 });
    const listed = await queue.list(name, { limit: 10 });
    expect(listed.map((j) => [j.data, j.state, j.attempts, j.startedAt])).toEqual([
      [{ i: 2 }, 'queued', 0, null],
      [{ i: 1 }, 'queued', 0, null],
    ]);
  });
}
