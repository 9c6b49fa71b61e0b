/**
 * The marketplace install end to end against the sandbox CRM's real OAuth server: /oauth/install → the
 * authorize page (auto=1) → /oauth/callback → code exchanged at POST /oauth/2026-03/token, tokens stored
 * encrypted, provisioning run, a page saying what was set up. Then access-token refresh (single-flight), and a
 * revoked refresh token marking the portal inactive so that it is not called again.
 */
import { jest } from '@jest/globals';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { err, ok } from '../../src/domain/result.js';
import { crmError } from '../../src/ports/crm-error.js';
import type { ProvisionInput } from '../../src/ports/provisioning.js';
import { REFRESH_MARGIN_MS } from '../../src/adapters/hubspot/oauth/token-provider.js';
import { createHash } from 'node:crypto';
import { INSTALL_RATE_LIMIT, installCookie } from '../../src/http/oauth/routes.js';
import { callFunction, startHarness, TestClock, type Harness } from './harness.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';

const CLIENT_SECRET = 'oauth-test-client-secret';

let sandbox: Sandbox;
let h: Harness;
let clock: TestClock;
let provisioned: ProvisionInput[];

beforeAll(async () => {
  sandbox = await createSandbox({ dataFile: ':memory:' });
});
afterAll(async () => sandbox.close());

let apps = 0;
let clientId = '';

/**
 * A backend with its own sandbox OAuth app, whose redirect URI is this backend's callback (the sandbox's
 * admin API cannot change the redirect URIs of an app, so each backend registers a new one).
 */
