/**
 * The backend against a sandbox CRM with the real wiring (HubSpot PlanStore, provisioning, OAuth): a test
 * gets a backend whose OAuth app is registered in the sandbox, and installs portals through the real flow.
 */
import type { Sandbox } from '../../src/sandbox/platform/server.js';
import { startHarness, type Harness, type HarnessOptions } from './harness.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';

export const SANDBOX_CLIENT_SECRET = 'sandbox-backend-test-secret';
let apps = 0;

export interface SandboxBackend {
  readonly h: Harness;
  readonly clientId: string;
  /** Installs a portal through /oauth/install → authorize (auto=1) → /oauth/callback; returns its id. */
  install(
    params?: Record<string, string>,
  ): Promise<{ portalId: number; status: number; html: string; callbackUrl: string }>;
  /** Creates a deal in a portal through the CRM API with the portal's stored token. */
  newDeal(portalId: number, name?: string): Promise<string>;
}

export async function startSandboxBackend(
  sandbox: Sandbox,
  options: Omit<HarnessOptions, 'crmBase' | 'env'> & { env?: Record<string, string> } = {},
): Promise<SandboxBackend> {
  const clientId = `sandbox-backend-test-${process.pid}-${++apps}`;
  const h = await startHarness({
    plans: 'hubspot',
    ...options,
    crmBase: sandbox.baseUrl,
    env: { HUBSPOT_CLIENT_ID: clientId, HUBSPOT_CLIENT_SECRET: SANDBOX_CLIENT_SECRET, ...options.env },
  });
  // The sandbox's admin API cannot change an app's redirect URIs: each backend registers its own app.
  const registered = await fetch(`${sandbox.baseUrl}/_sandbox/oauth/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'MAP test',
      clientId,
      clientSecret: SANDBOX_CLIENT_SECRET,
      redirectUris: [`${h.url}/oauth/callback`],
    }),
  });
  if (registered.status !== 201) throw new Error(`registering the OAuth app failed: ${registered.status}`);

  return {
    h,
    clientId,
    async install(params = {}) {
      const install = await fetch(`${h.url}/oauth/install`, { redirect: 'manual' });
      const cookie = install.headers.getSetCookie()[0]?.split(';')[0] ?? '';
      const authorize = new URL(install.headers.get('location') ?? '');
      for (const [k, v] of Object.entries({ auto: '1', ...params })) authorize.searchParams.set(k, v);
      const consent = await fetch(authorize, { redirect: 'manual' });
      const callbackUrl = consent.headers.get('location') ?? '';
      const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
      const html = await callback.text();
      const portalId = Number(
        new URL(callbackUrl).searchParams.get('code') === null
          ? NaN
          : /HubSpot account <strong>(\d+)<\/strong>/.exec(html)?.[1],
      );
      return { portalId, status: callback.status, html, callbackUrl };
    },
    async newDeal(portalId, name = 'Test deal') {
      const token = (await h.installations.getTokens(hubSpotTenant(portalId)))?.accessToken ?? '';
      const res = await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { dealname: name, amount: '10000' } }),
      });
      if (res.status !== 201) throw new Error(`creating a deal failed: ${res.status}`);
      return ((await res.json()) as { id: string }).id;
    },
  };
}
