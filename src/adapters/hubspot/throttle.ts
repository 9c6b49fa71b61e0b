/**
 * Our own per-portal throttle. HubSpot allows an OAuth app 110 requests per rolling 10 s per installed
 * portal, and limits search separately (about 5 per second). @hubspot/api-client's limiter is a process-wide
 * singleton (the last client constructed wins), so we never rely on it: each portal gets its own windows.
 */
import type { Clock } from '../../ports/clock.js';

/**
 * A rolling-window limiter: at most `limit` acquisitions in any `windowMs`. Waiters are served first come,
 * first served, so a burst cannot starve an earlier request.
 */
export class RollingWindowLimiter {
  private readonly stamps: number[] = [];
  private tail: Promise<void> = Promise.resolve();
  private pausedUntil = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
  }

  /** Resolves when the caller may send one request. */
  acquire(): Promise<void> {
    const turn = this.tail.then(() => this.take());
    // A failed take (only a clock bug could cause one) must not block every later caller.
    this.tail = turn.catch(() => undefined);
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
    while (this.stamps.length > 0 && this.stamps[0]! <= now - this.windowMs) this.stamps.shift();
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now);
        continue;
      }
      this.prune(now);
      if (this.stamps.length < this.limit) {
        this.stamps.push(now);
        return;
      }
      await this.clock.sleep(this.stamps[0]! + this.windowMs - now);
    }
  }
}

export interface ThrottleSettings {
  /** Requests per rolling window per portal; below HubSpot's 110 to leave headroom. */
  readonly perWindow: number;
  readonly windowMs: number;
  /** Search requests per second per portal. */
  readonly searchPerSecond: number;
}

/** 100 of HubSpot's 110 per 10 s (about 9% headroom for clock skew and other callers), 4 searches/s of 5. */
export const DEFAULT_THROTTLE: ThrottleSettings = { perWindow: 100, windowMs: 10_000, searchPerSecond: 4 };

export type RequestKind = 'general' | 'search';

/** One limiter pair per portal, created on first use. */
export class PortalThrottle {
  private readonly portals = new Map<string, { general: RollingWindowLimiter; search: RollingWindowLimiter }>();

  constructor(
    private readonly clock: Clock,
    readonly settings: ThrottleSettings = DEFAULT_THROTTLE,
  ) {}

  private limiters(portalId: string) {
    let entry = this.portals.get(portalId);
    if (!entry) {
      entry = {
        general: new RollingWindowLimiter(this.settings.perWindow, this.settings.windowMs, this.clock),
        search: new RollingWindowLimiter(this.settings.searchPerSecond, 1_000, this.clock),
      };
      this.portals.set(portalId, entry);
    }
    return entry;
  }

  /** A search counts against both HubSpot limits, so it waits for both. */
  async acquire(portalId: string, kind: RequestKind): Promise<void> {
    const { general, search } = this.limiters(portalId);
    if (kind === 'search') await search.acquire();
    await general.acquire();
  }

  pause(portalId: string, kind: RequestKind, ms: number): void {
    const { general, search } = this.limiters(portalId);
    (kind === 'search' ? search : general).pauseFor(ms);
  }
}
