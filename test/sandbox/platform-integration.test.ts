/**
 * The whole sandbox (platform + real CRM data plane) over real HTTP with the real @hubspot/api-client.
 */
import { Client } from '@hubspot/api-client';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';

const REDIRECT = 'http://localhost:5556/callback';
const APP = { clientId: 'it-client', clientSecret: 'it-secret-value', redirectUris: [REDIRECT] };

describe('sandbox with the real CRM', () => {
  let sandbox: Sandbox;

  beforeEach(async () => {
    sandbox = await createSandbox({
      dataFile: ':memory:',
      demoToken: 'it-demo-token',
      devApp: APP,
      timeScale: 0.01,
    });
  });
  afterEach(() => sandbox.close());

  const client = (accessToken: string) =>
    new Client({ accessToken, basePath: sandbox.baseUrl, numberOfApiCallRetries: 0 });
  const admin = (path: string, method: string, body?: unknown) =>
    fetch(`${sandbox.baseUrl}/_sandbox${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function oauthClient(
    scope: string,
    extra: Record<string, string> = {},
  ): Promise<{ hubId: number; client: Client }> {
    const url = new URL(`${sandbox.baseUrl}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: APP.clientId,
      redirect_uri: REDIRECT,
      scope,
      auto: '1',
      ...extra,
    }).toString();
    const code =
      new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '').searchParams.get(
        'code',
      ) ?? '';
    const res = await fetch(`${sandbox.baseUrl}/oauth/2026-03/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
        redirect_uri: REDIRECT,
        code,
      }),
    });
    const tokens = (await res.json()) as { access_token: string; hub_id: number };
    return { hubId: tokens.hub_id, client: client(tokens.access_token) };
  }

  it('serves the seeded demo portal to the demo token and refuses a wrong token with 401', async () => {
    const page = await client('it-demo-token').crm.deals.basicApi.getPage(10);
    expect(page.results.length).toBeGreaterThan(0);
    await expect(client('nope').crm.deals.basicApi.getPage(10)).rejects.toMatchObject({ code: 401 });
  });

  it('gives an OAuth token of a new portal its own, empty CRM', async () => {
    const { client: other, hubId } = await oauthClient(
      'oauth crm.objects.deals.read crm.objects.deals.write',
      { new_portal_tier: 'professional' },
    );
    expect(hubId).not.toBe(sandbox.demoPortalId);
    expect((await other.crm.deals.basicApi.getPage(10)).results).toEqual([]);
    const created = await other.crm.deals.basicApi.create({
      properties: { dealname: 'Only here' },
      associations: [],
    });
    await expect(client('it-demo-token').crm.deals.basicApi.getById(created.id)).rejects.toMatchObject({
      code: 404,
    });
  });

  it('returns 429 with the TEN_SECONDLY_ROLLING body through the client, and counts calls by route template', async () => {
    await admin(`/portals/${sandbox.demoPortalId}/rate-limits`, 'PUT', { perTenSeconds: 2 });
    const demo = client('it-demo-token');
    const first = await demo.crm.deals.basicApi.getPage(1);
    await demo.crm.deals.basicApi.getById(first.results[0]!.id);
    await expect(demo.crm.deals.basicApi.getPage(1)).rejects.toMatchObject({
      code: 429,
      body: {
        policyName: 'TEN_SECONDLY_ROLLING',
        message: 'You have reached your ten_secondly_rolling limit.',
      },
    });
    const calls = (await (await admin(`/portals/${sandbox.demoPortalId}/calls`, 'GET')).json()) as {
      calls: Record<string, number>;
    };
    expect(calls.calls).toEqual({
      'GET /crm/v3/objects/{objectType}': 2,
      'GET /crm/v3/objects/{objectType}/{objectId}': 1,
    });
  });

  it('does not write when a fault is injected in front of a create', async () => {
    const demo = client('it-demo-token');
    const before = (await demo.crm.deals.basicApi.getPage(100)).results.length;
    await admin(`/portals/${sandbox.demoPortalId}/faults`, 'PUT', { serverError: 1 });
    await expect(
      demo.crm.deals.basicApi.create({ properties: { dealname: 'Never written' }, associations: [] }),
    ).rejects.toMatchObject({ code: 500 });
    await admin(`/portals/${sandbox.demoPortalId}/faults`, 'DELETE');
    expect((await demo.crm.deals.basicApi.getPage(100)).results.length).toBe(before);
  });

  it('resets a portal’s CRM data and re-seeds it on request', async () => {
    const demo = client('it-demo-token');
    expect((await admin('/reset', 'POST', { what: 'data', portalId: sandbox.demoPortalId })).status).toBe(
      204,
    );
    expect((await demo.crm.deals.basicApi.getPage(10)).results).toEqual([]);
    expect((await admin(`/portals/${sandbox.demoPortalId}/seed`, 'POST')).status).toBe(204);
    expect((await demo.crm.deals.basicApi.getPage(10)).results.length).toBeGreaterThan(0);
  });
});
