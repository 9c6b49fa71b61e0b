import { Client } from '@hubspot/api-client';
import { startSandbox, type Sandbox } from '../../src/sandbox/platform/app.js';
import { fakeCrm } from './fake-crm.js';

const REDIRECT = 'http://localhost:5555/callback';

describe('sandbox auth gate', () => {
  let sandbox: Sandbox;
  let clock: number;

  beforeEach(async () => {
    clock = Date.UTC(2026, 10, 1, 12, 0, 0);
    sandbox = await startSandbox(
      {
        dataFile: ':memory:',
        demoToken: 'demo-token-for-tests',
        now: () => clock,
        accessTokenTtlSeconds: 1800,
        devApp: { clientId: 'client-a', clientSecret: 'secret-a', redirectUris: [REDIRECT] },
      },
      fakeCrm(),
    );
  });
  afterEach(() => sandbox.close());

  const get = (path: string, token?: string) =>
    fetch(
      `${sandbox.baseUrl}${path}`,
      token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
    );

  async function oauthToken(): Promise<string> {
    const authorize = new URL(`${sandbox.baseUrl}/oauth/authorize`);
    authorize.search = new URLSearchParams({
      client_id: 'client-a',
      redirect_uri: REDIRECT,
      scope: 'oauth crm.objects.deals.read',
      auto: '1',
    }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await fetch(`${sandbox.baseUrl}/oauth/v1/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: 'client-a',
        client_secret: 'secret-a',
        redirect_uri: REDIRECT,
        code,
      }),
    });
    return ((await token.json()) as { access_token: string }).access_token;
  }

  it('answers a request without credentials with 401 INVALID_AUTHENTICATION and HubSpot’s message', async () => {
    const res = await get('/crm/v3/whoami');
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body).toEqual({
      status: 'error',
      message: expect.stringMatching(
        /^Authentication credentials not found\. This API supports OAuth 2\.0 authentication/,
      ),
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      category: 'INVALID_AUTHENTICATION',
    });
  });

  it('answers an unknown or malformed token with 401 INVALID_AUTHENTICATION', async () => {
    for (const headers of [
      { authorization: 'Bearer not-a-token' },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ]) {
      const res = await fetch(`${sandbox.baseUrl}/crm/v3/whoami`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { category: string }).category).toBe('INVALID_AUTHENTICATION');
    }
  });

  it('answers an expired OAuth access token with 401 EXPIRED_AUTHENTICATION saying how long ago', async () => {
    const token = await oauthToken();
    expect((await get('/crm/v3/whoami', token)).status).toBe(200);
    clock += 1800_000 + 2 * 3600_000 + 5_000;
    const res = await get('/crm/v3/whoami', token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      status: 'error',
      message: 'The OAuth token used to make this call expired 2 hour(s) ago.',
      correlationId: expect.any(String),
      category: 'EXPIRED_AUTHENTICATION',
      context: { 'expire time': [new Date(Date.UTC(2026, 10, 1, 12, 30, 0)).toISOString()] },
    });
  });

  it('surfaces the 401 through the real @hubspot/api-client as an error with status 401 and the body', async () => {
    const client = new Client({
      accessToken: 'wrong-token',
      basePath: sandbox.baseUrl,
      numberOfApiCallRetries: 0,
    });
    await expect(client.crm.objects.basicApi.getById('deals', '1')).rejects.toMatchObject({
      code: 401,
      body: { category: 'INVALID_AUTHENTICATION' },
    });
  });

  it('lets the demo static token in with the enterprise tier and every scope, custom ones included', async () => {
    const res = await get('/crm/v3/whoami', 'demo-token-for-tests');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { portalId: number; tier: string; scopes: string[] };
    expect(body.portalId).toBe(sandbox.demoPortalId);
    expect(body.tier).toBe('enterprise');
    expect(body.scopes).toEqual(
      expect.arrayContaining([
        'crm.objects.custom.write',
        'crm.schemas.custom.read',
        'crm.objects.deals.write',
      ]),
    );
  });

  it('keeps portals apart: each token sees only its own portal, and a professional token has no custom scopes', async () => {
    const created = await fetch(`${sandbox.baseUrl}/_sandbox/portals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tier: 'professional', name: 'Other' }),
    });
    expect(created.status).toBe(201);
    const other = (await created.json()) as { id: number; token: string };
    expect(other.token).toMatch(/^pat-na1-/);
    expect(other.id).not.toBe(sandbox.demoPortalId);

    const write = await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { name: 'only in other' } }),
    });
    const { id } = (await write.json()) as { id: string };
    expect((await get(`/crm/v3/objects/deals/${id}`, other.token)).status).toBe(200);
    expect((await get(`/crm/v3/objects/deals/${id}`, 'demo-token-for-tests')).status).toBe(404);

    const whoami = (await (await get('/crm/v3/whoami', other.token)).json()) as {
      portalId: number;
      tier: string;
      scopes: string[];
    };
    expect(whoami).toMatchObject({ portalId: other.id, tier: 'professional' });
    expect(whoami.scopes.filter((s) => s.includes('.custom.'))).toEqual([]);
  });
});
