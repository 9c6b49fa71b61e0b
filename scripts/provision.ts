/**
 * `npm run provision`: provisions one portal and prints the report.
 *
 * | variable | meaning |
 * |---|---|
 * | PROVISION_ACCESS_TOKEN | a private-app or OAuth access token of the portal; unset = the sandbox demo portal |
 * | PROVISION_PORTAL_ID | the portal's id (required with a token) |
 * | PROVISION_SCOPES | granted scopes, comma-separated (default: all the app asks for, custom objects included) |
 * | HUBSPOT_API_BASE | API base URL (default https://api.hubapi.com with a token, else the sandbox on SANDBOX_PORT) |
 * | SANDBOX_PORT, SANDBOX_DEMO_TOKEN | where the sandbox runs (default 4010) and its demo token |
 *
 * Without a token it provisions the sandbox demo portal: the running `npm run sandbox` if it answers,
 * otherwise an in-process sandbox on SANDBOX_DATA (default data/sandbox.sqlite), so the result persists.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { systemClock } from '../src/ports/clock.js';
import {
  CUSTOM_OBJECT_SCOPES,
  formatProvisionReport,
  hubSpotProvisioning,
} from '../src/adapters/hubspot/provision.js';
import { hubSpotTenant } from '../src/adapters/hubspot/tenant.js';
import { PortalThrottle } from '../src/adapters/hubspot/throttle.js';
import { HubSpotTransport } from '../src/adapters/hubspot/transport.js';

const DEFAULT_SCOPES = [
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.schemas.deals.write',
  ...CUSTOM_OBJECT_SCOPES,
];
const SANDBOX_DEMO_PORTAL = '1000001';

const blank = (v: unknown): unknown => (v === '' ? undefined : v);
const envSchema = z
  .object({
    PROVISION_ACCESS_TOKEN: z.preprocess(blank, z.string().min(1).optional()),
    PROVISION_PORTAL_ID: z.preprocess(blank, z.string().regex(/^\d+$/, 'must be a number').optional()),
    PROVISION_SCOPES: z.preprocess(blank, z.string().optional()),
    HUBSPOT_API_BASE: z.preprocess(blank, z.url().optional()),
    SANDBOX_PORT: z.preprocess(blank, z.coerce.number().int().min(1).max(65_535).default(4010)),
    SANDBOX_DEMO_TOKEN: z.preprocess(blank, z.string().default('sandbox-demo-token')),
    SANDBOX_DATA: z.preprocess(blank, z.string().default('data/sandbox.sqlite')),
  })
  .refine((e) => e.PROVISION_ACCESS_TOKEN === undefined || e.PROVISION_PORTAL_ID !== undefined, {
    message: 'PROVISION_PORTAL_ID is required with PROVISION_ACCESS_TOKEN',
  });

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(
    `Invalid environment:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.') || 'env'}: ${i.message}`).join('\n')}\n`,
  );
  process.exit(1);
}
const env = parsed.data;

async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/_sandbox/portals`, { signal: AbortSignal.timeout(1_000) });
    return res.ok;
  } catch {
    // Nothing listening there: the caller starts a sandbox of its own.
    return false;
  }
}

let closeSandbox: (() => Promise<void>) | undefined;
let basePath: string;
let token: string;
let portalId: string;
if (env.PROVISION_ACCESS_TOKEN !== undefined && env.PROVISION_PORTAL_ID !== undefined) {
  basePath = env.HUBSPOT_API_BASE ?? 'https://api.hubapi.com';
  token = env.PROVISION_ACCESS_TOKEN;
  portalId = env.PROVISION_PORTAL_ID;
} else {
  token = env.SANDBOX_DEMO_TOKEN;
  portalId = SANDBOX_DEMO_PORTAL;
  basePath = env.HUBSPOT_API_BASE ?? `http://127.0.0.1:${env.SANDBOX_PORT}`;
  if (!(await reachable(basePath))) {
    if (env.SANDBOX_DATA !== ':memory:') mkdirSync(dirname(env.SANDBOX_DATA), { recursive: true });
    const { createSandbox } = await import('../src/sandbox/platform/server.js');
    const sandbox = await createSandbox({ dataFile: env.SANDBOX_DATA, demoToken: token });
    basePath = sandbox.baseUrl;
    portalId = String(sandbox.demoPortalId);
    closeSandbox = () => sandbox.close();
    process.stdout.write(`No sandbox answered; provisioning the demo portal in ${env.SANDBOX_DATA}.\n`);
  }
}

const transport = new HubSpotTransport({
  basePath,
  accessToken: () => Promise.resolve(token),
  clock: systemClock,
  throttle: new PortalThrottle(systemClock),
});
const scopes =
  env.PROVISION_SCOPES?.split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0) ?? DEFAULT_SCOPES;
const result = await hubSpotProvisioning(transport)({ tenant: hubSpotTenant(portalId), scopes });
await closeSandbox?.();
if (!result.ok) {
  process.stderr.write(
    `Provisioning of portal ${portalId} failed: ${result.error.message}\n${(result.error.details ?? []).map((d) => `  - ${d}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(`Portal ${portalId} at ${basePath}\n${formatProvisionReport(result.value)}\n`);
process.exit(result.value.problems.some((p) => p.blocking) ? 2 : 0);
