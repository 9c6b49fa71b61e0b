/**
 * GET /account-info/v3/details (account-info-v3.json, PortalInformationResponse): each portal's time zone and its
 * UTC offset at the sandbox clock's "now", for the portal of the calling token only, behind the same gate as the
 * CRM (401 without a valid token, 403 MISSING_SCOPES without the spec's one scope, `oauth`), and a time zone
 * changed through the admin API.
 */
import { startSandbox, type Sandbox } from '../../src/sandbox/platform/app.js';
import { fakeCrm } from './fake-crm.js';
import { installAccessToken } from './oauth-install.js';

const DEMO_TOKEN = 'account-info-demo-token';
const REDIRECT = 'http://localhost:5556/callback';
const DETAILS = '/account-info/v3/details';
const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

let sandbox: Sandbox;
let clock: number;

beforeEach(async () => {
  clock = at('2026-01-15T12:00:00Z');
  sandbox = await startSandbox(
    {
      dataFile: ':memory:',
      demoToken: DEMO_TOKEN,
      now: () => clock,
      devApp: { clientId: 'client-a', clientSecret: 'secret-a', redirectUris: [REDIRECT] },
    },
    fakeCrm(),
  );
});
afterEach(() => sandbox.close());

const admin = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${sandbox.baseUrl}/_sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function createPortal(name: string, timeZone: string): Promise<{ id: number; token: string }> {
  const res = await admin('/portals', 'POST', { tier: 'professional', name, timeZone });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number; token: string };
}

const details = (token?: string) =>
  fetch(
    `${sandbox.baseUrl}${DETAILS}`,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );

async function detailsOf(token: string): Promise<Record<string, unknown>> {
  const res = await details(token);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** An OAuth access token of the dev app, installed with `scope` into `portalId` (default: the demo portal). */
const oauthToken = (scope: string, portalId?: number): Promise<string> =>
  installAccessToken(sandbox.baseUrl, {
    clientId: 'client-a',
    clientSecret: 'secret-a',
    redirectUri: REDIRECT,
    scope,
    ...(portalId === undefined ? {} : { portalId }),
  });

describe('GET /account-info/v3/details', () => {
  it('answers each portal its own details: time zone, offset now, currency, hosting, name and creation time', async () => {
    const created = clock;
    const sydney = await createPortal('Sydney Pty Ltd', 'Australia/Sydney');
    const losAngeles = await createPortal('LA Inc', 'America/Los_Angeles');

    // 2026-01-15: summer in Sydney (AEDT, +11), winter in Los Angeles (PST, -8).
    expect(await detailsOf(sydney.token)).toEqual({
      portalId: sydney.id,
      accountType: 'STANDARD',
      timeZone: 'Australia/Sydney',
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset: '+11:00',
      utcOffsetMilliseconds: 11 * HOUR,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
      createdAt: created,
      portalName: 'Sydney Pty Ltd',
    });
    expect(await detailsOf(losAngeles.token)).toEqual({
      portalId: losAngeles.id,
      accountType: 'STANDARD',
      timeZone: 'America/Los_Angeles',
      companyCurrency: 'USD',
      additionalCurrencies: [],
      utcOffset: '-08:00',
      utcOffsetMilliseconds: -8 * HOUR,
      uiDomain: 'app.hubspot.com',
      dataHostingLocation: 'na1',
      createdAt: created,
      portalName: 'LA Inc',
    });

    // The demo portal: its name, and the default time zone (US/Eastern, as in the spec's example).
    expect(await detailsOf(DEMO_TOKEN)).toMatchObject({
      portalId: sandbox.demoPortalId,
      portalName: 'Demo portal',
      timeZone: 'America/New_York',
      utcOffset: '-05:00',
      utcOffsetMilliseconds: -5 * HOUR,
    });
  });

  it('computes the offset at the sandbox clock’s now, daylight saving time included', async () => {
    const sydney = await createPortal('Sydney', 'Australia/Sydney');
    const losAngeles = await createPortal('LA', 'America/Los_Angeles');
    const offsets = async (token: string) => {
      const body = await detailsOf(token);
      return [body.utcOffset, body.utcOffsetMilliseconds];
    };

    // 2026-07-15: winter in Sydney (AEST, +10), summer in Los Angeles (PDT, -7).
    clock = at('2026-07-15T12:00:00Z');
    expect(await offsets(sydney.token)).toEqual(['+10:00', 10 * HOUR]);
    expect(await offsets(losAngeles.token)).toEqual(['-07:00', -7 * HOUR]);

    // The switches themselves: Los Angeles springs forward on 2026-03-08 at 02:00 PST (10:00Z) ...
    clock = at('2026-03-08T09:59:59Z');
    expect(await offsets(losAngeles.token)).toEqual(['-08:00', -8 * HOUR]);
    clock = at('2026-03-08T10:00:00Z');
    expect(await offsets(losAngeles.token)).toEqual(['-07:00', -7 * HOUR]);
    // ... and Sydney falls back on 2026-04-05 at 03:00 AEDT (2026-04-04T16:00Z).
    clock = at('2026-04-04T15:59:59Z');
    expect(await offsets(sydney.token)).toEqual(['+11:00', 11 * HOUR]);
    clock = at('2026-04-04T16:00:00Z');
    expect(await offsets(sydney.token)).toEqual(['+10:00', 10 * HOUR]);
  });

  it('spells offsets with minutes and zero as ±HH:MM', async () => {
    const kolkata = await createPortal('Kolkata', 'Asia/Kolkata');
    const utc = await createPortal('UTC', 'UTC');
    expect(await detailsOf(kolkata.token)).toMatchObject({
      utcOffset: '+05:30',
      utcOffsetMilliseconds: 19_800_000,
    });
    expect(await detailsOf(utc.token)).toMatchObject({ utcOffset: '+00:00', utcOffsetMilliseconds: 0 });
  });

  it('refuses a call without a token, or with an unknown or expired one, with 401', async () => {
    const none = await details();
    expect(none.status).toBe(401);
    expect(none.headers.get('x-hubspot-auth-failure')).toBe('401 Unauthorized');
    expect(await none.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });

    expect((await details('not-a-token')).status).toBe(401);

    const token = await oauthToken('oauth crm.objects.deals.read');
    expect((await details(token)).status).toBe(200);
    clock += 1800_000 + 1000;
    const expired = await details(token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ category: 'EXPIRED_AUTHENTICATION' });
  });

  it('lets an OAuth token read only the portal it was installed in', async () => {
    const sydney = await createPortal('Sydney', 'Australia/Sydney');
    const losAngeles = await createPortal('LA', 'America/Los_Angeles');
    const sydneyOAuth = await oauthToken('oauth', sydney.id);
    const laOAuth = await oauthToken('oauth', losAngeles.id);
    expect(await detailsOf(sydneyOAuth)).toMatchObject({ portalId: sydney.id, timeZone: 'Australia/Sydney' });
    expect(await detailsOf(laOAuth)).toMatchObject({
      portalId: losAngeles.id,
      timeZone: 'America/Los_Angeles',
    });
    // The path names no portal: a query or a header naming another one changes nothing.
    const other = await fetch(`${sandbox.baseUrl}${DETAILS}?portalId=${losAngeles.id}`, {
      headers: { authorization: `Bearer ${sydneyOAuth}`, 'x-hubspot-portal-id': String(losAngeles.id) },
    });
    expect(((await other.json()) as { portalId: number }).portalId).toBe(sydney.id);
  });

  it('refuses a token without the `oauth` scope with 403 MISSING_SCOPES naming it (account-info-v3.json security)', async () => {
    const token = await oauthToken('crm.objects.deals.read');
    const res = await details(token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      category: 'MISSING_SCOPES',
      context: { requiredScopes: ['oauth'] },
      errors: [{ context: { requiredGranularScopes: ['oauth'] } }],
    });
  });

  it('counts the call against the portal’s rate limit and call counters', async () => {
    const portal = await createPortal('Counted', 'Europe/Berlin');
    expect((await admin(`/portals/${portal.id}/rate-limits`, 'PUT', { perTenSeconds: 2 })).status).toBe(200);
    const first = await details(portal.token);
    expect(first.headers.get('x-hubspot-ratelimit-remaining')).toBe('1');
    expect((await details(portal.token)).status).toBe(200);
    expect((await details(portal.token)).status).toBe(429);
    const calls = (await (await admin(`/portals/${portal.id}/calls`)).json()) as {
      calls: Record<string, number>;
    };
    expect(calls.calls).toEqual({ 'GET /account-info/v3/details': 3 });
  });
});