async function start(provision: 'fake' | 'real' | 'failing' = 'fake'): Promise<void> {
  clientId = `oauth-test-client-${++apps}`;
  h = await startHarness({
    clock,
    crmBase: sandbox.baseUrl,
    env: { HUBSPOT_CLIENT_ID: clientId, HUBSPOT_CLIENT_SECRET: CLIENT_SECRET },
    ...(provision === 'failing'
      ? {
          provision: () =>
            Promise.resolve(err(crmError('CRM_UNAVAILABLE', 'HubSpot is having trouble right now.', 503))),
        }
      : {}),
    ...(provision === 'fake'
      ? {
          provision: (input: ProvisionInput) => {
            provisioned.push(input);
            const custom = input.scopes.includes('crm.objects.custom.write');
            return Promise.resolve(
              ok({
                storageMode: custom ? ('custom_object' as const) : ('document' as const),
                storageReason: custom
                  ? 'the account can have custom objects'
                  : 'the account cannot have custom objects',
                milestoneObjectTypeId: custom ? '2-1' : null,
                created: ['deal property map_progress', 'deal property map_health'],
                updated: [],
                unchanged: [],
                problems: [],
              }),
            );
          },
        }
      : {}),
  });
  const registered = await fetch(`${sandbox.baseUrl}/_sandbox/oauth/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'MAP test',
      clientId,
      clientSecret: CLIENT_SECRET,
      redirectUris: [`${h.url}/oauth/callback`],
    }),
  });
  expect(registered.status).toBe(201);
}

beforeEach(async () => {
  clock = new TestClock(Date.now());
  provisioned = [];
  await start();
});
afterEach(async () => h.close());

/** The `name=value` part of the install cookie a response sets (what a browser sends back). */
const cookieOf = (res: Response): string => res.headers.getSetCookie()[0]?.split(';')[0] ?? '';

/** Begins an install as a browser would: the callback URL the consent page sends it to, and its cookie. */
async function beginInstall(
  extra: Record<string, string> = {},
): Promise<{ callbackUrl: string; cookie: string }> {
  const install = await fetch(`${h.url}/oauth/install`, { redirect: 'manual' });
  expect(install.status).toBe(302);
  const authorize = new URL(install.headers.get('location') ?? '');
  for (const [k, v] of Object.entries({ auto: '1', ...extra })) authorize.searchParams.set(k, v);
  const consent = await fetch(authorize, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  return { callbackUrl: consent.headers.get('location') ?? '', cookie: cookieOf(install) };
}

async function followInstall(
  extra: Record<string, string> = {},
): Promise<{ status: number; html: string; callbackUrl: string; cookie: string; headers: Headers }> {
  const { callbackUrl, cookie } = await beginInstall(extra);
  const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
  return {
    status: callback.status,
    html: await callback.text(),
    callbackUrl,
    cookie,
    headers: callback.headers,
  };
}

test('install redirects to the authorize page with the required scopes, the custom-object scopes as optional, and a state', async () => {
  const install = await fetch(`${h.url}/oauth/install`, { redirect: 'manual' });
  const url = new URL(install.headers.get('location') ?? '');
  expect(url.origin + url.pathname).toBe(`${sandbox.baseUrl}/oauth/authorize`);
  expect(url.searchParams.get('client_id')).toBe(clientId);
  expect(url.searchParams.get('redirect_uri')).toBe(`${h.url}/oauth/callback`);
  expect(url.searchParams.get('scope')?.split(' ')).toEqual(
    expect.arrayContaining(['oauth', 'crm.objects.deals.write']),
  );
  expect(url.searchParams.get('scope')).not.toContain('custom');
  expect(url.searchParams.get('optional_scope')?.split(' ')).toEqual(
    expect.arrayContaining(['crm.objects.custom.write', 'crm.schemas.custom.write']),
  );
  expect(url.searchParams.get('state')).toMatch(/^[\w-]+\.\d+\.[\w-]{43}\.[\w-]{43}$/);
});

test('an Enterprise portal installs end to end: tokens stored (encrypted), custom-object mode, provisioning run, a page saying what was set up', async () => {
  const { status, html } = await followInstall();
  expect(status).toBe(200);
  expect(html).toContain('Mutual Action Plan is installed');
  expect(html).toContain('MAP milestone');
  expect(html).toContain('Add the card to the deal view');
  const installation = await h.installations.getInstallation(hubSpotTenant(sandbox.demoPortalId));
  expect(installation).toMatchObject({ status: { state: 'active' }, storageMode: 'custom_object' });
  // The portal's time zone, read from HubSpot's account details at install: its calendar is "today".
  expect(installation?.timeZone).toBe('America/New_York');
  expect(installation?.appId).toMatch(/^[1-9]\d*$/);
  expect(installation?.scopes).toEqual(expect.arrayContaining(['crm.objects.custom.write']));
  expect(provisioned).toEqual([expect.objectContaining({ tenant: hubSpotTenant(sandbox.demoPortalId) })]);
  const tokens = await h.installations.getTokens(hubSpotTenant(sandbox.demoPortalId));
  // The token works against the sandbox CRM.
  const deals = await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals?limit=1`, {
    headers: { authorization: `Bearer ${tokens?.accessToken ?? ''}` },
  });
  expect(deals.status).toBe(200);
  expect(JSON.stringify(h.logs)).not.toContain(tokens?.accessToken ?? 'x');
});

