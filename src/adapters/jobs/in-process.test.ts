import { eventually, jobQueueContract } from '../../../test/jobs/job-queue-contract.js';
import { backoffMs, InProcessJobQueue } from './in-process.js';
import type { QueueDefinition } from '../../ports/jobs.js';

const RETRY = { retryLimit: 3, retryDelayMs: 40, retryDelayMaxMs: 1_000 };

describe('InProcessJobQueue', () => {
  jobQueueContract({
    open: () => Promise.resolve(new InProcessJobQueue()),
    retry: RETRY,
    // No jitter: exactly the delay, doubled per retry (timers may fire a millisecond early).
    minRetryGapMs: (retry) => RETRY.retryDelayMs * 2 ** (retry - 1) - 2,
    patienceMs: 5_000,
  });
});

describe('InProcessJobQueue on its own', () => {
  const definition = (extra: Partial<QueueDefinition> = {}): QueueDefinition => ({
    name: 'q',
    retry: RETRY,
    concurrency: 1,
    timeoutMs: 60_000,
    ...extra,
  });

  it('doubles the wait per retry, up to the maximum', () => {
    const d = definition({ retry: { retryLimit: 10, retryDelayMs: 100, retryDelayMaxMs: 500 } });
    expect([1, 2, 3, 4, 5].map((r) => backoffMs(d, r))).toEqual([100, 200, 400, 500, 500]);
  });

  it('fails an attempt that runs past the timeout, aborts its signal, and retries the job', async () => {
    const queue = new InProcessJobQueue();
    try {
      await queue.createQueue(definition({ timeoutMs: 50, retry: { ...RETRY, retryLimit: 1 } }));
      const signals: AbortSignal[] = [];
      await queue.work('q', async (job) => {
        signals.push(job.signal);
        if (job.attempt === 1) await new Promise((resolve) => setTimeout(resolve, 200));
      });
      await queue.send('q', {});
      await eventually(async () => (await queue.counts('q')).completed === 1, 5_000);
      expect(signals).toHaveLength(2);
      expect(signals[0]!.aborted).toBe(true);
      expect(signals[1]!.aborted).toBe(false);
    } finally {
      await queue.stop();
    }
  });

  it('stop waits for the running job, then takes no more', async () => {
    const queue = new InProcessJobQueue();
    await queue.createQueue(definition());
    let finished = false;
    await queue.work('q', async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      finished = true;
    });
    await queue.send('q', {});
    await eventually(async () => (await queue.counts('q')).active === 1, 1_000);
    await queue.stop();
    expect(finished).toBe(true);
    await expect(queue.send('q', {})).rejects.toThrow(/stopped/);
  });

  it('refuses a queue that was not created, with a sentence saying what to call first', async () => {
    const queue = new InProcessJobQueue();
    await expect(queue.send('nope', {})).rejects.toThrow(
      'queue nope was not created: call createQueue first',
    );
    await queue.stop();
  });
});
