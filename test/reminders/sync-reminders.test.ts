/**
 * The sync-reminders use case and the ReminderSync on in-memory ports (the records store, a scripted CRM,
 * the memory plan store, in-process locks): what is created, updated, completed and deleted, that a second
 * run changes nothing and calls nothing, and that a run that dies between the CRM call and the record makes
 * no duplicate.
 */
import { addDays } from '../../src/domain/dates.js';
import type { Plan, Tenant } from '../../src/domain/model.js';
import { ok } from '../../src/domain/result.js';
import { reminderDueAt } from '../../src/domain/reminders.js';
import { aMilestone, aPlan, aStakeholder } from '../../src/domain/test-factories.js';
import { crmError } from '../../src/ports/crm-error.js';
import type { ReminderStore } from '../../src/ports/reminder-store.js';
import { MemoryReminderStore } from '../../src/adapters/memory/reminder-store.js';
import { MemoryPlanStore } from '../../src/adapters/memory/plan-store.js';
import { InProcessDealLocks } from '../../src/adapters/locks/deal-locks.js';
import { project } from '../../src/domain/project.js';
import {
  CLAIM_LEASE_MS,
  syncReminders,
  type ReminderAccess,
  type ReminderSyncDeps,
} from '../../functions/sync-reminders.js';
import { reminderSync, type ReminderEvent } from '../../functions/reminder-sync.js';
import { FakeCrmTasks } from '../helpers/fake-crm-tasks.js';

const MON = '2026-11-16';
const TENANT: Tenant = { crm: 'hubspot', accountId: '1001' };
const DEAL = { ...TENANT, dealId: '2001' };

function planWith(...milestones: ReturnType<typeof aMilestone>[]): Plan {
  return aPlan({
    deal: DEAL,
    title: 'Acme rollout',
    milestones,
    stakeholders: [
      aStakeholder({ id: 's-seller', side: 'seller', name: 'Sam Seller', ownerId: 'owner-7' }),
      aStakeholder({ id: 's-other', side: 'seller', name: 'Olga Other', ownerId: 'owner-8' }),
    ],
  });
}
const SEC = aMilestone({ id: 'm-sec', title: 'Security review', dueDate: '2026-11-18' });
const LATER = aMilestone({ id: 'm-legal', title: 'Legal review', dueDate: '2026-12-15' });

function setup(access: ReminderAccess = { state: 'on', timeZone: 'Europe/Berlin' }) {
  const tasks = new FakeCrmTasks();
  const store = new MemoryReminderStore();
  const clock = { ms: Date.UTC(2026, 10, 16, 9), now: () => clock.ms };
  const state = { access };
  const deps: ReminderSyncDeps = { tasks, store, clock, access: () => Promise.resolve(state.access) };
  const sync = (plan: Plan | null, today = MON) => syncReminders(deps, DEAL, plan, today);
  return { tasks, store, clock, state, deps, sync };
}

