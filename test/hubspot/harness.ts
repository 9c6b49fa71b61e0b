/**
 * Integration harness: the sandbox CRM over real HTTP, our transport (real @hubspot/api-client inside) on a
 * clock whose sleeps are real but short, and call counters fed by the transport's onAttempt hook.
 */
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/platform/server.js';
import type { Clock } from '../../src/ports/clock.js';
import { HubSpotTransport, type AttemptEvent } from '../../src/adapters/hubspot/transport.js';
import {
  DEFAULT_THROTTLE,
  PortalThrottle,
  type ThrottleSettings,
} from '../../src/adapters/hubspot/throttle.js';
import type { RetrySettings } from '../../src/adapters/hubspot/retry-policy.js';
import { CUSTOM_OBJECT_SCOPES, REQUIRED_SCOPES } from '../../src/adapters/hubspot/oauth/scopes.js';
import type { PortalStoreConfig } from '../../src/adapters/hubspot/plan-store.js';
import { provisionPortal } from '../../src/adapters/hubspot/provision.js';
import type { StorageMode } from '../../src/ports/installation-store.js';

/**
 * What a real install grants (src/adapters/hubspot/oauth/install.ts asks for REQUIRED_SCOPES, CUSTOM_OBJECT_SCOPES optional):
 * an Enterprise portal grants both, a Professional one only the required scopes. The sandbox's static tokens
 * carry the same (src/sandbox/platform/defaults.ts APP_INSTALL_SCOPES), so these match the tokens in `tokens`.
 */
export const ENTERPRISE_SCOPES: readonly string[] = [...REQUIRED_SCOPES, ...CUSTOM_OBJECT_SCOPES];
export const PROFESSIONAL_SCOPES: readonly string[] = [...REQUIRED_SCOPES];

/** Real time, so that the sandbox's rolling windows and our throttle agree. */
export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Retries that are quick enough for tests but keep the policy's shape. */
export const FAST_RETRY: RetrySettings = {
  maxAttempts: 4,
  baseDelayMs: 5,
  maxDelayMs: 40,
  rateLimitWaitMs: 20,
};

export interface Harness {
  sandbox: Sandbox;
  transport: HubSpotTransport;
  attempts: AttemptEvent[];
  /** Tokens by portal id (the demo portal's is there from the start). */
  tokens: Map<string, string>;
  demoPortalId: string;
  newPortal(tier: 'professional' | 'enterprise'): Promise<string>;
  /** A new deal in a portal, created straight through HTTP (not counted in `attempts`). */
  newDeal(portalId: string, name?: string): Promise<string>;
  // Bodies are HubSpot JSON that tests check field by field with expect(); typing each one adds nothing.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  raw(portalId: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  setFaults(portalId: string, faults: Record<string, unknown> | null): Promise<void>;
  /**
   * Waits until the portal's search index has every write made so far: the sandbox's search lags writes by
   * its set lag (1 s by default), as HubSpot's does ("a few moments"). Only needed before reading through search.
   */
  waitForSearchIndex(portalId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  options: Partial<SandboxOptions> = {},
  retry: RetrySettings = FAST_RETRY,
  throttle: ThrottleSettings = DEFAULT_THROTTLE,
): Promise<Harness> {
  const sandbox = await createSandbox({
    dataFile: ':memory:',
    rateLimit: { perTenSeconds: null },
    ...options,
  });
  const tokens = new Map<string, string>([[String(sandbox.demoPortalId), sandbox.demoToken]]);
  const attempts: AttemptEvent[] = [];
  const transport = new HubSpotTransport({
    basePath: sandbox.baseUrl,
    accessToken: (portalId) => {
      const token = tokens.get(portalId);
      return token ? Promise.resolve(token) : Promise.reject(new Error(`no token for portal ${portalId}`));
    },
    clock: realClock,
    throttle: new PortalThrottle(realClock, throttle),
    retry,
    onAttempt: (e) => attempts.push(e),
  });

  const raw = async (
    portalId: string,
    method: string,
    path: string,
    body?: unknown,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- HubSpot JSON, checked field by field with expect()
  ): Promise<{ status: number; body: any }> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = tokens.get(portalId);
    if (token && !path.startsWith('/_sandbox')) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${sandbox.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  return {
    sandbox,
    transport,
    attempts,
    tokens,
    demoPortalId: String(sandbox.demoPortalId),
    async newPortal(tier) {
      const res = await raw('', 'POST', '/_sandbox/portals', { tier });
      if (res.status !== 201) throw new Error(`could not create a ${tier} portal: ${res.status}`);
      const id = String(res.body.id);
      tokens.set(id, String(res.body.token));
      return id;
    },
    async newDeal(portalId, name = 'Test deal') {
      const res = await raw(portalId, 'POST', '/crm/v3/objects/deals', { properties: { dealname: name } });
      if (res.status !== 201)
        throw new Error(`could not create a deal: ${res.status} ${JSON.stringify(res.body)}`);
      return String(res.body.id);
    },
    raw,
    async setFaults(portalId, faults) {
      const res =
        faults === null
          ? await raw('', 'DELETE', `/_sandbox/portals/${portalId}/faults`)
          : await raw('', 'PUT', `/_sandbox/portals/${portalId}/faults`, faults);
      if (res.status >= 300)
        throw new Error(`could not set faults: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async waitForSearchIndex(portalId) {
      const res = await raw('', 'GET', `/_sandbox/portals/${portalId}/search-lag`);
      if (res.status !== 200) throw new Error(`could not read the search lag: ${res.status}`);
      await new Promise((resolve) => setTimeout(resolve, Number(res.body.lagMs) + 20));
    },
    close: () => sandbox.close(),
  };
}

/**
 * A portal provisioned for a storage mode (the demo portal, Enterprise, for custom objects; a new Professional
 * portal for documents) and the plan store's settings for it.
 */
export async function provisionedPortal(
  h: Harness,
  mode: StorageMode,
): Promise<{ portalId: string; config: PortalStoreConfig }> {
  const portalId = mode === 'custom_object' ? h.demoPortalId : await h.newPortal('professional');
  const report = await provisionPortal(h.transport, portalId, {
    scopes: mode === 'custom_object' ? ENTERPRISE_SCOPES : PROFESSIONAL_SCOPES,
  });
  if (!report.ok) throw new Error(JSON.stringify(report.error));
  const config: PortalStoreConfig = {
    storageMode: mode,
    writeNativeForecast: false,
    ...(report.value.milestoneObjectTypeId
      ? { milestoneObjectType: report.value.milestoneObjectTypeId }
      : {}),
  };
  return { portalId, config };
}

/** Attempts grouped as `METHOD path` → count. */
export function countBy(
  attempts: readonly AttemptEvent[],
  key: (a: AttemptEvent) => string = (a) => a.method,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of attempts) out[key(a)] = (out[key(a)] ?? 0) + 1;
  return out;
}
