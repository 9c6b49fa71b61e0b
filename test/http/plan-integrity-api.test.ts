/**
 * Attack suite, API level (docs/security.md): no acknowledged edit is lost and no plan becomes unreadable
 * through the functions, with the real HubSpot PlanStore against the sandbox (issue 10, items 3, 4, 5, 10).
 */
import { apiErrorBodySchema, planResponseSchema, type PlanResponse } from '../../src/contract/index.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { systemClock } from '../../src/ports/clock.js';
import { callFunction } from './harness.js';
import { startSandboxBackend, type SandboxBackend } from './sandbox-backend.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';

let sandbox: Sandbox;
let b: SandboxBackend;
let portalId: number;
let n = 0;

beforeAll(async () => {
  sandbox = await createSandbox({ dataFile: ':memory:', rateLimit: { perTenSeconds: null } });
  b = await startSandboxBackend(sandbox, {
    clock: systemClock,
    throttle: { perWindow: 10_000, windowMs: 10_000, searchPerSecond: 4 },
  });
  ({ portalId } = await b.install({ new_portal_tier: 'enterprise' }));
});
afterAll(async () => {
  await b.h.close();
  await sandbox.close();
});

/** Each call is signed afresh (its own timestamp), as hubspot.fetch signs a retry. */
const call = (fn: string, input: unknown) =>
  callFunction(b.h, fn, input, { caller: { portalId, userId: 5 }, now: Date.now() + ++n });
