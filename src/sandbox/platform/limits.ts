/**
 * Per-portal rate limits, as HubSpot applies them to an OAuth app installed in a portal:
 * - a rolling window of `perTenSeconds` requests per 10 s (policy TEN_SECONDLY_ROLLING), counting every
 *   authenticated API call;
 * - a separate limit for CRM search (`POST .../search`), `searchPerSecond` per second (policy SECONDLY);
 * - optionally a daily limit (policy DAILY) for static (private-app) tokens, reset at midnight in the portal's
 *   time zone (account-info-v3.json: a private app's usage `resetsAt` "2020-04-10T04:00:00Z", midnight in the
 *   example account's US/Eastern). OAuth calls have no daily limit and get no daily headers: "OAuth
 *   authenticated calls will not include X-HubSpot-RateLimit-Daily or X-HubSpot-RateLimit-Daily-Remaining
 *   because there is no daily limit for these calls" (developers.hubspot.com/changelog/
 *   rate-limit-headers-will-now-appear-for-oauth-authenticated-calls).
 * `timeScale` shrinks every window (0.01 turns 10 s into 100 ms) so tests can watch a window pass.
 * A refused request is not counted, so a caller that waits out the window gets through again.
 */
import { randomUUID } from 'node:crypto';
import { timeZoneOffsetMs } from './time-zone.js';

export interface RateLimitSettings {
  /** Requests per rolling 10 s window; null = no limit. */
  perTenSeconds: number | null;
  /** Search requests per rolling second; null = no limit. */
  searchPerSecond: number | null;
  /** Requests per day of static (private-app) tokens; null = no daily limit. OAuth calls never have one. */
  daily: number | null;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = { perTenSeconds: 110, searchPerSecond: 5, daily: null };

const TEN_SECONDS_MS = 10_000;
const ONE_SECOND_MS = 1_000;
const ONE_DAY_MS = 86_400_000;

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

export interface RateLimitBody {
  status: 'error';
  message: string;
  errorType: 'RATE_LIMIT';
  correlationId: string;
  policyName: RateLimitPolicy;
  groupName: string;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; headers: Record<string, string>; body: RateLimitBody };

/** Timestamps inside a rolling window; the oldest drop off as the window moves. */
class RollingWindow {
  private stamps: number[] = [];
  private head = 0;

  count(now: number, windowMs: number): number {
    while (this.head < this.stamps.length && (this.stamps[this.head] ?? 0) <= now - windowMs) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
    return this.stamps.length - this.head;
  }

  add(now: number): void {
    this.stamps.push(now);
  }
}

/** What the limiter needs to know about one request. */
export interface RateRequest {
  /** CRM search (`POST …/search`): its own SECONDLY limit, no rate-limit headers. */
  search: boolean;
  /** Made with an OAuth access token: no daily limit, no daily headers. */
  oauth: boolean;
  /** The portal's IANA time zone: its day, and so the daily limit, starts at midnight there. */
  timeZone: string;
}

interface PortalCounters {
  tenSecond: RollingWindow;
  search: RollingWindow;
  day: number;
  dayCount: number;
}

/**
 * The 429 body HubSpot documents: status, message naming the policy, errorType RATE_LIMIT, correlationId,
 * policyName and groupName. For search the message is "You have reached your secondly limit." — the text
 * @hubspot/api-client's retry decorator looks for to back off a search call.
 */
export function rateLimitBody(policy: RateLimitPolicy, portalId: number): RateLimitBody {
  const message =
    policy === 'TEN_SECONDLY_ROLLING'
      ? 'You have reached your ten_secondly_rolling limit.'
      : policy === 'SECONDLY'
        ? 'You have reached your secondly limit.'
        : 'You have reached your daily limit.';
  const groupName =
    policy === 'TEN_SECONDLY_ROLLING'
      ? `publicapi:oauth:ten-secondly-rolling:${portalId}`
      : policy === 'SECONDLY'
        ? `publicapi:crm-search:secondly:${portalId}`
        : `publicapi:oauth:daily:${portalId}`;
  return {
    status: 'error',
    message,
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
    groupName,
  };
}

export class RateLimiter {
  private readonly settings = new Map<number, RateLimitSettings>();
  private readonly counters = new Map<number, PortalCounters>();

