import { DEFAULT_RETRY, decideRetry } from './retry-policy.js';

const half = () => 0.5;

describe('decideRetry', () => {
  it('waits and retries a ten-secondly 429 even for a non-idempotent create', () => {
    const d = decideRetry(
      { kind: 'rate_limited', policy: 'TEN_SECONDLY_ROLLING', waitMs: 800 },
      1,
      false,
      DEFAULT_RETRY,
      half,
    );
    expect(d).toEqual({ retry: true, delayMs: 850 });
  });

  it('never retries the daily limit', () => {
    expect(decideRetry({ kind: 'rate_limited', policy: 'DAILY' }, 1, true, DEFAULT_RETRY, half)).toEqual({
      retry: false,
    });
  });

  it('retries 5xx and network failures only for idempotent requests', () => {
    expect(decideRetry({ kind: 'server_error', status: 503 }, 1, true, DEFAULT_RETRY, half).retry).toBe(true);
    expect(decideRetry({ kind: 'network_error' }, 1, true, DEFAULT_RETRY, half).retry).toBe(true);
    expect(decideRetry({ kind: 'server_error', status: 503 }, 1, false, DEFAULT_RETRY, half)).toEqual({
      retry: false,
    });
    expect(decideRetry({ kind: 'network_error' }, 1, false, DEFAULT_RETRY, half)).toEqual({ retry: false });
  });

  it('never retries a 4xx validation error', () => {
    expect(decideRetry({ kind: 'client_error', status: 400 }, 1, true, DEFAULT_RETRY, half)).toEqual({
      retry: false,
    });
  });

  it('backs off exponentially with full jitter under a cap', () => {
    const max = () => 0.999999;
    const delays = [1, 2, 3].map((a) => {
      const d = decideRetry({ kind: 'server_error', status: 500 }, a, true, DEFAULT_RETRY, max);
      return d.retry ? d.delayMs : -1;
    });
    expect(delays).toEqual([199, 399, 799]);
    const capped = decideRetry(
      { kind: 'server_error', status: 500 },
      3,
      true,
      { ...DEFAULT_RETRY, maxDelayMs: 300 },
      max,
    );
    expect(capped).toEqual({ retry: true, delayMs: 299 });
  });

  it('stops after the last attempt whatever the failure', () => {
    expect(
      decideRetry({ kind: 'rate_limited', policy: 'TEN_SECONDLY_ROLLING' }, 4, true, DEFAULT_RETRY, half),
    ).toEqual({ retry: false });
  });
});
