import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/platform/app.js';
import { countRecords, fakeCrm } from './fake-crm.js';

const TOKEN = 'admin-demo-token';

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('sandbox admin API', () => {
  let sandbox: Sandbox;
  let crm: ReturnType<typeof fakeCrm>;

  beforeEach(async () => {
    crm = fakeCrm();
    sandbox = await startSandbox({ dataFile: ':memory:', demoToken: TOKEN }, crm);
  });
  afterEach(() => sandbox.close());

  const admin = (path: string, init?: RequestInit) => fetch(`${sandbox.baseUrl}/_sandbox${path}`, init);
  const api = (path: string) =>
    fetch(`${sandbox.baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });

  it('refuses a foreign Host header (DNS rebinding) and a cross-site POST, and answers its own host', async () => {
    const url = new URL(`${sandbox.baseUrl}/_sandbox/portals`);
    const status = (method: string, headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const r = request(
          { host: url.hostname, port: url.port, path: url.pathname, method, headers },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        r.on('error', reject);
        r.end(method === 'POST' ? JSON.stringify({ tier: 'free' }) : undefined);
      });
    expect(await status('GET', { host: `attacker.example:${url.port}` })).toBe(403);
    expect(
      await status('POST', {
        host: url.host,
        origin: 'https://attacker.example',
        'content-type': 'application/json',
      }),
    ).toBe(403);
    expect(await status('GET', { host: url.host })).toBe(200);
    expect(await status('GET', { host: `localhost:${url.port}` })).toBe(200);
  });

  it('creates the demo portal as an enterprise portal, seeded through the CRM module', async () => {
    const { results } = (await (await admin('/portals')).json()) as {
      results: { id: number; tier: string; name: string }[];
    };
    expect(results).toEqual([
      expect.objectContaining({ id: 1_000_001, tier: 'enterprise', name: 'Demo portal' }),
    ]);
    expect(crm.created).toEqual([1_000_001]);
    expect(crm.seeded).toEqual([1_000_001]);
  });

  it('answers invalid bodies with 400 VALIDATION_ERROR listing every problem', async () => {
    const res = await admin(
      `/portals/${sandbox.demoPortalId}/faults`,
      json('PUT', { rateLimit: 2, bogus: true, latencyMs: -5 }),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { category: string; errors: { in?: string; message: string }[] };
    expect(body.category).toBe('VALIDATION_ERROR');
    expect(body.errors.map((e) => e.in ?? '').sort()).toEqual(['', '', 'latencyMs', 'rateLimit']);
    const general = body.errors.filter((e) => e.in === undefined).map((e) => e.message);
    expect(general).toEqual(
      expect.arrayContaining([
        expect.stringContaining('bogus'),
        'the fault probabilities must add up to at most 1',
      ]),
    );

    const portal = await admin('/portals', json('POST', { tier: 'gold', extra: 1 }));
    expect(portal.status).toBe(400);
    expect(((await portal.json()) as { errors: unknown[] }).errors).toHaveLength(2);

    const limits = await admin(
      `/portals/${sandbox.demoPortalId}/rate-limits`,
      json('PUT', { perTenSeconds: 0, daily: 'many' }),
    );
    expect(((await limits.json()) as { errors: unknown[] }).errors).toHaveLength(2);

    const badZone = await admin('/portals', json('POST', { tier: 'starter', timeZone: 'Mars/Olympus' }));
    expect(badZone.status).toBe(400);
    expect(JSON.stringify(await badZone.json())).toMatch(/must be an IANA time zone such as Europe\/Paris/);

    const notJson = await admin('/portals', json('POST', '{not json'));
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { category: string }).category).toBe('VALIDATION_ERROR');

    expect((await admin('/portals/abc/calls')).status).toBe(400);
    expect((await admin('/portals/999/calls')).status).toBe(404);
  });

  test('a portal is created in the time zone asked for (its daily limit resets at its midnight), New York by default', async () => {
    const tokyo = (await (
      await admin('/portals', json('POST', { tier: 'starter', timeZone: 'Asia/Tokyo' }))
    ).json()) as {
      id: number;
      timeZone: string;
    };
    expect(tokyo.timeZone).toBe('Asia/Tokyo');
    expect(((await (await admin(`/portals/${tokyo.id}`)).json()) as { timeZone: string }).timeZone).toBe(
      'Asia/Tokyo',
    );
    const plain = (await (await admin('/portals', json('POST', { tier: 'starter' }))).json()) as {
      timeZone: string;
    };
    expect(plain.timeZone).toBe('America/New_York');
  });

  it('counts calls per portal by method and path template, and keeps a request log', async () => {
    await api('/crm/v3/objects/deals/1');
    await api('/crm/v3/objects/deals/2');
    await api('/crm/v3/whoami');
    const calls = (await (await admin(`/portals/${sandbox.demoPortalId}/calls`)).json()) as {
      calls: Record<string, number>;
    };
    expect(calls.calls).toEqual({
      'GET /crm/v3/objects/{objectType}/{objectId}': 2,
      'GET /crm/v3/whoami': 1,
    });

    const log = (await (await admin(`/portals/${sandbox.demoPortalId}/requests?limit=2`)).json()) as {
      results: Record<string, unknown>[];
    };
    expect(log.results).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/crm/v3/objects/deals/2',
        status: 404,
        portalId: sandbox.demoPortalId,
      }),
      expect.objectContaining({
        method: 'GET',
        path: '/crm/v3/whoami',
        status: 200,
        durationMs: expect.any(Number),
      }),
    ]);

    expect((await admin('/reset', json('POST', { what: 'metrics' }))).status).toBe(204);
    expect(
      ((await (await admin(`/portals/${sandbox.demoPortalId}/calls`)).json()) as { calls: object }).calls,
    ).toEqual({});
  });

  it('resets a portal’s data through the CRM module, optionally re-seeded, and refuses a data reset without a portal', async () => {
    expect(countRecords(sandbox.db, sandbox.demoPortalId)).toBe(1);
    expect(
      (await admin('/reset', json('POST', { what: 'data', portalId: sandbox.demoPortalId }))).status,
    ).toBe(204);
    expect(crm.deleted).toEqual([sandbox.demoPortalId]);
    expect(countRecords(sandbox.db, sandbox.demoPortalId)).toBe(0);
    expect((await admin(`/portals/${sandbox.demoPortalId}/seed`, { method: 'POST' })).status).toBe(204);
    expect(countRecords(sandbox.db, sandbox.demoPortalId)).toBe(1);
    const missing = await admin('/reset', json('POST', { what: 'data' }));
    expect(missing.status).toBe(400);
  });

  it('registers OAuth apps, shows the secret only once, and the new app can run the code flow', async () => {
    const created = await admin(
      '/oauth/apps',
      json('POST', { name: 'Second app', redirectUris: ['http://localhost:4000/cb'] }),
    );
    expect(created.status).toBe(201);
    const app = (await created.json()) as { clientId: string; clientSecret: string };
    const list = (await (await admin('/oauth/apps')).json()) as { results: Record<string, unknown>[] };
    expect(list.results.map((a) => a.clientId)).toEqual(['sandbox-dev-client-id', app.clientId]);
    expect(JSON.stringify(list)).not.toContain(app.clientSecret);

    const url = new URL(`${sandbox.baseUrl}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: app.clientId,
      redirect_uri: 'http://localhost:4000/cb',
      scope: 'oauth',
      auto: '1',
    }).toString();
    const code =
      new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '').searchParams.get(
        'code',
      ) ?? '';
    const tokens = await fetch(`${sandbox.baseUrl}/oauth/2026-03/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        redirect_uri: 'http://localhost:4000/cb',
        code,
      }),
    });
    expect(tokens.status).toBe(200);

    const bad = await admin(
      '/oauth/apps',
      json('POST', { name: '', redirectUris: ['ftp://x'], secret: 'x' }),
    );
    expect(((await bad.json()) as { errors: unknown[] }).errors.length).toBeGreaterThanOrEqual(3);
  });
});

describe('sandbox persistence', () => {
  it('keeps portals, static tokens, OAuth apps and refresh tokens across a restart on the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
    const dataFile = join(dir, 'sandbox.sqlite');
    try {
      const crm = fakeCrm();
      const first = await startSandbox({ dataFile, demoToken: TOKEN }, crm);
      const portal = (await (
        await fetch(`${first.baseUrl}/_sandbox/portals`, json('POST', { tier: 'professional', name: 'Kept' }))
      ).json()) as { id: number; token: string };
      const url = new URL(`${first.baseUrl}/oauth/authorize`);
      url.search = new URLSearchParams({
        client_id: 'sandbox-dev-client-id',
        redirect_uri: 'http://localhost:3000/oauth/callback',
        scope: 'oauth',
        auto: '1',
      }).toString();
      const code =
        new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '').searchParams.get(
          'code',
        ) ?? '';
      const tokens = (await (
        await fetch(`${first.baseUrl}/oauth/v1/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            client_id: 'sandbox-dev-client-id',
            client_secret: 'sandbox-dev-client-secret',
            redirect_uri: 'http://localhost:3000/oauth/callback',
            code,
          }),
        })
      ).json()) as { refresh_token: string };
      await first.close();

      const second = await startSandbox({ dataFile, demoToken: TOKEN }, crm);
      try {
        expect(second.demoPortalId).toBe(first.demoPortalId);
        expect(crm.created).toEqual([first.demoPortalId, portal.id]); // the demo portal was not made twice
        const kept = await fetch(`${second.baseUrl}/crm/v3/whoami`, {
          headers: { authorization: `Bearer ${portal.token}` },
        });
        expect(await kept.json()).toMatchObject({ portalId: portal.id, tier: 'professional' });
        const refreshed = await fetch(`${second.baseUrl}/oauth/2026-03/token`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: 'sandbox-dev-client-id',
            client_secret: 'sandbox-dev-client-secret',
            refresh_token: tokens.refresh_token,
          }),
        });
        expect(refreshed.status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
