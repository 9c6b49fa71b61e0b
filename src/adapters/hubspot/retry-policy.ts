/**
 * Our retry policy for HubSpot calls (the SDK's own retry is off: see DESIGN.md).
 * - 429 TEN_SECONDLY_ROLLING (or a 429 with no policy): HubSpot did not process the request, so waiting
 *   and sending it again is safe for every request.
 * - 429 DAILY: the portal's daily allowance is gone; retrying only burns calls, so fail at once.
 * - 5xx and network failures: the request may or may not have landed, so only idempotent requests are
 *   retried (reads, upserts by a unique key, updates that carry full values), with exponential backoff
 *   and full jitter.
 * - Every other 4xx: our request is wrong; retrying cannot help.
 */
export interface RetrySettings {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Wait after a ten-secondly 429 when HubSpot gives no interval. */
  readonly rateLimitWaitMs: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  rateLimitWaitMs: 1_000,
};

export type AttemptOutcome =
  | {
      readonly kind: 'rate_limited';
      readonly policy: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY' | 'UNKNOWN';
      readonly waitMs?: number;
    }
  | { readonly kind: 'server_error'; readonly status: number }
  | { readonly kind: 'network_error' }
  | { readonly kind: 'client_error'; readonly status: number };

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

/**
 * Decides whether attempt number `attempt` (1-based) that ended in `outcome` is tried again, and after how
 * long. `random` is in [0, 1) and gives the jitter.
 */
export function decideRetry(
  outcome: AttemptOutcome,
  attempt: number,
  idempotent: boolean,
  settings: RetrySettings,
  random: () => number,
): RetryDecision {
  if (attempt >= settings.maxAttempts) return { retry: false };
  switch (outcome.kind) {
    case 'rate_limited':
      if (outcome.policy === 'DAILY') return { retry: false };
      // Spread the retries a little so that several waiting requests do not all land on the same instant.
      return {
        retry: true,
        delayMs: (outcome.waitMs ?? settings.rateLimitWaitMs) + Math.floor(random() * 100),
      };
    case 'server_error':
    case 'network_error': {
      if (!idempotent) return { retry: false };
      const cap = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1));
      return { retry: true, delayMs: Math.floor(random() * cap) };
    }
    case 'client_error':
      return { retry: false };
  }
}
