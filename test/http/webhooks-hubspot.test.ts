/**
 * Deal deletions and merges through POST /webhooks/hubspot with the real wiring: the HubSpot PlanLifecycle
 * over the sandbox CRM, a portal installed through OAuth (custom-object mode), plans made by the functions.
 */
import { planResponseSchema } from '../../src/contract/index.js';
import { systemClock } from '../../src/ports/clock.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { callFunction, signedPost } from './harness.js';
import { startSandboxBackend, type SandboxBackend } from './sandbox-backend.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';

let sandbox: Sandbox;
let b: SandboxBackend;
let portalId: number;
let eventId = 5_000;

beforeAll(async () => {
  sandbox = await createSandbox({ dataFile: ':memory:' });
});
afterAll(async () => sandbox.close());
beforeEach(async () => {
  b = await startSandboxBackend(sandbox, { clock: systemClock });
  const installed = await b.install({ new_portal_tier: 'enterprise' });
  portalId = installed.portalId;
  expect((await b.h.installations.getInstallation(hubSpotTenant(portalId)))?.storageMode).toBe(
    'custom_object',
  );
});
afterEach(async () => b.h.close());

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the HubSpot JSON fields they assert on
async function crm(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const token = (await b.h.installations.getTokens(hubSpotTenant(portalId)))?.accessToken ?? '';
  const res = await fetch(`${sandbox.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const call = (fn: string, input: unknown) =>
  callFunction(b.h, fn, input, { caller: { portalId, userId: 5 }, now: Date.now() });

async function dealWithPlan(
  template = 'smb-quick-close',
): Promise<{ dealId: string; milestoneIds: string[]; version: number }> {
  const dealId = await b.newDeal(portalId);
  const res = await call('apply-template', {
    dealId,
    baseVersion: 0,
    templateId: template,
    targetCloseDate: '2027-06-25',
  });
  expect(res.status).toBe(200);
  const plan = planResponseSchema.parse(res.body);
  return { dealId, milestoneIds: plan.plan.milestones.map((m) => m.id), version: plan.version };
}

/** The map_key values (`deal:milestone`) that still have a live record. */
async function liveKeys(dealId: string, milestoneIds: readonly string[]): Promise<string[]> {
  const res = await crm('POST', `/crm/v3/objects/p${portalId}_map_milestone/batch/read`, {
    idProperty: 'map_key',
    properties: ['map_key'],
    inputs: milestoneIds.map((id) => ({ id: `${dealId}:${id}` })),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (res.body.results as any[]).map((r) => String(r.properties.map_key)).sort();
}

function deliver(events: Record<string, unknown>[]) {
  const body = events.map((e) => ({
    eventId: ++eventId,
    portalId,
    occurredAt: Date.now(),
    attemptNumber: 0,
    ...e,
  }));
  return signedPost(b.h, `${b.h.url}/webhooks/hubspot`, Buffer.from(JSON.stringify(body)), {
    now: Date.now(),
  });
}

test('a deleted deal’s milestone records are archived; a deletion event for a deal that is live again archives nothing', async () => {
  const gone = await dealWithPlan();
  const restored = await dealWithPlan();
  expect(await liveKeys(gone.dealId, gone.milestoneIds)).toHaveLength(gone.milestoneIds.length);
  expect((await crm('DELETE', `/crm/v3/objects/deals/${gone.dealId}`)).status).toBe(204);

  const res = await deliver([
    { subscriptionType: 'deal.deletion', objectId: Number(gone.dealId) },
    { subscriptionType: 'deal.deletion', objectId: Number(restored.dealId) },
  ]);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ handled: 2, failed: 0 });
  expect(await liveKeys(gone.dealId, gone.milestoneIds)).toEqual([]);
  expect(await liveKeys(restored.dealId, restored.milestoneIds)).toHaveLength(restored.milestoneIds.length);

  // Delivered again under a new event id (not a duplicate): archiving what is archived is a success.
  const again = await deliver([{ subscriptionType: 'deal.deletion', objectId: Number(gone.dealId) }]);
  expect(again.body).toMatchObject({ handled: 1, failed: 0 });
});

test('a merge keeps the primary deal’s plan and archives the milestone records of the merged deal’s plan', async () => {
  const primary = await dealWithPlan();
  const merged = await dealWithPlan('mid-market-saas');
  expect((await crm('DELETE', `/crm/v3/objects/deals/${merged.dealId}`)).status).toBe(204);

  const res = await deliver([
    {
      subscriptionType: 'deal.merge',
      primaryObjectId: Number(primary.dealId),
      mergedObjectIds: [Number(merged.dealId)],
      newObjectId: Number(primary.dealId),
    },
  ]);
  expect(res.body).toMatchObject({ handled: 1, failed: 0 });
  const plan = planResponseSchema.parse((await call('get-plan', { dealId: primary.dealId })).body);
  expect(plan.version).toBe(primary.version);
  expect(plan.plan.milestones.map((m) => m.id)).toEqual(primary.milestoneIds);
  expect(await liveKeys(primary.dealId, primary.milestoneIds)).toHaveLength(primary.milestoneIds.length);
  expect(await liveKeys(merged.dealId, merged.milestoneIds)).toEqual([]);
});

test('when only the merged deal has a plan, the surviving deal gets it (records re-keyed, a higher version), and a redelivery changes nothing', async () => {
  const survivor = await b.newDeal(portalId);
  const merged = await dealWithPlan();
  const done = await call('update-milestone', {
    dealId: merged.dealId,
    baseVersion: merged.version,
    milestoneId: merged.milestoneIds[0],
    status: 'done',
  });
  expect(done.status).toBe(200);
  const before = planResponseSchema.parse(done.body);
  expect((await crm('DELETE', `/crm/v3/objects/deals/${merged.dealId}`)).status).toBe(204);

  const merge = {
    subscriptionType: 'deal.merge',
    primaryObjectId: Number(survivor),
    mergedObjectIds: [Number(merged.dealId)],
    newObjectId: Number(survivor),
  };
  expect((await deliver([merge])).body).toMatchObject({ handled: 1, failed: 0 });
  const after = planResponseSchema.parse((await call('get-plan', { dealId: survivor })).body);
  expect(after.version).toBe(before.version + 1);
  expect(after.plan.milestones).toEqual(before.plan.milestones);
  expect(after.plan.deal.dealId).toBe(survivor);
  expect(await liveKeys(survivor, merged.milestoneIds)).toHaveLength(merged.milestoneIds.length);
  expect(await liveKeys(merged.dealId, merged.milestoneIds)).toEqual([]);
  const fields = await crm(
    'GET',
    `/crm/v3/objects/deals/${survivor}?properties=map_milestones_done,map_progress`,
  );
  expect(fields.body.properties.map_milestones_done).toBe('1');

  expect((await deliver([merge])).body).toMatchObject({ handled: 1, failed: 0 });
  expect(planResponseSchema.parse((await call('get-plan', { dealId: survivor })).body).version).toBe(
    after.version,
  );

  // The moved plan is the survivor's own now: it can be edited.
  const edited = await call('update-milestone', {
    dealId: survivor,
    baseVersion: after.version,
    milestoneId: merged.milestoneIds[1],
    status: 'in_progress',
  });
  expect(edited.status).toBe(200);
});