  constructor(
    private readonly defaults: RateLimitSettings,
    private readonly timeScale: number,
    private readonly now: () => number,
  ) {}

  settingsFor(portalId: number): RateLimitSettings {
    return this.settings.get(portalId) ?? this.defaults;
  }

  set(portalId: number, settings: RateLimitSettings): void {
    this.settings.set(portalId, settings);
  }

  /** Forgets what a portal has used (its settings stay). */
  resetUsage(portalId?: number): void {
    if (portalId === undefined) this.counters.clear();
    else this.counters.delete(portalId);
  }

  get tenSecondWindowMs(): number {
    return Math.max(1, Math.round(TEN_SECONDS_MS * this.timeScale));
  }

  /** Checks and (when allowed) counts one request of a portal. */
  take(portalId: number, request: RateRequest): RateDecision {
    const isSearch = request.search;
    const settings = this.settingsFor(portalId);
    const now = this.now();
    const counters = this.countersFor(portalId, now, request.timeZone);
    const tenMs = this.tenSecondWindowMs;
    const searchMs = Math.max(1, Math.round(ONE_SECOND_MS * this.timeScale));
    const used = counters.tenSecond.count(now, tenMs);
    const headers: Record<string, string> = {};
    const limit = settings.perTenSeconds;
    const daily = request.oauth ? null : settings.daily;

    let refusal: RateLimitPolicy | undefined;
    if (daily !== null && counters.dayCount >= daily) refusal = 'DAILY';
    else if (limit !== null && used >= limit) refusal = 'TEN_SECONDLY_ROLLING';
    else if (
      isSearch &&
      settings.searchPerSecond !== null &&
      counters.search.count(now, searchMs) >= settings.searchPerSecond
    ) {
      refusal = 'SECONDLY';
    }

    if (refusal === undefined) {
      counters.tenSecond.add(now);
      if (isSearch) counters.search.add(now);
      if (daily !== null) counters.dayCount += 1;
    }
    const usedAfter = refusal === undefined ? used + 1 : used;
    // HubSpot leaves the X-HubSpot-RateLimit-* headers off search responses; the sandbox does the same.
    if (!isSearch && limit !== null) {
      headers['X-HubSpot-RateLimit-Max'] = String(limit);
      headers['X-HubSpot-RateLimit-Remaining'] = String(Math.max(0, limit - usedAfter));
      headers['X-HubSpot-RateLimit-Interval-Milliseconds'] = String(tenMs);
    }
    if (!isSearch && daily !== null) {
      headers['X-HubSpot-RateLimit-Daily'] = String(daily);
      headers['X-HubSpot-RateLimit-Daily-Remaining'] = String(Math.max(0, daily - counters.dayCount));
    }
    if (refusal === undefined) return { ok: true, headers };
    return { ok: false, headers, body: rateLimitBody(refusal, portalId) };
  }

  /** The portal's day number: days (scaled by timeScale) since the epoch of its time zone's wall clock. */
  private countersFor(portalId: number, now: number, timeZone: string): PortalCounters {
    const day = Math.floor(
      (now + timeZoneOffsetMs(timeZone, now)) / Math.max(1, ONE_DAY_MS * this.timeScale),
    );
    let counters = this.counters.get(portalId);
    if (!counters) {
      counters = { tenSecond: new RollingWindow(), search: new RollingWindow(), day, dayCount: 0 };
      this.counters.set(portalId, counters);
    }
    if (counters.day !== day) {
      counters.day = day;
      counters.dayCount = 0;
    }
    return counters;
  }
}

/** CRM search is `POST <anything>/search` (objects, and the per-type paths such as /crm/v3/objects/deals/search). */
export const isSearchRequest = (method: string, path: string): boolean =>
  method === 'POST' && /\/search\/?$/.test(path);