describe('syncReminders', () => {
  it('makes one to-do for the owner of a step due within two working days, and nothing more on the next run', async () => {
    const { tasks, store, sync } = setup();
    const plan = planWith(SEC, LATER);
    expect(await sync(plan)).toEqual(ok(expect.objectContaining({ created: 1 })));
    const [task] = tasks.open(DEAL.dealId);
    expect(task?.content).toEqual({
      milestoneId: 'm-sec',
      ownerId: 'owner-7',
      dueAt: reminderDueAt('2026-11-18', 'Europe/Berlin'),
      title: 'Plan step due Wed 18 Nov: Security review',
      body: expect.stringContaining('“Security review” is a step of the mutual action plan “Acme rollout”'),
    });
    expect(await store.list(DEAL)).toEqual([
      expect.objectContaining({ milestoneId: 'm-sec', state: 'open' }),
    ]);
    tasks.calls.length = 0;
    expect(await sync(plan)).toEqual(ok(expect.objectContaining({ created: 0, updated: 0 })));
    expect(tasks.calls).toEqual([]);
    // The legal review (Tuesday 15 December) enters the window on the Friday before.
    await sync(plan, '2026-12-10');
    expect(tasks.open(DEAL.dealId)).toHaveLength(1);
    await sync(plan, '2026-12-11');
    expect(
      tasks
        .open(DEAL.dealId)
        .map((t) => t.content.milestoneId)
        .sort(),
    ).toEqual(['m-legal', 'm-sec']);
  });

  it('follows the step: a later date or another owner updates it, done completes it, reopened opens it, removed deletes it', async () => {
    const { tasks, sync } = setup();
    await sync(planWith(SEC));
    const id = tasks.open(DEAL.dealId)[0]?.id ?? '';

    const moved = { ...SEC, dueDate: '2026-12-01' };
    expect(await sync(planWith(moved))).toEqual(ok(expect.objectContaining({ updated: 1 })));
    expect(tasks.tasks.get(id)?.content).toMatchObject({
      title: 'Plan step due Tue 1 Dec: Security review',
      dueAt: reminderDueAt('2026-12-01', 'Europe/Berlin'),
    });
    await sync(planWith({ ...moved, sellerOwnerId: 's-other' }));
    expect(tasks.tasks.get(id)?.content.ownerId).toBe('owner-8');

    await sync(planWith({ ...moved, status: 'done', completedDate: MON }));
    expect(tasks.tasks.get(id)?.status).toBe('completed');
    // Reopened while out of the window: the to-do stays completed until the step is due soon again.
    await sync(planWith(moved));
    expect(tasks.tasks.get(id)?.status).toBe('completed');
    await sync(planWith(moved), '2026-11-27');
    expect(tasks.tasks.get(id)?.status).toBe('open');

    expect(await sync(planWith(LATER))).toEqual(ok(expect.objectContaining({ deleted: 1 })));
    expect(tasks.tasks.has(id)).toBe(false);
    expect(tasks.tasks.size).toBe(0);
  });

  it('turned off: deletes the open to-dos, leaves the completed ones, makes none', async () => {
    const { tasks, store, state, sync } = setup();
    const done = aMilestone({ id: 'm-done', dueDate: MON });
    await sync(planWith(SEC, done));
    await sync(planWith(SEC, { ...done, status: 'done', completedDate: MON }));
    state.access = { state: 'off' };
    const plan = planWith(SEC, { ...done, status: 'done', completedDate: MON }, { ...LATER, dueDate: MON });
    expect(await sync(plan)).toEqual(ok(expect.objectContaining({ deleted: 1, forgotten: 1, created: 0 })));
    expect([...tasks.tasks.values()].map((t) => [t.content.milestoneId, t.status])).toEqual([
      ['m-done', 'completed'],
    ]);
    expect(await store.list(DEAL)).toEqual([]);
  });

  it('without permission to write to-dos (or not installed), calls nothing and says why', async () => {
    const { tasks, sync } = setup({ state: 'unavailable', reason: 'no permission' });
    expect(await sync(planWith(SEC))).toEqual(ok(expect.objectContaining({ unavailable: 'no permission' })));
    expect(tasks.calls).toEqual([]);
  });

  it('a to-do someone deleted in the CRM is not made again for its step', async () => {
    const { tasks, store, sync } = setup();
    await sync(planWith(SEC));
    tasks.tasks.clear();
    expect(await sync(planWith({ ...SEC, dueDate: '2026-11-17' }))).toEqual(
      ok(expect.objectContaining({ dismissed: 1, created: 0 })),
    );
    expect(await sync(planWith({ ...SEC, dueDate: '2026-11-17' }))).toEqual(
      ok(expect.objectContaining({ created: 0 })),
    );
    expect(tasks.tasks.size).toBe(0);
    expect(await store.list(DEAL)).toEqual([expect.objectContaining({ state: 'completed', taskId: null })]);
  });

  it('a creation the CRM refused is tried again by the next run', async () => {
    const { tasks, sync } = setup();
    tasks.failNext('create', crmError('CRM_RATE_LIMITED', 'busy', 429, { retryAfterMs: 1000 }));
    const first = await sync(planWith(SEC));
    expect(first.ok).toBe(false);
    expect(await sync(planWith(SEC))).toEqual(ok(expect.objectContaining({ created: 1 })));
    expect(tasks.tasks.size).toBe(1);
  });

  it('a run that dies between the CRM call and its record makes no duplicate: the claim waits, then the marker finds the to-do', async () => {
    const { tasks, store, clock, deps, sync } = setup();
    // The CRM creates the to-do, but the record of its id never lands (the process dies there).
    const dying: ReminderStore = {
      ...bind(store),
      save: () => Promise.reject(new Error('process killed')),
    };
    await expect(syncReminders({ ...deps, store: dying }, DEAL, planWith(SEC), MON)).rejects.toThrow(
      'killed',
    );
    expect(tasks.tasks.size).toBe(1);
    expect(await store.list(DEAL)).toEqual([expect.objectContaining({ state: 'creating', taskId: null })]);

    // Within the lease the claim is its holder's: nothing is created, nothing is asked of the CRM.
    tasks.calls.length = 0;
    clock.ms += CLAIM_LEASE_MS - 1;
    expect(await sync(planWith(SEC))).toEqual(ok(expect.objectContaining({ created: 0 })));
    expect(tasks.calls).toEqual([]);

    clock.ms += 1;
    expect(await sync(planWith(SEC))).toEqual(ok(expect.objectContaining({ adopted: 1, created: 0 })));
    expect(tasks.tasks.size).toBe(1);
    expect(await store.list(DEAL)).toEqual([
      expect.objectContaining({ state: 'open', taskId: [...tasks.tasks.keys()][0] }),
    ]);
  });

  it('an answer lost after the CRM created the to-do keeps the claim, and the marker search adopts it later', async () => {
    const { tasks, clock, sync } = setup();
    tasks.failNext('create', crmError('CRM_UNAVAILABLE', 'no answer', 0), true);
    expect((await sync(planWith(SEC))).ok).toBe(false);
    expect(await sync(planWith(SEC))).toEqual(ok(expect.objectContaining({ created: 0 })));
    clock.ms += CLAIM_LEASE_MS;
    expect(await sync(planWith(SEC))).toEqual(ok(expect.objectContaining({ adopted: 1 })));
    expect(tasks.tasks.size).toBe(1);
  });

  it('an old claim whose to-do was never made is made now', async () => {
    const { tasks, clock, sync } = setup();
    tasks.failNext('create', crmError('CRM_UNAVAILABLE', 'no answer', 0), false);
    await sync(planWith(SEC));
    clock.ms += CLAIM_LEASE_MS;
    expect(await sync(planWith(SEC))).toEqual(ok(expect.objectContaining({ adopted: 0, created: 1 })));
    expect(tasks.tasks.size).toBe(1);
  });

  it('with the plan deleted, deletes every to-do it made', async () => {
    const { tasks, store, sync } = setup();
    await sync(planWith(SEC, { ...LATER, dueDate: MON }));
    expect(await sync(null)).toEqual(ok(expect.objectContaining({ deleted: 2 })));
    expect(tasks.tasks.size).toBe(0);
    expect(await store.list(DEAL)).toEqual([]);
  });

  it('works in the CRM’s batches', async () => {
    const { deps, tasks } = setup();
    const small = new FakeCrmTasks(2);
    const many = Array.from({ length: 5 }, (_, i) => aMilestone({ id: `m-${i}`, dueDate: MON, order: i }));
    const result = await syncReminders({ ...deps, tasks: small }, DEAL, planWith(...many), MON);
    expect(result).toEqual(ok(expect.objectContaining({ created: 5 })));
    expect(small.calls).toEqual(['create', 'create', 'create']);
    expect(tasks.calls).toEqual([]);
  });
});

