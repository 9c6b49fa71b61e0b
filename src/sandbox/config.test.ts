import { parseSandboxConfig } from './config.js';

describe('sandbox config', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(parseSandboxConfig({})).toEqual({
      ok: true,
      value: {
        port: 4010,
        dataFile: 'data/sandbox.sqlite',
        demoToken: 'sandbox-demo-token',
        timeScale: 1,
        perTenSeconds: 110,
        accessTokenTtlSeconds: 1800,
        searchIndexLagMs: 1000,
        devApp: {
          clientId: 'sandbox-dev-client-id',
          clientSecret: 'sandbox-dev-client-secret',
          redirectUris: ['http://localhost:3000/oauth/callback', 'http://127.0.0.1:3000/oauth/callback'],
        },
      },
    });
  });

  it('reads every variable, including :memory:, "off" and a redirect URI list', () => {
    const result = parseSandboxConfig({
      SANDBOX_PORT: '0',
      SANDBOX_DATA: ':memory:',
      SANDBOX_DEMO_TOKEN: 'my-local-token',
      SANDBOX_TIME_SCALE: '0.01',
      SANDBOX_RATE_LIMIT_PER_10S: 'off',
      SANDBOX_ACCESS_TOKEN_TTL_SECONDS: '60',
      SANDBOX_OAUTH_REDIRECT_URIS: 'http://localhost:8080/cb, https://app.example/cb',
    });
    expect(result).toMatchObject({
      ok: true,
      value: {
        port: 0,
        dataFile: ':memory:',
        demoToken: 'my-local-token',
        timeScale: 0.01,
        perTenSeconds: null,
        accessTokenTtlSeconds: 60,
        devApp: { redirectUris: ['http://localhost:8080/cb', 'https://app.example/cb'] },
      },
    });
  });

  it('reads SANDBOX_SEARCH_LAG_MS from 0 to 3000 ms (HubSpot: new or changed records take "a few moments" to reach search)', () => {
    expect(parseSandboxConfig({ SANDBOX_SEARCH_LAG_MS: '0' })).toMatchObject({
      ok: true,
      value: { searchIndexLagMs: 0 },
    });
    expect(parseSandboxConfig({ SANDBOX_SEARCH_LAG_MS: '3000' })).toMatchObject({
      ok: true,
      value: { searchIndexLagMs: 3000 },
    });
    expect(parseSandboxConfig({ SANDBOX_SEARCH_LAG_MS: '3001' })).toMatchObject({ ok: false });
    expect(parseSandboxConfig({ SANDBOX_SEARCH_LAG_MS: 'soon' })).toMatchObject({ ok: false });
  });

  it('reports every invalid variable at once, by name, in the one shape every program uses', () => {
    const result = parseSandboxConfig({
      SANDBOX_PORT: '70000',
      SANDBOX_TIME_SCALE: '-1',
      SANDBOX_RATE_LIMIT_PER_10S: 'lots',
      SANDBOX_ACCESS_TOKEN_TTL_SECONDS: '1.5',
      SANDBOX_DEMO_TOKEN: 'bad token',
      SANDBOX_OAUTH_REDIRECT_URIS: 'not a url',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const named = result.error.map((p) => p.variable);
    expect(new Set(named)).toEqual(
      new Set([
        'SANDBOX_PORT',
        'SANDBOX_TIME_SCALE',
        'SANDBOX_RATE_LIMIT_PER_10S',
        'SANDBOX_ACCESS_TOKEN_TTL_SECONDS',
        'SANDBOX_DEMO_TOKEN',
        'SANDBOX_OAUTH_REDIRECT_URIS',
      ]),
    );
  });
});
