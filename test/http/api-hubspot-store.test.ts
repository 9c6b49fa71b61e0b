/**
 * The functions over HTTP with the real wiring: portals installed through the OAuth flow against the sandbox
 * CRM, provisioned for real, plans kept by the HubSpot PlanStore in both storage modes.
 */
import { jest } from '@jest/globals';
import { apiErrorBodySchema, planResponseSchema, reprojectResponseSchema } from '../../src/contract/index.js';
import { err } from '../../src/domain/result.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { systemClock } from '../../src/ports/clock.js';
import { callFunction } from './harness.js';
import { SANDBOX_CLIENT_SECRET, startSandboxBackend, type SandboxBackend } from './sandbox-backend.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';

let sandbox: Sandbox;
let b: SandboxBackend;

beforeAll(async () => {
  sandbox = await createSandbox({ dataFile: ':memory:' });
});
afterAll(async () => sandbox.close());
beforeEach(async () => {
  // Real time: the sandbox's token expiry and rolling windows use it, and the throttle waits on it.
  b = await startSandboxBackend(sandbox, { clock: systemClock });
});
afterEach(async () => b.h.close());

describe.each([
  ['custom_object', 'enterprise'],
  ['document', 'professional'],
])('%s mode (%s portal)', (mode, tier) => {
  test('a plan is created from a template, edited quickly, saved in batch and reprojected, with version conflicts refused', async () => {
    const { portalId, status } = await b.install({ new_portal_tier: tier });
    expect(status).toBe(200);
    expect((await b.h.installations.getInstallation(hubSpotTenant(portalId)))?.storageMode).toBe(mode);
    const dealId = await b.newDeal(portalId);
    const caller = { portalId, userId: 5 };
    const call = (fn: string, input: unknown) => callFunction(b.h, fn, input, { caller, now: Date.now() });

    const empty = planResponseSchema.parse((await call('get-plan', { dealId })).body);
    expect(empty).toMatchObject({ version: 0, saved: false });

    const applied = await call('apply-template', {
      dealId,
      baseVersion: 0,
      templateId: 'smb-quick-close',
      targetCloseDate: '2027-06-25',
    });
    expect(applied.status).toBe(200);
    const plan = planResponseSchema.parse(applied.body);
    expect(plan.version).toBe(1);

    const loaded = planResponseSchema.parse((await call('get-plan', { dealId })).body);
    expect(loaded.plan.milestones.map((m) => m.id)).toEqual(plan.plan.milestones.map((m) => m.id));
    expect(loaded.version).toBe(1);

    const first = plan.plan.milestones[0]!;
    const quick = await call('update-milestone', {
      dealId,
      baseVersion: 1,
      milestoneId: first.id,
      status: 'done',
    });
    expect(quick.status).toBe(200);
    expect(planResponseSchema.parse(quick.body).version).toBe(2);

    const stale = await call('save-plan', {
      dealId,
      baseVersion: 1,
      edits: [{ edit: 'setPlanTitle', input: { title: 'Stale' } }],
    });
    expect(stale.status).toBe(409);
    const conflict = apiErrorBodySchema.parse(stale.body).error;
    expect(conflict.currentVersion).toBe(2);
    expect(conflict.changesSince?.map((a) => a.kind)).toContain('status_changed');

    const batch = await call('save-plan', {
      dealId,
      baseVersion: 2,
      edits: [
        { edit: 'setPlanTitle', input: { title: 'Fresh' } },
        { edit: 'setValueSummary', input: { valueSummary: 'Value.' } },
      ],
    });
    expect(batch.status).toBe(200);
    expect(planResponseSchema.parse(batch.body).plan).toMatchObject({
      title: 'Fresh',
      valueSummary: 'Value.',
      version: 3,
    });

    const reprojected = reprojectResponseSchema.parse((await call('reproject-deal', { dealId })).body);
    expect(reprojected.changedFields).toEqual([]);

    // The map_* fields are on the deal in the CRM.
    const token = (await b.h.installations.getTokens(hubSpotTenant(portalId)))?.accessToken ?? '';
    const deal = await fetch(
      `${sandbox.baseUrl}/crm/v3/objects/deals/${dealId}?properties=map_progress,map_milestones_done,map_plan_version`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const props = ((await deal.json()) as { properties: Record<string, string | null> }).properties;
    expect(props.map_milestones_done).toBe('1');
    expect(props.map_plan_version).toBe('3');
  });
});

test('tenant isolation with the real store: a correctly signed request from portal A for portal B’s deal is 404 and writes nothing', async () => {
  const a = await b.install({ new_portal_tier: 'professional' });
  const other = await b.install({ new_portal_tier: 'professional' });
  const dealB = await b.newDeal(other.portalId, 'Portal B deal');
  const saved = await callFunction(
    b.h,
    'add-stakeholder',
    { dealId: dealB, baseVersion: 0, side: 'buyer', name: 'Secret B' },
    { caller: { portalId: other.portalId, userId: 1 }, now: Date.now() },
  );
  expect(saved.status).toBe(200);

  const read = await callFunction(
    b.h,
    'get-plan',
    { dealId: dealB },
    { caller: { portalId: a.portalId, userId: 1 }, now: Date.now() },
  );
  expect(read.status).toBe(404);
  expect(apiErrorBodySchema.parse(read.body).error.code).toBe('DEAL_NOT_FOUND');
  expect(JSON.stringify(read.body)).not.toContain('Secret B');
  const missing = await callFunction(
    b.h,
    'get-plan',
    { dealId: '999999999' },
    { caller: { portalId: a.portalId, userId: 1 }, now: Date.now() },
  );
  expect(missing.status).toBe(404);

  const write = await callFunction(
    b.h,
    'add-stakeholder',
    { dealId: dealB, baseVersion: 1, side: 'buyer', name: 'Intruder' },
    { caller: { portalId: a.portalId, userId: 1 }, now: Date.now() },
  );
  expect(write.status).toBe(404);
  const after = planResponseSchema.parse(
    (
      await callFunction(
        b.h,
        'get-plan',
        { dealId: dealB },
        { caller: { portalId: other.portalId, userId: 1 }, now: Date.now() },
      )
    ).body,
  );
  expect(after.plan.stakeholders.map((s) => s.name)).toEqual(['Secret B']);
});

test('a CRM rate limit from the sandbox reaches the card as 429 with Retry-After', async () => {
  const { portalId } = await b.install({ new_portal_tier: 'professional' });
  const dealId = await b.newDeal(portalId);
  const faults = await fetch(`${sandbox.baseUrl}/_sandbox/portals/${portalId}/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rateLimit: 1 }),
  });
  expect(faults.status).toBe(200);
  const res = await callFunction(
    b.h,
    'get-plan',
    { dealId },
    { caller: { portalId, userId: 1 }, now: Date.now() },
  );
  await fetch(`${sandbox.baseUrl}/_sandbox/portals/${portalId}/faults`, { method: 'DELETE' });
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(apiErrorBodySchema.parse(res.body).error.code).toBe('CRM_RATE_LIMITED');
}, 30_000);

test('a token that cannot be renewed during a call: refused, 403 INSTALLATION_INACTIVE; HubSpot unreachable, 503 CRM_UNAVAILABLE', async () => {
  const { portalId } = await b.install({ new_portal_tier: 'professional' });
  const dealId = await b.newDeal(portalId);
  const tenant = hubSpotTenant(portalId);
  const call = () =>
    callFunction(b.h, 'get-plan', { dealId }, { caller: { portalId, userId: 1 }, now: Date.now() });
  const tokens = (await b.h.installations.getTokens(tenant))!;

  // Expired, and HubSpot cannot be reached to renew it: try again shortly; the installation stays.
  await b.h.installations.saveTokens(tenant, { ...tokens, expiresAt: Date.now() - 1 });
  jest
    .spyOn(b.h.backend.tokenClient, 'refresh')
    .mockResolvedValueOnce(
      err({ kind: 'unavailable', message: 'HubSpot could not be reached for the token request.' }),
    );
  const down = await call();
  expect(down.status).toBe(503);
  expect(down.headers.get('retry-after')).toBe('5');
  expect(apiErrorBodySchema.parse(down.body).error).toMatchObject({
    code: 'CRM_UNAVAILABLE',
    message: 'HubSpot could not be reached to renew access. Try again in a moment.',
    retryAfterSeconds: 5,
  });
  expect((await b.h.installations.getInstallation(tenant))?.status.state).toBe('active');

  // Near expiry, and the refresh token was revoked in HubSpot: the installation becomes inactive.
  await b.h.installations.saveTokens(tenant, { ...tokens, expiresAt: Date.now() + 1_000 });
  const revoked = await fetch(`${sandbox.baseUrl}/oauth/2026-03/token/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: b.clientId,
      client_secret: SANDBOX_CLIENT_SECRET,
      token: tokens.refreshToken,
    }),
  });
  expect(revoked.status).toBe(200);
  const gone = await call();
  expect(gone.status).toBe(403);
  expect(apiErrorBodySchema.parse(gone.body).error).toMatchObject({
    code: 'INSTALLATION_INACTIVE',
    message:
      'HubSpot no longer accepts this app’s access for this account. An admin should reinstall the app.',
  });
  expect(await b.h.installations.getInstallation(tenant)).toMatchObject({
    status: { state: 'inactive', reason: 'token_revoked' },
  });
}, 30_000);
