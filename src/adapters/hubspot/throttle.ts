/**
 * Our own per-portal throttle. HubSpot allows an OAuth app 110 requests per rolling 10 s per installed
 * portal, and limits search separately (about 5 per second). @hubspot/api-client's limiter is a process-wide
 * singleton (the last client constructed wins), so we never rely on it: each portal gets its own windows.
 */
import type { Clock } from '../../ports/clock.js';

/**
 * A rolling-window limiter: at most `limit` acquisitions in any `windowMs`. Waiters are served first come,
 * first served, so a burst cannot starve an earlier request.
 *
 * A slot counts from the moment it is taken; when the caller reports the answer (`done`), it counts again
 * from then on. HubSpot counts a request when it arrives, somewhere between the two, so counting from the
 * answer keeps our window at least as full as HubSpot's however long the request took to leave this process
 * (a busy event loop, a slow network): no 429 from skew.
 */
export class RollingWindowLimiter {
  /** One entry per slot, oldest first (an answered slot moves to the end with the time of its answer). */
  private readonly stamps: { t: number }[] = [];
  private tail: Promise<void> = Promise.resolve();
  private pausedUntil = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`limit must be a positive integer, got ${limit}`);
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
  }

  /** Resolves when the caller may send one request, with the function to call when its answer came. */
  acquire(): Promise<() => void> {
    const turn = this.tail.then(() => this.take());
    // A failed take (only a clock bug could cause one) must not block every later caller.
    this.tail = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** HubSpot said the window is full (a 429): send nothing more until `ms` from now. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /** Acquisitions in the current window (for tests and metrics). */
  inWindow(): number {
    this.prune(this.clock.now());
    return this.stamps.length;
  }

  private prune(now: number): void {
    while (this.stamps.length > 0 && this.stamps[0]!.t <= now - this.windowMs) this.stamps.shift();
  }

  private async take(): Promise<() => void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      this.prune(now);
      if (this.stamps.length < this.limit) {
        const slot = { t: now };
        this.stamps.push(slot);
        return () => this.answered(slot);
      }
      await this.clock.sleep(this.stamps[0]!.t + this.windowMs - now);
    }
  }

  /** Every stamp is in the past, so the answer's time goes last and the list stays in order. */
  private answered(slot: { t: number }): void {
    const i = this.stamps.indexOf(slot);
    if (i >= 0) this.stamps.splice(i, 1);
    this.stamps.push({ t: this.clock.now() });
  }
}

export interface ThrottleSettings {
  /** Requests per rolling window per portal; below HubSpot's 110 to leave headroom. */
  readonly perWindow: number;
  readonly windowMs: number;
  /** Search requests per second per portal. */
  readonly searchPerSecond: number;
  /**
   * The search window (default 1,000 ms). Benchmarks against a time-scaled sandbox scale it with `windowMs`,
   * so that both limits keep HubSpot's ratio.
   */
  readonly searchWindowMs?: number;
}

/** 100 of HubSpot's 110 per 10 s (about 9% headroom for clock skew and other callers), 4 searches/s of 5. */
export const DEFAULT_THROTTLE: ThrottleSettings = { perWindow: 100, windowMs: 10_000, searchPerSecond: 4 };

export type RequestKind = 'general' | 'search';

/** One limiter pair per portal, created on first use. */
export class PortalThrottle {
  private readonly portals = new Map<
    string,
    { general: RollingWindowLimiter; search: RollingWindowLimiter }
  >();

  constructor(
    private readonly clock: Clock,
    readonly settings: ThrottleSettings = DEFAULT_THROTTLE,
  ) {}

  private limiters(portalId: string) {
    let entry = this.portals.get(portalId);
    if (!entry) {
      entry = {
        general: new RollingWindowLimiter(this.settings.perWindow, this.settings.windowMs, this.clock),
        search: new RollingWindowLimiter(
          this.settings.searchPerSecond,
          this.settings.searchWindowMs ?? 1_000,
          this.clock,
        ),
      };
      this.portals.set(portalId, entry);
    }
    return entry;
  }

  /**
   * Waits for a slot (a search counts against both HubSpot limits, so it waits for both); the function it
   * resolves with is called when the request's answer (or failure) came back.
   */
  async acquire(portalId: string, kind: RequestKind): Promise<() => void> {
    const { general, search } = this.limiters(portalId);
    const searched = kind === 'search' ? await search.acquire() : undefined;
    const generalDone = await general.acquire();
    return () => {
      searched?.();
      generalDone();
    };
  }

  pause(portalId: string, kind: RequestKind, ms: number): void {
    const { general, search } = this.limiters(portalId);
    (kind === 'search' ? search : general).pauseFor(ms);
  }
}
