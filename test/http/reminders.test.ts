/**
 * Reminder tasks end to end: the backend's real wiring (HubSpot PlanStore, HubSpot tasks adapter, reminder
 * records in the installation database) against the sandbox CRM, driven by the card's functions over signed
 * HTTP. A step due within two working days gets one task for its owner on the deal; saving again changes
 * nothing; moving the date updates it; done completes it; removing the step deletes it; the setting turned
 * off deletes the open ones and makes none; an installation without the task scope is told once; and two
 * backends on one database syncing the same deal at once make one task.
 */
import { jest } from '@jest/globals';
import { planResponseSchema } from '../../src/contract/index.js';
import { addWorkingDays, calendarDay } from '../../src/domain/dates.js';
import { reminderDueAt } from '../../src/domain/reminders.js';
import type { Plan } from '../../src/domain/model.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { systemClock } from '../../src/ports/clock.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { callFunction } from './harness.js';
import { startSandboxBackend, type SandboxBackend } from './sandbox-backend.js';

jest.setTimeout(60_000);

/** An owner the sandbox's demo data seeds into a portal (Maya Okafor). */
const OWNER = '71000101';
let sandbox: Sandbox;
let b: SandboxBackend;

beforeAll(async () => {
  sandbox = await createSandbox({ dataFile: ':memory:', rateLimit: { perTenSeconds: null } });
});
afterAll(async () => sandbox.close());
beforeEach(async () => {
  b = await startSandboxBackend(sandbox, { clock: systemClock });
});
afterEach(async () => b.h.close());

interface Task {
  id: string;
  properties: Record<string, string | null>;
}

/** A portal installed through OAuth, with the demo owners, a deal, and a caller for the functions. */
async function portalWithDeal(backend: SandboxBackend = b) {
  const { portalId } = await backend.install({ new_portal_tier: 'professional' });
  const seeded = await fetch(`${sandbox.baseUrl}/_sandbox/portals/${portalId}/seed`, { method: 'POST' });
  expect(seeded.status).toBeLessThan(300);
  const dealId = await backend.newDeal(portalId, 'Acme rollout');
  const tenant = hubSpotTenant(portalId);
  const installation = await backend.h.installations.getInstallation(tenant);
  const timeZone = installation?.timeZone ?? null;
  const today = calendarDay(Date.now(), timeZone ?? undefined);
  let version = 0;
  const save = async (edits: unknown[], via: SandboxBackend = backend): Promise<Plan> => {
    const res = await callFunction(
      via.h,
      'save-plan',
      { dealId, baseVersion: version, edits },
      { caller: { portalId, userId: 5 }, now: Date.now() },
    );
    expect([res.status, res.body]).toEqual([200, expect.anything()]);
    const plan = planResponseSchema.parse(res.body).plan;
    version = plan.version;
    return plan;
  };
  const token = async (): Promise<string> =>
    (await backend.h.installations.getTokens(tenant))?.accessToken ?? '';
  const crm = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  /** The deal's tasks, as HubSpot lists them from the deal (association type 215), with their properties. */
  const tasks = async (): Promise<Task[]> => {
    const listed = await crm('GET', `/crm/v4/objects/deals/${dealId}/associations/tasks`);
    const results = (listed.body?.results ?? []) as {
      toObjectId: number;
      associationTypes: { typeId: number }[];
    }[];
    for (const r of results)
      expect(r.associationTypes).toContainEqual(expect.objectContaining({ typeId: 215 }));
    if (results.length === 0) return [];
    const read = await crm('POST', '/crm/v3/objects/tasks/batch/read', {
      inputs: results.map((r) => ({ id: String(r.toObjectId) })),
      properties: ['hs_task_subject', 'hs_task_status', 'hs_timestamp', 'hubspot_owner_id', 'hs_task_body'],
      propertiesWithHistory: [],
    });
    return ((read.body?.results ?? []) as Task[]).sort((x, y) => Number(x.id) - Number(y.id));
  };
  return { portalId, dealId, tenant, timeZone, today, save, tasks, crm };
}

const seller = {
  edit: 'addStakeholder',
  input: { id: 's-rep', side: 'seller', name: 'Maya Okafor', role: 'account_executive', ownerId: OWNER },
};

test('a step due in two working days gets one task for its owner on the deal; it follows the step until it is removed', async () => {
  const p = await portalWithDeal();
  const due = addWorkingDays(p.today, 2);
  await p.save([
    seller,
    {
      edit: 'addMilestone',
      input: { id: 'm-sec', title: 'Security review', dueDate: due, sellerOwnerId: 's-rep' },
    },
    {
      edit: 'addMilestone',
      input: {
        id: 'm-legal',
        title: 'Legal review',
        isClose: true,
        dueDate: addWorkingDays(p.today, 20),
        sellerOwnerId: 's-rep',
      },
    },
  ]);
  const [task, ...others] = await p.tasks();
  expect(others).toEqual([]);
  expect(task?.properties).toMatchObject({
    hs_task_subject: expect.stringMatching(/^Plan step due \w{3} \d{1,2} \w{3}: Security review$/),
    hs_task_status: 'NOT_STARTED',
    hubspot_owner_id: OWNER,
    hs_timestamp: new Date(reminderDueAt(due, p.timeZone)).toISOString(),
  });
  expect(task?.properties.hs_task_body).toContain('Security review');
  const id = task?.id;

  // Saving again (any edit) makes no second task.
  await p.save([{ edit: 'setPlanTitle', input: { title: 'Acme rollout plan' } }]);
  expect((await p.tasks()).map((t) => t.id)).toEqual([id]);

  // The date moves later: the same task, with the new date and title.
  const later = addWorkingDays(p.today, 10);
  await p.save([
    { edit: 'moveDueDate', input: { milestoneId: 'm-sec', dueDate: later, reason: 'Their CISO is away' } },
  ]);
  const [moved] = await p.tasks();
  expect(moved?.id).toBe(id);
  expect(moved?.properties.hs_timestamp).toBe(new Date(reminderDueAt(later, p.timeZone)).toISOString());
  expect(moved?.properties.hs_task_subject).toMatch(/: Security review$/);
  expect(moved?.properties.hs_task_subject).not.toBe(task?.properties.hs_task_subject);

  // Done: the task is completed.
  await p.save([{ edit: 'setMilestoneStatus', input: { milestoneId: 'm-sec', status: 'done' } }]);
  expect((await p.tasks()).map((t) => [t.id, t.properties.hs_task_status])).toEqual([[id, 'COMPLETED']]);

  // Removed: the task is deleted.
  await p.save([{ edit: 'removeMilestone', input: { milestoneId: 'm-sec' } }]);
  expect(await p.tasks()).toEqual([]);
  expect((await p.crm('GET', `/crm/v3/objects/tasks/${id ?? ''}`)).status).toBe(404);
});

