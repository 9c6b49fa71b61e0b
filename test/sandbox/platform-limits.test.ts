import { Client } from '@hubspot/api-client';
import { startSandbox, type Sandbox } from '../../src/sandbox/platform/app.js';
import { fakeCrm } from './fake-crm.js';

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
