import { Client } from '@hubspot/api-client';
import { openSandboxDb } from '../../src/sandbox/db.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/platform/app.js';
import { RateLimiter, type RateRequest } from '../../src/sandbox/platform/limits.js';
import { timeZoneOffsetMs } from '../../src/sandbox/platform/time-zone.js';
import { DEFAULT_PORTAL_TIME_ZONE, PlatformStore } from '../../src/sandbox/platform/store.js';
import { fakeCrm } from './fake-crm.js';
import { installAccessToken } from './oauth-install.js';

const TOKEN = 'limits-demo-token';

describe('sandbox rate limits', () => {
  let sandbox: Sandbox;
  let clock: number;

  beforeEach(async () => {
    clock = Date.UTC(2026, 10, 1, 12, 0, 0);
    // timeScale 0.01: the 10 s window is 100 ms, the search second 10 ms, the day 864 s.
    sandbox = await startSandbox(
      { dataFile: ':memory:', demoToken: TOKEN, now: () => clock, timeScale: 0.01 },
      fakeCrm(),
    );
  });
  afterEach(() => sandbox.close());

  const call = (path: string, method = 'GET') =>
    fetch(`${sandbox.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
  const setLimits = (limits: Record<string, number | null>) =>
    fetch(`${sandbox.baseUrl}/_sandbox/portals/${sandbox.demoPortalId}/rate-limits`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(limits),
    });

  it('sends X-HubSpot-RateLimit-Max, -Remaining and the scaled -Interval-Milliseconds on every API response', async () => {
    const first = await call('/crm/v3/whoami');
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBe('110');
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('109');
    expect(first.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('100');
    expect(first.headers.get('x-hubspot-ratelimit-daily')).toBeNull();
    const notFound = await call('/crm/v3/objects/deals/999');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-hubspot-ratelimit-remaining')).toBe('108');
  });

  it('answers past the 10 s limit with 429 and HubSpot’s TEN_SECONDLY_ROLLING body, seen through @hubspot/api-client', async () => {
    expect((await setLimits({ perTenSeconds: 3 })).status).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await call('/crm/v3/whoami')).status).toBe(200);
    const refused = await call('/crm/v3/whoami');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect(await refused.json()).toEqual({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      policyName: 'TEN_SECONDLY_ROLLING',
      groupName: expect.any(String),
    });
    const client = new Client({ accessToken: TOKEN, basePath: sandbox.baseUrl, numberOfApiCallRetries: 0 });
    await expect(client.crm.objects.basicApi.getById('deals', '1')).rejects.toMatchObject({
      code: 429,
      body: { policyName: 'TEN_SECONDLY_ROLLING', errorType: 'RATE_LIMIT' },
    });
  });

  it('lets calls through again once the (scaled) rolling window has passed, and does not count refused calls', async () => {
    await setLimits({ perTenSeconds: 2 });
    await call('/crm/v3/whoami');
    clock += 50;
    await call('/crm/v3/whoami');
    for (let i = 0; i < 5; i += 1) expect((await call('/crm/v3/whoami')).status).toBe(429);
    clock += 51; // the first call has left the 100 ms window, the second has not
    const back = await call('/crm/v3/whoami');
    expect(back.status).toBe(200);
    expect(back.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
    expect((await call('/crm/v3/whoami')).status).toBe(429);
  });

  it('recovers in real time too: the window is timeScale × 10 s of the real clock', async () => {
    const realTime = await startSandbox(
      { dataFile: ':memory:', demoToken: TOKEN, timeScale: 0.01, rateLimit: { perTenSeconds: 1 } },
      fakeCrm(),
    );
    try {
      const hit = () =>
        fetch(`${realTime.baseUrl}/crm/v3/whoami`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect((await hit()).status).toBe(200);
      expect((await hit()).status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect((await hit()).status).toBe(200);
    } finally {
      await realTime.close();
    }
  });

  it('limits search separately (SECONDLY, "secondly limit" message, no rate-limit headers) while other calls go on', async () => {
    await setLimits({ searchPerSecond: 2 });
    expect((await call('/crm/v3/objects/deals/search', 'POST')).status).toBe(200);
    const second = await call('/crm/v3/objects/deals/search', 'POST');
    expect(second.status).toBe(200);
    expect(second.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    const refused = await call('/crm/v3/objects/deals/search', 'POST');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'SECONDLY',
    });
    expect((await call('/crm/v3/whoami')).status).toBe(200);
    clock += 10;
    expect((await call('/crm/v3/objects/deals/search', 'POST')).status).toBe(200);
  });

  it('applies an optional daily limit with the daily headers and policy DAILY, reset when the (scaled) day turns', async () => {
    await setLimits({ daily: 2, perTenSeconds: null });
    const first = await call('/crm/v3/whoami');
    expect(first.headers.get('x-hubspot-ratelimit-daily')).toBe('2');
    expect(first.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('1');
    expect(first.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    await call('/crm/v3/whoami');
    const refused = await call('/crm/v3/whoami');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      message: 'You have reached your daily limit.',
      policyName: 'DAILY',
      errorType: 'RATE_LIMIT',
    });
    clock += 864_000;
    expect((await call('/crm/v3/whoami')).status).toBe(200);
  });

  // "OAuth authenticated calls will not include X-HubSpot-RateLimit-Daily or X-HubSpot-RateLimit-Daily-Remaining
  // because there is no daily limit for these calls." (developers.hubspot.com/changelog/
  // rate-limit-headers-will-now-appear-for-oauth-authenticated-calls)
  it('gives OAuth calls the 10 s headers but no daily headers and no daily limit', async () => {
    await setLimits({ daily: 1 });
    const oauthToken = await installAccessToken(sandbox.baseUrl, {
      clientId: sandbox.devApp.clientId,
      clientSecret: sandbox.devApp.clientSecret,
      redirectUri: sandbox.devApp.redirectUris[0] ?? '',
      scope: 'oauth crm.objects.deals.read',
    });
    for (let i = 0; i < 3; i += 1) {
      const res = await fetch(`${sandbox.baseUrl}/crm/v3/whoami`, {
        headers: { authorization: `Bearer ${oauthToken}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('110');
      expect(res.headers.get('x-hubspot-ratelimit-daily')).toBeNull();
      expect(res.headers.get('x-hubspot-ratelimit-daily-remaining')).toBeNull();
    }
    // The static (private-app) token still has its daily limit of 1, untouched by the OAuth calls.
    const first = await call('/crm/v3/whoami');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
    expect((await call('/crm/v3/whoami')).status).toBe(429);
  });

  it('counts each portal on its own', async () => {
    await setLimits({ perTenSeconds: 1 });
    const other = (await (
      await fetch(`${sandbox.baseUrl}/_sandbox/portals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"tier":"starter"}',
      })
    ).json()) as { token: string };
    expect((await call('/crm/v3/whoami')).status).toBe(200);
    expect((await call('/crm/v3/whoami')).status).toBe(429);
    const otherCall = await fetch(`${sandbox.baseUrl}/crm/v3/whoami`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(otherCall.status).toBe(200);
    expect(otherCall.headers.get('x-hubspot-ratelimit-max')).toBe('110');
  });
});

/* The daily limit resets at midnight in the account's time zone, not UTC. Source: account-info-v3.json, whose
 * example account is in "timeZone": "US/Eastern" and whose private-app usage example says
 * "resetsAt": "2020-04-10T04:00:00Z" — midnight EDT. */
describe('daily limit by the portal’s time zone', () => {
  const at = (iso: string): number => Date.parse(iso);
  let clock = 0;
  const limiter = (): RateLimiter =>
    new RateLimiter({ perTenSeconds: null, searchPerSecond: null, daily: 1 }, 1, () => clock);
  const privateApp = (timeZone: string): RateRequest => ({ search: false, oauth: false, timeZone });

  it('gives new portals America/New_York (US/Eastern, the spec example’s zone) unless told otherwise', () => {
    const store = new PlatformStore(openSandboxDb(':memory:'), () => 0);
    expect(DEFAULT_PORTAL_TIME_ZONE).toBe('America/New_York');
    expect(store.createPortal({ name: 'a', tier: 'starter' }).portal.timeZone).toBe('America/New_York');
    const tokyo = store.createPortal({ name: 'b', tier: 'starter', timeZone: 'Asia/Tokyo' });
    expect(store.lookupAccessToken(tokyo.token)).toMatchObject({
      kind: 'static',
      portal: { timeZone: 'Asia/Tokyo' },
    });
  });

  it('knows the offsets, summer and winter', () => {
    expect(timeZoneOffsetMs('America/New_York', at('2020-04-10T06:46:40.789Z'))).toBe(-4 * 3_600_000);
    expect(timeZoneOffsetMs('America/New_York', at('2026-12-01T12:00:00Z'))).toBe(-5 * 3_600_000);
    expect(timeZoneOffsetMs('Asia/Tokyo', at('2026-12-01T12:00:00Z'))).toBe(9 * 3_600_000);
    expect(timeZoneOffsetMs('UTC', at('2026-12-01T12:00:00Z'))).toBe(0);
  });

  it('resets a New York portal at 04:00Z in summer (midnight EDT), not at UTC midnight', () => {
    const l = limiter();
    clock = at('2020-04-09T23:30:00Z');
    expect(l.take(1, privateApp('America/New_York')).ok).toBe(true);
    clock = at('2020-04-10T00:30:00Z'); // a new UTC day, still 20:30 on the 9th in New York
    expect(l.take(1, privateApp('America/New_York'))).toMatchObject({
      ok: false,
      body: { policyName: 'DAILY' },
    });
    clock = at('2020-04-10T03:59:59Z');
    expect(l.take(1, privateApp('America/New_York')).ok).toBe(false);
    clock = at('2020-04-10T04:00:00Z');
    expect(l.take(1, privateApp('America/New_York')).ok).toBe(true);
  });

  it('resets a Tokyo portal at 15:00Z, and keeps each portal’s own day', () => {
    const l = limiter();
    clock = at('2026-12-01T14:59:00Z');
    expect(l.take(2, privateApp('Asia/Tokyo')).ok).toBe(true);
    expect(l.take(3, privateApp('America/New_York')).ok).toBe(true);
    clock = at('2026-12-01T15:00:00Z');
    expect(l.take(2, privateApp('Asia/Tokyo')).ok).toBe(true);
    expect(l.take(3, privateApp('America/New_York')).ok).toBe(false);
    clock = at('2026-12-02T05:00:00Z'); // midnight EST
    expect(l.take(3, privateApp('America/New_York')).ok).toBe(true);
  });

  it('neither counts nor limits OAuth calls by the day', () => {
    const l = limiter();
    clock = at('2026-12-01T12:00:00Z');
    for (let i = 0; i < 3; i += 1) {
      const d = l.take(4, { search: false, oauth: true, timeZone: 'America/New_York' });
      expect(d.ok).toBe(true);
      expect(d.headers).not.toHaveProperty('X-HubSpot-RateLimit-Daily');
    }
    expect(l.take(4, privateApp('America/New_York')).headers).toMatchObject({
      'X-HubSpot-RateLimit-Daily-Remaining': '0',
    });
  });
});
