/**
 * Installs the sandbox's dev app into a portal the way automation does (`/oauth/authorize?auto=1`, then the code
 * for tokens at `/oauth/v1/token`) and returns the access token.
 */
export interface InstallRequest {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Space-separated scopes, as in the install URL. */
  scope: string;
  /** The portal to install into; the demo portal when absent. */
  portalId?: number;
}

export async function installAccessToken(baseUrl: string, install: InstallRequest): Promise<string> {
  const authorize = new URL(`${baseUrl}/oauth/authorize`);
  authorize.search = new URLSearchParams({
    client_id: install.clientId,
    redirect_uri: install.redirectUri,
    scope: install.scope,
    auto: '1',
    ...(install.portalId === undefined ? {} : { portal_id: String(install.portalId) }),
  }).toString();
  const redirect = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const token = await fetch(`${baseUrl}/oauth/v1/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: install.clientId,
      client_secret: install.clientSecret,
      redirect_uri: install.redirectUri,
      code,
    }),
  });
  if (token.status !== 200) throw new Error(`install failed: ${token.status} ${await token.text()}`);
  return ((await token.json()) as { access_token: string }).access_token;
}