test('turned off for the portal: open tasks are deleted, completed ones stay, and no new one is made', async () => {
  const p = await portalWithDeal();
  const due = addWorkingDays(p.today, 1);
  await p.save([
    seller,
    { edit: 'addMilestone', input: { id: 'm-a', title: 'Kick-off', dueDate: due, sellerOwnerId: 's-rep' } },
    { edit: 'addMilestone', input: { id: 'm-b', title: 'Demo', dueDate: due, sellerOwnerId: 's-rep' } },
  ]);
  await p.save([{ edit: 'setMilestoneStatus', input: { milestoneId: 'm-b', status: 'done' } }]);
  expect((await p.tasks()).map((t) => t.properties.hs_task_status)).toEqual(['NOT_STARTED', 'COMPLETED']);

  await b.h.installations.updateSettings(p.tenant, { createReminderTasks: false });
  await p.save([
    { edit: 'addMilestone', input: { id: 'm-c', title: 'Pricing', dueDate: due, sellerOwnerId: 's-rep' } },
  ]);
  expect((await p.tasks()).map((t) => [t.properties.hs_task_subject, t.properties.hs_task_status])).toEqual([
    [expect.stringMatching(/: Demo$/), 'COMPLETED'],
  ]);

  // On again: the steps due get their tasks on the next save.
  await b.h.installations.updateSettings(p.tenant, { createReminderTasks: true });
  await p.save([{ edit: 'setPlanTitle', input: { title: 'Back on' } }]);
  expect((await p.tasks()).map((t) => t.properties.hs_task_subject?.replace(/^.*: /, ''))).toEqual([
    'Demo',
    'Kick-off',
    'Pricing',
  ]);
});

test('an installation without the task scope saves plans as before and says once why it makes no task', async () => {
  const p = await portalWithDeal();
  const installation = await b.h.installations.getInstallation(p.tenant);
  const tokens = await b.h.installations.getTokens(p.tenant);
  if (!installation || !tokens) throw new Error('not installed');
  await b.h.installations.saveTokens(
    p.tenant,
    tokens,
    installation.scopes.filter((s) => s !== 'crm.objects.contacts.write'),
  );
  const due = addWorkingDays(p.today, 1);
  await p.save([
    seller,
    { edit: 'addMilestone', input: { id: 'm-a', title: 'Kick-off', dueDate: due, sellerOwnerId: 's-rep' } },
  ]);
  await p.save([{ edit: 'setPlanTitle', input: { title: 'Still saves' } }]);
  expect(await p.tasks()).toEqual([]);
  const told = b.h.logs.filter((l) => l.msg === 'no reminder tasks are made for this account');
  expect(told).toHaveLength(1);
  expect(told[0]).toMatchObject({
    portalId: String(p.portalId),
    reason: expect.stringContaining('crm.objects.contacts.write'),
  });
});

test('two backends on one database syncing the same deal at once make one task', async () => {
  const p = await portalWithDeal();
  // The plan is saved with reminders off, so that no task exists yet; then both instances sync it at once.
  await b.h.installations.updateSettings(p.tenant, { createReminderTasks: false });
  const plan = await p.save([
    seller,
    ...['m-a', 'm-b', 'm-c'].map((id) => ({
      edit: 'addMilestone',
      input: { id, title: `Step ${id}`, dueDate: addWorkingDays(p.today, 1), sellerOwnerId: 's-rep' },
    })),
  ]);
  expect(await p.tasks()).toEqual([]);
  await b.h.installations.updateSettings(p.tenant, { createReminderTasks: true });

  const second = await startSandboxBackend(sandbox, { clock: systemClock, installations: b.h.installations });
  try {
    // Neither takes the other's lock (in-process locks, one per instance): only the claims keep them apart.
    const scanned = { deal: plan.deal, plan, writtenProjection: null, outOfSync: [] };
    await Promise.all([
      b.h.backend.reminders.planSaved(plan, p.today),
      second.h.backend.reminders.planSaved(plan, p.today),
      b.h.backend.reminders.afterPlans(p.tenant, [scanned], p.today),
      second.h.backend.reminders.afterPlans(p.tenant, [scanned], p.today),
    ]);
    const made = await p.tasks();
    expect(made.map((t) => t.properties.hs_task_subject?.replace(/^.*: /, ''))).toEqual([
      'Step m-a',
      'Step m-b',
      'Step m-c',
    ]);
    // And a later save through the other instance changes nothing.
    await p.save([{ edit: 'setPlanTitle', input: { title: 'Second instance' } }], second);
    expect((await p.tasks()).map((t) => t.id)).toEqual(made.map((t) => t.id));
  } finally {
    await second.h.close();
  }
});