test('with the real provisioning, an install creates the map_* deal properties and the milestone object in the sandbox', async () => {
  await h.close();
  await start('real');
  const { status, html } = await followInstall({ new_portal_tier: 'enterprise' });
  expect(status).toBe(200);
  expect(html).toContain('map_progress');
  const portal = Number(/HubSpot account <strong>(\d+)<\/strong>/.exec(html)?.[1]);
  expect(await h.installations.getInstallation(hubSpotTenant(portal))).toMatchObject({
    storageMode: 'custom_object',
    status: { state: 'active' },
  });
  const token = (await h.installations.getTokens(hubSpotTenant(portal)))?.accessToken ?? '';
  const prop = await fetch(`${sandbox.baseUrl}/crm/v3/properties/deals/map_progress`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(prop.status).toBe(200);
});

test('a Free portal installs in document mode and the page says the optional scopes were not granted', async () => {
  const { status, html } = await followInstall({ new_portal_tier: 'free' });
  expect(status).toBe(200);
  expect(html).toContain('inside each deal’s plan');
  expect(html).toContain('Optional permissions not granted');
  expect(
    (await h.installations.getInstallation(provisioned[0]?.tenant ?? hubSpotTenant(0)))?.storageMode,
  ).toBe('document');
});

test('the callback refuses a replayed, a forged and an expired state before exchanging any code', async () => {
  const { callbackUrl, cookie } = await followInstall();
  // Even with the browser's cookie copied along, the state is good once.
  const replay = await fetch(callbackUrl, { headers: { cookie } });
  expect(replay.status).toBe(400);
  expect(await replay.text()).toContain('already used');

  const forged = new URL(callbackUrl);
  const [nonce, expires, browser] = (forged.searchParams.get('state') ?? '').split('.');
  forged.searchParams.set('state', `${nonce}.${Number(expires) + 1}.${browser}.${'A'.repeat(43)}`);
  const forgedRes = await fetch(forged, { headers: { cookie } });
  expect(forgedRes.status).toBe(400);
  expect(await forgedRes.text()).toContain('not issued by this app');

  const late = await beginInstall();
  clock.ms += 11 * 60 * 1000;
  const expired = await fetch(late.callbackUrl, { headers: { cookie: late.cookie } });
  expect(expired.status).toBe(400);
  expect(await expired.text()).toContain('expired');
  expect(provisioned).toHaveLength(1);
});

test('a state is finished only in the browser that began the install: another browser gets a clear page, the right one still succeeds', async () => {
  const mine = await beginInstall();
  const theirs = await beginInstall();
  for (const cookie of [undefined, theirs.cookie, 'map_oauth_install=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
    const res = await fetch(mine.callbackUrl, {
      redirect: 'manual',
      ...(cookie === undefined ? {} : { headers: { cookie } }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('started in another browser');
  }
  expect(provisioned).toHaveLength(0);
  // A refused callback (a forged link opened in this browser) leaves this browser's install cookie alone.
  const forged = new URL(mine.callbackUrl);
  forged.searchParams.set('state', 'not.a.state.at-all');
  const refused = await fetch(forged, { redirect: 'manual', headers: { cookie: mine.cookie } });
  expect(refused.status).toBe(400);
  expect(refused.headers.getSetCookie()).toEqual([]);
  const done = await fetch(mine.callbackUrl, { redirect: 'manual', headers: { cookie: mine.cookie } });
  expect(done.status).toBe(200);
  expect(provisioned).toHaveLength(1);
});

test('the install cookie is HttpOnly, SameSite=Lax, Path=/oauth, lives as long as the state, and the callback clears it', async () => {
  const install = await fetch(`${h.url}/oauth/install`, { redirect: 'manual' });
  const [setCookie] = install.headers.getSetCookie();
  expect(setCookie).toMatch(/^map_oauth_install=[\w-]{16,}; /);
  expect(setCookie?.split('; ').slice(1).sort()).toEqual([
    'HttpOnly',
    'Max-Age=600',
    'Path=/oauth',
    'SameSite=Lax',
  ]);
  const { headers } = await followInstall();
  expect(headers.getSetCookie()[0]).toMatch(
    /^map_oauth_install=; Path=\/oauth; HttpOnly; SameSite=Lax; Max-Age=0$/,
  );
  // Served over https, the cookie is Secure.
  expect(installCookie('v'.repeat(32), 'https://map.example.com', 600)).toMatch(/; Secure$/);
  expect(installCookie('v'.repeat(32), 'http://localhost:3000', 600)).not.toMatch(/Secure/);
});

test('GET /oauth/install is rate-limited per client address: 200 requests store only the limit’s states; the rest get a 429 page', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${h.url}/oauth/install`, { redirect: 'manual' });
    statuses.push(res.status);
    if (res.status === 429 && statuses.filter((s) => s === 429).length === 1) {
      expect(await res.text()).toContain('Too many install attempts');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    } else await res.arrayBuffer();
  }
  expect(statuses.filter((s) => s === 302)).toHaveLength(INSTALL_RATE_LIMIT.limit);
  expect(statuses.filter((s) => s === 429)).toHaveLength(200 - INSTALL_RATE_LIMIT.limit);
  // Each 302 stored one state: with the limit reached, housekeeping has only that many to prune later.
  clock.ms += 11 * 60 * 1000;
  expect(await h.installations.pruneStates()).toBe(INSTALL_RATE_LIMIT.limit);
});

test('every page the backend sends carries CSP (no script, no framing), X-Frame-Options, nosniff and no Referer', async () => {
  const installed = await followInstall();
  const error = await fetch(`${h.url}/oauth/callback`);
  const redirect = await fetch(`${h.url}/oauth/install`, { redirect: 'manual' });
  const pages = [
    { headers: installed.headers, html: installed.html },
    { headers: error.headers, html: await error.text() },
  ];
  expect(pages[1]!.headers.get('content-type')).toMatch(/text\/html/);
  for (const { headers, html } of [...pages, { headers: redirect.headers, html: '' }]) {
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
    // The page's own inline style is the one the policy allows (by hash), so it still renders styled.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    if (style !== undefined)
      expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  }
});

test('a declined install shows a clear page and stores nothing', async () => {
  const { status, html } = await followInstall({ decision: 'deny', new_portal_tier: 'starter' });
  expect(status).toBe(400);
  expect(html).toContain('cancelled');
  expect(provisioned).toHaveLength(0);
});

test('a failed provisioning keeps the installation and says how to retry', async () => {
  await h.close();
  await start('failing');
  const { status, html } = await followInstall();
  expect(status).toBe(503);
  expect(html).toContain('npm run cli -- provision');
  expect((await h.installations.getInstallation(hubSpotTenant(sandbox.demoPortalId)))?.status.state).toBe(
    'active',
  );
});

test('an access token near expiry is refreshed once for concurrent callers, and the new one is stored', async () => {
  await followInstall();
  const portal = sandbox.demoPortalId;
  const before = await h.installations.getTokens(hubSpotTenant(portal));
  const spy = jest.spyOn(h.backend.tokenClient, 'refresh');
  expect(await h.backend.tokens.accessToken(String(portal))).toEqual(ok(before?.accessToken));
  expect(spy).not.toHaveBeenCalled();
  clock.ms = (before?.expiresAt ?? 0) - REFRESH_MARGIN_MS + 1;
  const [a, b, c] = (
    await Promise.all([1, 2, 3].map(() => h.backend.tokens.accessToken(String(portal))))
  ).map((answer) => (answer.ok ? answer.value : undefined));
  expect(spy).toHaveBeenCalledTimes(1);
  expect(a).toEqual(expect.any(String));
  expect(a).not.toBe(before?.accessToken);
  expect(b).toBe(a);
  expect(c).toBe(a);
  const after = await h.installations.getTokens(hubSpotTenant(portal));
  expect(after?.accessToken).toBe(a);
  expect(after?.expiresAt).toBeGreaterThan(clock.ms);
  const deals = await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals?limit=1`, {
    headers: { authorization: `Bearer ${a ?? ''}` },
  });
  expect(deals.status).toBe(200);
});

test('a revoked refresh token marks the installation inactive: no more token or CRM calls, and the API answers 403', async () => {
  await followInstall({ new_portal_tier: 'professional' });
  const portal = Number(provisioned[0]?.tenant.accountId ?? 0);
  const tokens = await h.installations.getTokens(hubSpotTenant(portal));
  const revoked = await fetch(`${sandbox.baseUrl}/oauth/2026-03/token/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: clientId,
      client_secret: CLIENT_SECRET,
      token: tokens?.refreshToken ?? '',
    }),
  });
  expect(revoked.status).toBe(200);
  clock.ms = (tokens?.expiresAt ?? 0) + 1;
  const spy = jest.spyOn(h.backend.tokenClient, 'refresh');
  expect(await h.backend.tokens.accessToken(String(portal))).toEqual(
    err(expect.objectContaining({ reason: 'inactive' })),
  );
  expect(await h.installations.getInstallation(hubSpotTenant(portal))).toMatchObject({
    status: { state: 'inactive', reason: 'token_revoked' },
  });
  expect(await h.installations.getTokens(hubSpotTenant(portal))).toBeUndefined();
  expect(await h.backend.tokens.accessToken(String(portal))).toEqual(
    err(expect.objectContaining({ reason: 'inactive' })),
  );
  expect(spy).toHaveBeenCalledTimes(1);
  const res = await callFunction(h, 'get-plan', { dealId: '1' }, { caller: { portalId: portal, userId: 1 } });
  expect(res.status).toBe(403);
});