const planOf = (res: { status: number; body: unknown }): PlanResponse => {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${JSON.stringify(res.body)}`);
  return planResponseSchema.parse(res.body);
};

/** Writes the portal has received (every method but GET, and batch reads, which are POSTs). */
async function crmWrites(): Promise<number> {
  const res = await fetch(`${sandbox.baseUrl}/_sandbox/portals/${portalId}/calls`);
  const { calls } = (await res.json()) as { calls: Record<string, number> };
  return Object.entries(calls)
    .filter(
      ([endpoint]) =>
        !endpoint.startsWith('GET ') && !endpoint.includes('/batch/read') && !endpoint.includes('/search'),
    )
    .reduce((sum, [, count]) => sum + count, 0);
}

async function newPlan(): Promise<{ dealId: string; plan: PlanResponse }> {
  const dealId = await b.newDeal(portalId);
  const plan = planOf(
    await call('apply-template', {
      dealId,
      baseVersion: 0,
      templateId: 'mid-market-saas',
      targetCloseDate: '2027-06-25',
    }),
  );
  return { dealId, plan };
}

test('a save sent again after its answer was lost answers the success it had, with no second write', async () => {
  const { dealId, plan } = await newPlan();
  const input = {
    dealId,
    baseVersion: plan.version,
    edits: [{ edit: 'setPlanTitle', input: { title: 'Sent twice' } }],
  };
  const first = planOf(await call('save-plan', input));
  expect(first.version).toBe(plan.version + 1);
  const writesBefore = await crmWrites();
  const again = await call('save-plan', input);
  const resent = planOf(again);
  expect(resent.version).toBe(first.version);
  expect(resent.plan.title).toBe('Sent twice');
  expect(resent.plan.activity.filter((a) => a.kind === 'plan_title_changed')).toHaveLength(1);
  expect(await crmWrites()).toBe(writesBefore);
  expect(planOf(await call('get-plan', { dealId })).version).toBe(first.version);
  // Another user sending the same body is not the same request: a conflict.
  const other = await callFunction(b.h, 'save-plan', input, {
    caller: { portalId, userId: 6 },
    now: Date.now() + ++n,
  });
  expect(other.status).toBe(409);
});

test('12 parallel quick edits of different milestones without a base version all apply', async () => {
  const { dealId, plan } = await newPlan();
  const targets = plan.plan.milestones.filter((m) => m.status !== 'done').slice(0, 12);
  expect(targets).toHaveLength(12);
  const answers = await Promise.all(
    targets.map((m) => call('update-milestone', { dealId, milestoneId: m.id, status: 'in_progress' })),
  );
  expect(answers.map((a) => a.status)).toEqual(targets.map(() => 200));
  const after = planOf(await call('get-plan', { dealId }));
  expect(after.version).toBe(plan.version + 12);
  for (const m of targets)
    expect(after.plan.milestones.find((x) => x.id === m.id)?.status).toBe('in_progress');
});

test('a quick edit based on an older version is rebased when later changes touch other milestones or fields, and conflicts on the same field', async () => {
  const { dealId, plan } = await newPlan();
  const [a, c] = plan.plan.milestones.filter((m) => m.status !== 'done');
  const base = plan.version;
  planOf(
    await call('update-milestone', { dealId, baseVersion: base, milestoneId: a!.id, status: 'in_progress' }),
  );
  // Another milestone, same base: rebased.
  const rebased = planOf(
    await call('update-milestone', { dealId, baseVersion: base, milestoneId: c!.id, status: 'in_progress' }),
  );
  expect(rebased.version).toBe(base + 2);
  // Another field of the first milestone, same base: rebased.
  const moved = planOf(
    await call('update-milestone', {
      dealId,
      baseVersion: base,
      milestoneId: a!.id,
      dueDate: '2027-01-04',
      reason: 'Their legal team is out.',
    }),
  );
  expect(moved.plan.milestones.find((m) => m.id === a!.id)).toMatchObject({
    status: 'in_progress',
    dueDate: '2027-01-04',
  });
  // The rebased edit sent again (its answer lost): the success it had, no second write.
  const writes = await crmWrites();
  const again = planOf(
    await call('update-milestone', {
      dealId,
      baseVersion: base,
      milestoneId: a!.id,
      dueDate: '2027-01-04',
      reason: 'Their legal team is out.',
    }),
  );
  expect(again.version).toBe(moved.version);
  expect(await crmWrites()).toBe(writes);
  // The same field of the first milestone, same base: a conflict listing the change.
  const same = await call('update-milestone', {
    dealId,
    baseVersion: base,
    milestoneId: a!.id,
    status: 'blocked',
  });
  expect(same.status).toBe(409);
  const error = apiErrorBodySchema.parse(same.body).error;
  expect(error.code).toBe('VERSION_CONFLICT');
  expect(planOf(await call('get-plan', { dealId })).plan.milestones.find((m) => m.id === a!.id)?.status).toBe(
    'in_progress',
  );
});

test('a plan whose milestone record was deleted in HubSpot loads with a notice for the rep, and the next change repairs it', async () => {
  const { dealId, plan } = await newPlan();
  const victim = plan.plan.milestones.find(
    (m) => !m.isClose && !plan.plan.milestones.some((x) => x.dependsOn.includes(m.id)),
  )!;
  const installation = await b.h.installations.getInstallation(hubSpotTenant(portalId));
  expect(installation?.storageMode).toBe('custom_object');
  const access = await b.h.backend.tokens.accessToken(String(portalId));
  if (!access.ok) throw new Error(access.error.message);
  const token = access.value;
  const objectType = `p${portalId}_map_milestone`;
  const found = await fetch(`${sandbox.baseUrl}/crm/v3/objects/${objectType}/batch/read`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      idProperty: 'map_key',
      properties: [],
      inputs: [{ id: `${dealId}:${victim.id}` }],
    }),
  });
  const recordId = ((await found.json()) as { results: { id: string }[] }).results[0]!.id;
  const deleted = await fetch(`${sandbox.baseUrl}/crm/v3/objects/${objectType}/${recordId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(deleted.status).toBe(204);

  const partial = planOf(await call('get-plan', { dealId }));
  expect(partial.repairNotice).toMatch(
    /^One part of this plan no longer reads back from HubSpot as the app saved it .* Your next change saves it as shown, which repairs it\./,
  );
  expect(partial.plan.milestones.map((m) => m.id)).not.toContain(victim.id);
  expect(
    b.h.logs.some(
      (l) =>
        l.msg === 'plan loaded with repairable problems; the next save repairs them' &&
        JSON.stringify(l.problems).includes(victim.id),
    ),
  ).toBe(true);

  const repaired = planOf(
    await call('save-plan', {
      dealId,
      baseVersion: partial.version,
      edits: [{ edit: 'setPlanTitle', input: { title: 'Repaired' } }],
    }),
  );
  expect(repaired.repairNotice).toBeUndefined();
  expect(planOf(await call('get-plan', { dealId })).repairNotice).toBeUndefined();
});
