import { setPlanTitle } from '../src/domain/edits.js';
import type { EditContext, Plan } from '../src/domain/model.js';
import { ok } from '../src/domain/result.js';
import {
  versionConflictMessage,
  type PlanStore,
  type SaveRequest,
  type StoredPlan,
} from '../src/ports/plan-store.js';
import type { PlanSchedule, ScheduleEntry } from '../src/ports/plan-schedule.js';
import { aPlan } from '../src/domain/test-factories.js';
import { nextWorkDate } from './next-work.js';
import { calendarDay, dealRef, editContext, editedPlan, editPlan } from './plan-ops.js';

const ms = Date.UTC(2026, 10, 16, 23, 30); // 23:30 UTC on Monday 16 November

test("today is the caller's calendar day in their time zone, UTC when unknown or unset", () => {
  expect(calendarDay(ms, undefined)).toBe('2026-11-16');
  expect(calendarDay(ms, 'Europe/Berlin')).toBe('2026-11-17');
  expect(calendarDay(ms, 'America/Los_Angeles')).toBe('2026-11-16');
  expect(calendarDay(ms, 'Not/AZone')).toBe('2026-11-16');
});

test('the deal ref is built from the caller’s tenant, never from input', () => {
  expect(dealRef({ tenant: { crm: 'hubspot', accountId: '7' }, userId: '1' }, '99')).toEqual({
    crm: 'hubspot',
    accountId: '7',
    dealId: '99',
  });
});

test('the edit context carries the clock’s instant and the caller as actor', () => {
  const ctx = editContext(
    { plans: undefined as never, locks: undefined as never, clock: { now: () => ms }, newId: () => 'x' },
    { tenant: { crm: 'hubspot', accountId: '7' }, userId: '42', timeZone: 'Asia/Tokyo' },
  );
  expect(ctx).toMatchObject({ today: '2026-11-17', now: '2026-11-16T23:30:00.000Z', actor: 'user:42' });
});

describe('editPlan: one load, one version check, one projection, one save', () => {
  const caller = { tenant: { crm: 'hubspot', accountId: '7' }, userId: '42' } as const;
  /** A store of one deal's plan that records what it is asked (functions/ tests use no adapter). */
  function setup() {
    let current: StoredPlan | null = null;
    const saves: SaveRequest[] = [];
    const loads: (StoredPlan | null)[] = [];
    const plans: PlanStore = {
      load: () => {
        loads.push(current);
        return Promise.resolve(ok(current));
      },
      save: (request) => {
        saves.push(request);
        const version = request.plan.version + 1;
        current = {
          plan: { ...request.plan, version },
          writtenProjection: request.projection,
          history: { versions: request.plan.activity.map(() => version), trimmedThrough: 0 },
          problems: [],
          lastRequest: null,
        };
        return Promise.resolve(ok(current));
      },
      writeProjection: () => Promise.resolve(ok([])),
    };
    const deps = { plans, locks: undefined as never, clock: { now: () => ms }, newId: () => 'x' };
    const retitle = (title: string) => ({
      apply: (plan: Plan, ctx: EditContext) => editedPlan(setPlanTitle(plan, { title }, ctx)),
    });
    return { saves, loads, deps, retitle };
  }

  test('the response carries the projection the store was given (projected once), and the store is told what the load returned', async () => {
    const { saves, loads, deps, retitle } = setup();
    const first = await editPlan(deps, caller, '99', 0, retitle('First'));
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    expect(saves).toHaveLength(1);
    expect(first.value.projection).toBe(saves[0]?.projection);
    expect(saves[0]?.loaded).toBeNull();

    const second = await editPlan(deps, caller, '99', 1, retitle('Second'));
    if (!second.ok) throw new Error(JSON.stringify(second.error));
    expect(second.value.version).toBe(2);
    expect(second.value.projection).toBe(saves[1]?.projection);
    expect(saves[1]?.loaded).toBe(loads[1]);
    expect(loads).toHaveLength(2);
  });

  test('a stale base and an edit that changes nothing are answered after the one load, without a save', async () => {
    const { saves, loads, deps, retitle } = setup();
    expect((await editPlan(deps, caller, '99', 0, retitle('First'))).ok).toBe(true);
    const stale = await editPlan(deps, caller, '99', 0, retitle('Stale'));
    expect(!stale.ok && stale.error).toMatchObject({
      code: 'VERSION_CONFLICT',
      message: versionConflictMessage(1, 0, true),
      currentVersion: 1,
    });
    const same = await editPlan(deps, caller, '99', 1, retitle('First'));
    expect(same.ok && same.value).toMatchObject({ version: 1, saved: true });
    expect(saves).toHaveLength(1);
    expect(loads).toHaveLength(3);
  });

  /** An index that records what it is given, or fails every record (editPlan only ever records). */
  function schedule(fail: boolean) {
    const recorded: ScheduleEntry[] = [];
    const notUsed = () => Promise.reject(new Error('editPlan only records'));
    const index: PlanSchedule = {
      record: (entries) =>
        fail
          ? Promise.reject(new Error('database is locked'))
          : (recorded.push(...entries), Promise.resolve()),
      due: notUsed,
      forget: notUsed,
      forgetRecordedBefore: notUsed,
      stats: notUsed,
    };
    return { recorded, index };
  }

  test("a save records the saved plan's next work date and version in the index; a failed record is reported and the save stands", async () => {
    const { saves, deps, retitle } = setup();
    const { recorded, index } = schedule(false);
    const planned = {
      apply: (plan: Plan) => ok({ ...aPlan({ deal: plan.deal }), version: plan.version }),
    };
    const first = await editPlan({ ...deps, schedule: index }, caller, '99', 0, planned);
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    const today = calendarDay(ms, undefined);
    expect(nextWorkDate(first.value.plan, today)).not.toBeNull();
    expect(recorded).toEqual([
      { deal: dealRef(caller, '99'), nextChange: nextWorkDate(first.value.plan, today), version: 1 },
    ]);

    // Nothing is recorded for an edit that changes nothing (no save).
    const same = await editPlan({ ...deps, schedule: index }, caller, '99', 1, { apply: (plan) => ok(plan) });
    expect(same.ok && same.value.version).toBe(1);
    expect(recorded).toHaveLength(1);

    const failing = schedule(true);
    const reported: { dealId: string; message: string }[] = [];
    const second = await editPlan(
      {
        ...deps,
        schedule: failing.index,
        onScheduleFailure: (deal, error) =>
          reported.push({ dealId: deal.dealId, message: error instanceof Error ? error.message : '' }),
      },
      caller,
      '99',
      1,
      retitle('Second'),
    );
    expect(second.ok && second.value).toMatchObject({ version: 2, saved: true });
    expect(saves).toHaveLength(2);
    expect(reported).toEqual([{ dealId: '99', message: 'database is locked' }]);
  });
});