describe('PATCH /_sandbox/portals/{id}', () => {
  it('moves a portal to another time zone, and the details follow at the next call', async () => {
    const portal = await createPortal('Moving', 'Australia/Sydney');
    expect(await detailsOf(portal.token)).toMatchObject({
      timeZone: 'Australia/Sydney',
      utcOffset: '+11:00',
    });

    const patched = await admin(`/portals/${portal.id}`, 'PATCH', { timeZone: 'America/Los_Angeles' });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      id: portal.id,
      name: 'Moving',
      timeZone: 'America/Los_Angeles',
    });
    expect(await detailsOf(portal.token)).toMatchObject({
      portalId: portal.id,
      timeZone: 'America/Los_Angeles',
      utcOffset: '-08:00',
      utcOffsetMilliseconds: -8 * HOUR,
    });
    expect(await (await admin(`/portals/${portal.id}`)).json()).toMatchObject({
      timeZone: 'America/Los_Angeles',
    });

    // Other portals keep theirs.
    expect(await detailsOf(DEMO_TOKEN)).toMatchObject({ timeZone: 'America/New_York' });
  });

  it('renames a portal', async () => {
    const portal = await createPortal('Old name', 'UTC');
    const patched = await admin(`/portals/${portal.id}`, 'PATCH', { name: 'New name' });
    expect(patched.status).toBe(200);
    expect(await detailsOf(portal.token)).toMatchObject({ portalName: 'New name', timeZone: 'UTC' });
  });

  it('refuses an unknown zone, an empty or unknown field with 400 and an unknown portal with 404', async () => {
    const id = sandbox.demoPortalId;
    const bad = await admin(`/portals/${id}`, 'PATCH', { timeZone: 'Mars/Olympus_Mons' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      category: 'VALIDATION_ERROR',
      errors: [{ in: 'timeZone', message: 'must be an IANA time zone such as Europe/Paris' }],
    });
    expect((await admin(`/portals/${id}`, 'PATCH', {})).status).toBe(400);
    expect((await admin(`/portals/${id}`, 'PATCH', { tier: 'free' })).status).toBe(400);
    expect((await admin('/portals/999', 'PATCH', { timeZone: 'UTC' })).status).toBe(404);
    expect(await detailsOf(DEMO_TOKEN)).toMatchObject({ timeZone: 'America/New_York' });
  });
});