/** A store's methods, bound, so that a test can replace one. */
function bind(store: ReminderStore): ReminderStore {
  return {
    list: (d) => store.list(d),
    listForDeals: (t, ids) => store.listForDeals(t, ids),
    claim: (d, r, n) => store.claim(d, r, n),
    retake: (d, m, s, n) => store.retake(d, m, s, n),
    save: (d, r, n) => store.save(d, r, n),
    forget: (d, m) => store.forget(d, m),
  };
}

describe('ReminderSync', () => {
  function wired(access: ReminderAccess = { state: 'on', timeZone: null }) {
    const base = setup(access);
    const plans = new MemoryPlanStore();
    const events: ReminderEvent[] = [];
    const sync = reminderSync({
      ...base.deps,
      plans,
      locks: new InProcessDealLocks(),
      onEvent: (e) => events.push(e),
    });
    return { ...base, plans, events, sync };
  }

  it('after a save never fails the caller: a crash is an event', async () => {
    const { sync, events, deps } = wired();
    const broken = reminderSync({
      ...deps,
      store: { ...bind(new MemoryReminderStore()), list: () => Promise.reject(new Error('db down')) },
      plans: new MemoryPlanStore(),
      locks: new InProcessDealLocks(),
      onEvent: (e) => events.push(e),
    });
    await expect(broken.planSaved(planWith(SEC), MON)).resolves.toBeUndefined();
    expect(events).toEqual([
      expect.objectContaining({ kind: 'failed', code: 'REMINDERS_CRASHED', message: 'db down' }),
    ]);
    await sync.planSaved(planWith(SEC), MON);
    expect(events[1]).toMatchObject({ kind: 'synced', report: { created: 1 } });
  });

  it('says once per tenant why nothing can be done, and again after it could in between', async () => {
    const { sync, events, state } = wired({ state: 'unavailable', reason: 'reinstall to grant tasks' });
    await sync.planSaved(planWith(SEC), MON);
    await sync.planSaved(planWith(SEC), MON);
    expect(events).toEqual([{ kind: 'unavailable', tenant: TENANT, reason: 'reinstall to grant tasks' }]);
    state.access = { state: 'on', timeZone: null };
    await sync.planSaved(planWith(SEC), MON);
    state.access = { state: 'unavailable', reason: 'reinstall to grant tasks' };
    await sync.planSaved(planWith(SEC), MON);
    expect(events.map((e) => e.kind)).toEqual(['unavailable', 'synced', 'unavailable']);
  });

  it('after a page of the daily run syncs only the deals that need it, from the plan as saved now', async () => {
    const { sync, plans, tasks, events } = wired();
    const deals = ['3001', '3002', '3003'];
    const saved: Plan[] = [];
    for (const dealId of deals) {
      plans.addDeal(TENANT.accountId, dealId);
      const plan = {
        ...planWith({ ...LATER, dueDate: '2026-11-19', isClose: true }),
        deal: { ...TENANT, dealId },
        version: 0,
      };
      const written = await plans.save({ plan, projection: project(plan, MON) });
      if (!written.ok) throw new Error(JSON.stringify(written.error));
      saved.push(written.value.plan);
    }
    const scanned = (plan: Plan) => ({ deal: plan.deal, plan, writtenProjection: null, outOfSync: [] });
    // Monday: the steps (Thursday) are not in the window yet.
    await sync.afterPlans(TENANT, saved.map(scanned), MON);
    expect(tasks.calls).toEqual([]);
    // Tuesday they are; but deal 3003's step was marked done after the page was read: no to-do for it.
    const done = saved[2]!;
    const edited = {
      ...done,
      milestones: done.milestones.map((m) => ({ ...m, status: 'done' as const, completedDate: MON })),
    };
    expect((await plans.save({ plan: edited, projection: project(edited, MON) })).ok).toBe(true);
    const loadsBefore = plans.calls.load;
    await sync.afterPlans(TENANT, saved.map(scanned), addDays(MON, 1));
    expect(tasks.open('3001')).toHaveLength(1);
    expect(tasks.open('3002')).toHaveLength(1);
    expect(tasks.open('3003')).toHaveLength(0);
    expect(plans.calls.load - loadsBefore).toBe(3);
    expect(events.filter((e) => e.kind === 'synced')).toHaveLength(2);
    // The next page read changes nothing and loads nothing.
    tasks.calls.length = 0;
    await sync.afterPlans(TENANT, saved.slice(0, 2).map(scanned), addDays(MON, 1));
    expect(tasks.calls).toEqual([]);
    expect(plans.calls.load - loadsBefore).toBe(3);
  });

  it('deletes the to-dos of a deal whose plan was deleted', async () => {
    const { sync, tasks } = wired();
    await sync.planSaved(planWith(SEC), MON);
    expect(tasks.tasks.size).toBe(1);
    await sync.planRemoved(DEAL);
    expect(tasks.tasks.size).toBe(0);
  });
});
