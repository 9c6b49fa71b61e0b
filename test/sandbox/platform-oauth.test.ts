import { Client } from '@hubspot/api-client';
import { startSandbox, type Sandbox } from '../../src/sandbox/platform/app.js';
import { fakeCrm } from './fake-crm.js';

const REDIRECT = 'http://localhost:5555/callback';
const CLIENT = { client_id: 'client-a', client_secret: 'secret-a' };

describe('sandbox OAuth', () => {
  let sandbox: Sandbox;
  let clock: number;

  beforeEach(async () => {
    clock = Date.UTC(2026, 10, 1, 12, 0, 0);
    sandbox = await startSandbox(
      {
        dataFile: ':memory:',
        now: () => clock,
        devApp: {
          name: 'Test app',
          clientId: CLIENT.client_id,
          clientSecret: CLIENT.client_secret,
          redirectUris: [REDIRECT],
        },
      },
      fakeCrm(),
    );
  });
  afterEach(() => sandbox.close());

  it('sends the consent page and its error pages with CSP (only its own inline style), no framing, nosniff and no Referer', async () => {
    const { createHash } = await import('node:crypto');
    const consent = new URL(`${sandbox.baseUrl}/oauth/authorize`);
    consent.searchParams.set('client_id', CLIENT.client_id);
    consent.searchParams.set('redirect_uri', REDIRECT);
    consent.searchParams.set('scope', 'oauth');
    const bad = new URL(`${sandbox.baseUrl}/oauth/authorize`);
    bad.searchParams.set('client_id', 'nobody');
    bad.searchParams.set('redirect_uri', REDIRECT);
    for (const url of [consent, bad]) {
      const res = await fetch(url);
      const html = await res.text();
      expect(html).toContain('<style>');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
      expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  async function authorize(params: Record<string, string>): Promise<URL> {
    const url = new URL(`${sandbox.baseUrl}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: CLIENT.client_id,
      redirect_uri: REDIRECT,
      auto: '1',
      ...params,
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') ?? '');
  }

  const postToken = (path: string, form: Record<string, string>) =>
    fetch(`${sandbox.baseUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });

  const exchange = (path: string, code: string) =>
    postToken(path, { grant_type: 'authorization_code', ...CLIENT, redirect_uri: REDIRECT, code });

  const whoami = async (token: string) =>
    (
      await fetch(`${sandbox.baseUrl}/crm/v3/whoami`, { headers: { authorization: `Bearer ${token}` } })
    ).json() as Promise<{
      portalId: number;
      scopes: string[];
    }>;

  it('runs the code flow end to end on /oauth/2026-03/token: code, tokens in the spec’s shape, API call, refresh', async () => {
    const redirect = await authorize({ scope: 'oauth crm.objects.deals.read', state: 'xyz' });
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT);
    expect(redirect.searchParams.get('state')).toBe('xyz');
    const code = redirect.searchParams.get('code') ?? '';

    const res = await exchange('/oauth/2026-03/token', code);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, unknown>;
    expect(tokens).toEqual({
      token_type: 'bearer',
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^na1-/),
      expires_in: 1800,
      hub_id: sandbox.demoPortalId,
      scopes: ['crm.objects.deals.read', 'oauth'],
      token_use: 'access_token',
    });
    expect(await whoami(String(tokens.access_token))).toMatchObject({
      portalId: sandbox.demoPortalId,
      scopes: ['crm.objects.deals.read', 'oauth'],
    });

    const refreshed = await postToken('/oauth/2026-03/token', {
      grant_type: 'refresh_token',
      ...CLIENT,
      refresh_token: String(tokens.refresh_token),
    });
    expect(refreshed.status).toBe(200);
    const again = (await refreshed.json()) as Record<string, unknown>;
    expect(again.access_token).not.toBe(tokens.access_token);
    expect(again.refresh_token).toBe(tokens.refresh_token);
    expect((await whoami(String(again.access_token))).portalId).toBe(sandbox.demoPortalId);
  });

  it('serves the v1 token endpoint to the real @hubspot/api-client (code exchange and refresh)', async () => {
    const code = (await authorize({ scope: 'crm.objects.deals.read' })).searchParams.get('code') ?? '';
    const client = new Client({ basePath: sandbox.baseUrl, numberOfApiCallRetries: 0 });
    const tokens = await client.oauth.tokensApi.create(
      'authorization_code',
      code,
      REDIRECT,
      CLIENT.client_id,
      CLIENT.client_secret,
    );
    // The client's TokenResponseIF model keeps only access/refresh/id token, type and lifetime.
    expect(tokens).toMatchObject({
      tokenType: 'bearer',
      expiresIn: 1800,
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^na1-/),
    });
    const refreshed = await client.oauth.tokensApi.create(
      'refresh_token',
      undefined,
      undefined,
      CLIENT.client_id,
      CLIENT.client_secret,
      tokens.refreshToken,
    );
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);

    const info = await client.oauth.accessTokensApi.get(refreshed.accessToken);
    expect(info).toMatchObject({
      hubId: sandbox.demoPortalId,
      scopes: ['crm.objects.deals.read'],
      tokenType: 'access',
      expiresIn: 1800,
    });
    const refreshInfo = await client.oauth.refreshTokensApi.get(tokens.refreshToken);
    expect(refreshInfo).toMatchObject({
      clientId: CLIENT.client_id,
      hubId: sandbox.demoPortalId,
      tokenType: 'refresh',
    });
  });

  it('accepts an authorization code once only', async () => {
    const code = (await authorize({ scope: 'oauth' })).searchParams.get('code') ?? '';
    expect((await exchange('/oauth/v1/token', code)).status).toBe(200);
    const second = await exchange('/oauth/2026-03/token', code);
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ status: 'BAD_AUTH_CODE', error: 'invalid_grant' });
  });

  it('refuses an authorization code older than 10 minutes', async () => {
    const code = (await authorize({ scope: 'oauth' })).searchParams.get('code') ?? '';
    clock += 10 * 60_000 + 1;
    const res = await exchange('/oauth/2026-03/token', code);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'EXPIRED_AUTH_CODE', error: 'invalid_grant' });
  });

  it('refuses a code sent with another redirect_uri or by a client with the wrong secret', async () => {
    const code = (await authorize({ scope: 'oauth' })).searchParams.get('code') ?? '';
    const wrongSecret = await postToken('/oauth/v1/token', {
      grant_type: 'authorization_code',
      client_id: CLIENT.client_id,
      client_secret: 'nope',
      redirect_uri: REDIRECT,
      code,
    });
    expect(await wrongSecret.json()).toMatchObject({ status: 'BAD_CLIENT_SECRET', error: 'invalid_client' });
    const wrongUri = await postToken('/oauth/v1/token', {
      grant_type: 'authorization_code',
      ...CLIENT,
      redirect_uri: 'http://localhost:5555/other',
      code,
    });
    expect(wrongUri.status).toBe(400);
    expect(await wrongUri.json()).toMatchObject({ status: 'BAD_REDIRECT_URI' });
    const unknownGrant = await postToken('/oauth/v1/token', { grant_type: 'password', ...CLIENT });
    expect(await unknownGrant.json()).toMatchObject({
      status: 'BAD_GRANT_TYPE',
      error: 'unsupported_grant_type',
    });
  });

  it('refuses a refresh token revoked with DELETE /oauth/v1/refresh-tokens/{token}, with HubSpot’s BAD_REFRESH_TOKEN body', async () => {
    const code = (await authorize({ scope: 'oauth' })).searchParams.get('code') ?? '';
    const tokens = (await (await exchange('/oauth/v1/token', code)).json()) as { refresh_token: string };
    const revoked = await fetch(`${sandbox.baseUrl}/oauth/v1/refresh-tokens/${tokens.refresh_token}`, {
      method: 'DELETE',
    });
    expect(revoked.status).toBe(204);
    for (const path of ['/oauth/v1/token', '/oauth/2026-03/token']) {
      const res = await postToken(path, {
        grant_type: 'refresh_token',
        ...CLIENT,
        refresh_token: tokens.refresh_token,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        status: 'BAD_REFRESH_TOKEN',
        message: 'refresh token is invalid, expired or revoked',
        correlationId: expect.any(String),
        error: 'invalid_grant',
        error_description: 'refresh token is invalid, expired or revoked',
      });
    }
  });

  it('revokes through /oauth/2026-03/token/revoke and reports the token inactive on introspection', async () => {
    const code = (await authorize({ scope: 'oauth' })).searchParams.get('code') ?? '';
    const tokens = (await (await exchange('/oauth/2026-03/token', code)).json()) as {
      refresh_token: string;
      access_token: string;
    };
    const live = await postToken('/oauth/2026-03/token/introspect', {
      ...CLIENT,
      token: tokens.access_token,
    });
    expect(await live.json()).toMatchObject({
      active: true,
      hub_id: sandbox.demoPortalId,
      client_id: CLIENT.client_id,
      token_use: 'access_token',
    });
    const refreshInfo = await postToken('/oauth/2026-03/token/introspect', {
      ...CLIENT,
      token: tokens.refresh_token,
    });
    expect(await refreshInfo.json()).toMatchObject({ active: true, token_use: 'refresh_token' });

    expect(
      (await postToken('/oauth/2026-03/token/revoke', { ...CLIENT, token: tokens.refresh_token })).status,
    ).toBe(200);
    const after = await postToken('/oauth/2026-03/token/introspect', {
      ...CLIENT,
      token: tokens.refresh_token,
    });
    expect(await after.json()).toEqual({ active: false });
    const refresh = await postToken('/oauth/2026-03/token', {
      grant_type: 'refresh_token',
      ...CLIENT,
      refresh_token: tokens.refresh_token,
    });
    expect(await refresh.json()).toMatchObject({ status: 'BAD_REFRESH_TOKEN' });
  });

  it('grants optional custom-object scopes on the enterprise demo portal but not on a new professional portal', async () => {
    const optional = 'crm.objects.custom.read crm.schemas.custom.read';
    const enterprise =
      (await authorize({ scope: 'oauth crm.objects.deals.read', optional_scope: optional })).searchParams.get(
        'code',
      ) ?? '';
    const entTokens = (await (await exchange('/oauth/v1/token', enterprise)).json()) as { scopes: string[] };
    expect(entTokens.scopes).toEqual([
      'crm.objects.custom.read',
      'crm.objects.deals.read',
      'crm.schemas.custom.read',
      'oauth',
    ]);

    const pro = await authorize({
      scope: 'oauth crm.objects.deals.read',
      optional_scope: optional,
      new_portal_tier: 'professional',
    });
    const proTokens = (await (
      await exchange('/oauth/v1/token', pro.searchParams.get('code') ?? '')
    ).json()) as { scopes: string[]; hub_id: number };
    expect(proTokens.scopes).toEqual(['crm.objects.deals.read', 'oauth']);
    expect(proTokens.hub_id).not.toBe(sandbox.demoPortalId);
  });

  it('redirects with error=invalid_scope when a required scope is one the portal’s tier cannot grant', async () => {
    const redirect = await authorize({
      scope: 'oauth crm.objects.custom.read',
      new_portal_tier: 'starter',
      state: 's1',
    });
    expect(redirect.searchParams.get('code')).toBeNull();
    expect(redirect.searchParams.get('error')).toBe('invalid_scope');
    expect(redirect.searchParams.get('error_description')).toContain('crm.objects.custom.read');
    expect(redirect.searchParams.get('state')).toBe('s1');
  });

  it('shows a consent page listing the scopes and portals, and the form post redirects with a code', async () => {
    const url = new URL(`${sandbox.baseUrl}/oauth/authorize`);
    url.search = new URLSearchParams({
      client_id: CLIENT.client_id,
      redirect_uri: REDIRECT,
      scope: 'oauth crm.objects.deals.read',
      optional_scope: 'crm.objects.custom.read',
      state: 'a<b',
    }).toString();
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Connect Test app');
    expect(html).toContain('crm.objects.deals.read');
    expect(html).toContain('Enterprise only');
    expect(html).toContain(`value="${sandbox.demoPortalId}" selected`);
    expect(html).toContain('value="a&lt;b"');
    expect(html).not.toContain('a<b');

    const posted = await fetch(`${sandbox.baseUrl}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        client_id: CLIENT.client_id,
        redirect_uri: REDIRECT,
        scope: 'oauth',
        state: 'a<b',
        portal_choice: 'existing',
        portal_id: String(sandbox.demoPortalId),
        decision: 'allow',
      }),
    });
    expect(posted.status).toBe(302);
    const location = new URL(posted.headers.get('location') ?? '');
    expect(location.searchParams.get('code')).toEqual(expect.any(String));
    expect(location.searchParams.get('state')).toBe('a<b');
  });

  it('shows an error page instead of redirecting for an unknown client or an unregistered redirect_uri', async () => {
    for (const params of [
      { client_id: 'nobody', redirect_uri: REDIRECT, scope: 'oauth', auto: '1' },
      { client_id: CLIENT.client_id, redirect_uri: 'http://evil.example/cb', scope: 'oauth', auto: '1' },
    ]) {
      const url = new URL(`${sandbox.baseUrl}/oauth/authorize`);
      url.search = new URLSearchParams(params).toString();
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });
});
