import { startSandbox, type Sandbox } from '../../src/sandbox/platform/app.js';
import { countRecords, fakeCrm } from './fake-crm.js';

const TOKEN = 'faults-demo-token';

describe('sandbox fault injection', () => {
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await startSandbox(
      { dataFile: ':memory:', demoToken: TOKEN, rateLimit: { perTenSeconds: null } },
      fakeCrm(),
    );
  });
  afterEach(() => sandbox.close());

  const setFaults = (faults: Record<string, unknown>) =>
    fetch(`${sandbox.baseUrl}/_sandbox/portals/${sandbox.demoPortalId}/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
  const whoami = () =>
    fetch(`${sandbox.baseUrl}/crm/v3/whoami`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const create = () =>
    fetch(`${sandbox.baseUrl}/crm/v3/objects/deals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { name: 'x' } }),
    });
  async function statuses(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i += 1) out.push((await whoami()).status);
    return out;
  }

  it('is off by default', async () => {
    expect(await statuses(20)).toEqual(Array.from({ length: 20 }, () => 200));
  });

  it('draws the same faults for the same seed, and mixes them with successes', async () => {
    const faults = { seed: 42, rateLimit: 0.2, serverError: 0.2, badGateway: 0.1, unavailable: 0.1 };
    expect((await setFaults(faults)).status).toBe(200);
    const first = await statuses(40);
    await setFaults(faults);
    const second = await statuses(40);
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 429, 500, 502, 503]));
    await setFaults({ ...faults, seed: 7 });
    expect(await statuses(40)).not.toEqual(first);
  });

  it('answers an injected 429 with the rate-limit body and 5xx with error bodies', async () => {
    await setFaults({ rateLimit: 1 });
    const limited = await whoami();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({
      policyName: 'TEN_SECONDLY_ROLLING',
      errorType: 'RATE_LIMIT',
    });
    await setFaults({ serverError: 1 });
    const failed = await whoami();
    expect(await failed.json()).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR' });
    await setFaults({ badGateway: 1 });
    const gateway = await whoami();
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get('content-type')).toContain('text/html');
  });

  it('faults a write before the CRM handler runs, so the write has not happened', async () => {
    await setFaults({ serverError: 1 });
    expect((await create()).status).toBe(500);
    await setFaults({ unavailable: 1 });
    expect((await create()).status).toBe(503);
    expect(countRecords(sandbox.db, sandbox.demoPortalId)).toBe(1); // only the seeded record
    await fetch(`${sandbox.baseUrl}/_sandbox/portals/${sandbox.demoPortalId}/faults`, { method: 'DELETE' });
    expect((await create()).status).toBe(201);
    expect(countRecords(sandbox.db, sandbox.demoPortalId)).toBe(2);
  });

  it('drops the connection without writing, and logs the request with status 0', async () => {
    await setFaults({ drop: 1 });
    await expect(create()).rejects.toThrow();
    expect(countRecords(sandbox.db, sandbox.demoPortalId)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const log = (await (
      await fetch(`${sandbox.baseUrl}/_sandbox/portals/${sandbox.demoPortalId}/requests`)
    ).json()) as {
      results: { status: number; method: string }[];
    };
    expect(log.results.at(-1)).toMatchObject({ method: 'POST', status: 0 });
  });

  it('adds fixed latency, and uniform latency within [min, max]', async () => {
    await setFaults({ latencyMs: 60 });
    let started = performance.now();
    expect((await whoami()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);

    await setFaults({ seed: 3, latencyMs: { minMs: 20, maxMs: 40 } });
    started = performance.now();
    await whoami();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(18);
    expect(elapsed).toBeLessThan(400);
  });

  it('touches only the portal it is set on', async () => {
    await setFaults({ serverError: 1 });
    const other = (await (
      await fetch(`${sandbox.baseUrl}/_sandbox/portals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"tier":"enterprise"}',
      })
    ).json()) as { token: string };
    const res = await fetch(`${sandbox.baseUrl}/crm/v3/whoami`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(res.status).toBe(200);
  });
});
