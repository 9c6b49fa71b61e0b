import type { Clock } from '../../ports/clock.js';
import { PortalThrottle, RollingWindowLimiter } from './throttle.js';

/** A clock that only moves when a sleeper asks it to: tests run instantly and exactly. */
function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.t += Math.max(0, ms);
      return Promise.resolve();
    },
  };
  return clock;
}

describe('RollingWindowLimiter', () => {
  it('lets at most `limit` requests through in any window', async () => {
    const clock = fakeClock();
    const limiter = new RollingWindowLimiter(3, 1_000, clock);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      await limiter.acquire();
      times.push(clock.now());
    }
    expect(times).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t > times[i]! - 1_000 && t <= times[i]!).length;
      expect(inWindow).toBeLessThanOrEqual(3);
    }
  });

  it('serves concurrent waiters in arrival order', async () => {
    const clock = fakeClock();
    const limiter = new RollingWindowLimiter(1, 100, clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('sends nothing while paused after a 429', async () => {
    const clock = fakeClock();
    const limiter = new RollingWindowLimiter(10, 1_000, clock);
    limiter.pauseFor(500);
    await limiter.acquire();
    expect(clock.now()).toBe(500);
  });
});

describe('PortalThrottle', () => {
  it('keeps portals independent', async () => {
    const clock = fakeClock();
    const throttle = new PortalThrottle(clock, { perWindow: 2, windowMs: 10_000, searchPerSecond: 1 });
    await throttle.acquire('a', 'general');
    await throttle.acquire('a', 'general');
    await throttle.acquire('b', 'general');
    expect(clock.now()).toBe(0);
    await throttle.acquire('a', 'general');
    expect(clock.now()).toBe(10_000);
  });

  it('counts a search against the search limit and the general limit', async () => {
    const clock = fakeClock();
    const throttle = new PortalThrottle(clock, { perWindow: 100, windowMs: 10_000, searchPerSecond: 2 });
    for (let i = 0; i < 5; i++) await throttle.acquire('a', 'search');
    expect(clock.now()).toBe(2_000);
  });
});

describe('counting from the answer', () => {
  it('keeps an answered slot in the window until a window after its answer, so HubSpot’s count (on arrival) never exceeds ours', async () => {
    const clock = fakeClock();
    const limiter = new RollingWindowLimiter(2, 1_000, clock);
    const first = await limiter.acquire();
    await limiter.acquire();
    clock.t = 400; // the first request took 400 ms to be answered (it may have arrived at HubSpot at 399)
    first();
    await limiter.acquire(); // the second slot, taken at 0, frees at 1,000
    expect(clock.now()).toBe(1_000);
    await limiter.acquire(); // the first counts until 1,400, a window after its answer
    expect(clock.now()).toBe(1_400);
  });
});
