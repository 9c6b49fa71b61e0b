/**
 * The daily-reproject rule (functions/daily-reproject.ts) on the memory index and a fake CRM behind the
 * PlanScan port (here, not beside the use case, because it runs an adapter: the memory PlanSchedule, which
 * passes the index's contract suite; the HubSpot adapter runs the rule against the sandbox in
 * test/hubspot/daily-reproject.test.ts): what the due pass reads (only the
 * due plans), writes (only changed fields) and records (each plan's next date); what the full pass seeds and
 * forgets; what stays due after a failure.
 */
import { MemoryPlanSchedule } from '../../src/adapters/memory/plan-schedule.js';
import { addDays, MIN_DATE } from '../../src/domain/dates.js';
import type { DealRef, Plan, Tenant } from '../../src/domain/model.js';
import { changedFields, project, type Projection } from '../../src/domain/project.js';
import { err, ok, type Result } from '../../src/domain/result.js';
import { aPlan, TEST_TODAY } from '../../src/domain/test-factories.js';
import type { Clock } from '../../src/ports/clock.js';
import { crmError, type CrmError } from '../../src/ports/crm-error.js';
import type { PlanSchedule } from '../../src/ports/plan-schedule.js';
import type {
  PlanScan,
  ProjectionWrite,
  ProjectionWriteOutcome,
  ScannedPlan,
  ScanPage,
} from '../../src/ports/plan-scan.js';
import {
  dailyReproject,
  formatDailyProgress,
  type DailyReprojectInput,
  type DailyReprojectProgress,
} from '../../functions/daily-reproject.js';
import { nextWorkDate } from '../../functions/next-work.js';

const TENANT: Tenant = { crm: 'salesforce', accountId: '00D000000000001' };
const ref = (dealId: string): DealRef => ({ ...TENANT, dealId });

/** aPlan on deal `dealId` with every date `offset` days later. */
function shifted(dealId: string, offset: number): Plan {
  const plan = aPlan({ deal: ref(dealId) });
  const move = (d: string): string => addDays(d, offset);
  return {
    ...plan,
    targetCloseDate: plan.targetCloseDate === null ? null : move(plan.targetCloseDate),
    milestones: plan.milestones.map((m) => ({
      ...m,
      dueDate: move(m.dueDate),
      baselineDueDate: move(m.baselineDueDate),
      ...(m.completedDate ? { completedDate: move(m.completedDate) } : {}),
    })),
  };
}

/**
 * A CRM behind the PlanScan port: deals with plans (their fields as last written), deals whose plan does not
 * read, and deals without one. It counts what is listed and read, applies writes, and refuses or fails on cue.
 */
class FakeCrm implements PlanScan {
  readonly batchLimit = 100;
  readonly plans = new Map<string, { plan: Plan; written: Projection | null }>();
  readonly unreadable = new Set<string>();
  readonly withoutPlan = new Set<string>();
  /** The ids of every readDeals call. */
  readonly reads: string[][] = [];
  readonly writes: ProjectionWrite[][] = [];
  pagesListed = 0;
  refuse = new Set<string>();
  failReads: CrmError | null = null;
  /** Stop the listing after this many pages. */
  failListingAfter: number | null = null;

  add(plan: Plan, writtenOn: string | null): Plan {
    this.plans.set(plan.deal.dealId, {
      plan,
      written: writtenOn === null ? null : project(plan, writtenOn),
    });
    return plan;
  }

  private page(ids: readonly string[]): ScanPage {
    const plans: ScannedPlan[] = [];
    const failures: { dealId: string; reason: string }[] = [];
    for (const id of ids) {
      const entry = this.plans.get(id);
      if (this.unreadable.has(id)) failures.push({ dealId: id, reason: 'the plan cannot be read: test' });
      else if (entry)
        plans.push({
          deal: entry.plan.deal,
          plan: entry.plan,
          writtenProjection: entry.written,
          outOfSync: [],
        });
    }
    return { scanned: ids.length, plans, failures };
  }

  async *pages(_tenant: Tenant, options: { readonly pageSize?: number } = {}) {
    const ids = [...this.plans.keys(), ...this.unreadable, ...this.withoutPlan].sort();
    const size = options.pageSize ?? this.batchLimit;
    for (let i = 0; i < ids.length; i += size) {
      if (this.failListingAfter !== null && this.pagesListed >= this.failListingAfter) {
        yield err(crmError('CRM_UNAVAILABLE', 'listing failed', 503));
        return;
      }
      this.pagesListed++;
      yield await Promise.resolve(ok(this.page(ids.slice(i, i + size))));
    }
  }

  readDeals(_tenant: Tenant, dealIds: readonly string[]): Promise<Result<ScanPage, CrmError>> {
    this.reads.push([...dealIds]);
    if (this.failReads) return Promise.resolve(err(this.failReads));
    return Promise.resolve(ok(this.page(dealIds)));
  }

  estimateDeals(): Promise<Result<number, CrmError>> {
    return Promise.resolve(ok(this.plans.size + this.unreadable.size + this.withoutPlan.size));
  }

  asStored(projection: Projection): Projection {
    return projection;
  }

  writeProjections(
    _tenant: Tenant,
    writes: readonly ProjectionWrite[],
  ): Promise<Result<ProjectionWriteOutcome, CrmError>> {
    this.writes.push([...writes]);
    const written: string[] = [];
    const refused: string[] = [];
    for (const w of writes) {
      const entry = this.plans.get(w.deal.dealId);
      if (this.refuse.has(w.deal.dealId) || !entry) {
        refused.push(w.deal.dealId);
        continue;
      }
      entry.written = { ...(entry.written ?? project(entry.plan, TEST_TODAY)), ...w.fields };
      written.push(w.deal.dealId);
    }
    return Promise.resolve(
      ok({ written, refused: refused.length ? [{ dealIds: refused, reason: 'VALIDATION: refused' }] : [] }),
    );
  }

  /** The deal ids of every write so far, in order. */
  writtenIds(): string[] {
    return this.writes.flat().map((w) => w.deal.dealId);
  }
}

let now = 1_000_000;
const clock: Clock = { now: () => now, sleep: () => Promise.resolve() };

function setup() {
  const crm = new FakeCrm();
  const schedule = new MemoryPlanSchedule(clock);
  const seen: { plans: string[]; today: string }[] = [];
  const run = (input: Omit<DailyReprojectInput, 'tenant'>, index: PlanSchedule = schedule) =>
    dailyReproject(
      {
        scan: crm,
        schedule: index,
        clock,
        afterPlans: (tenant, plans, today) => {
          expect(tenant).toEqual(TENANT);
          seen.push({ plans: plans.map((p) => p.deal.dealId), today });
          return Promise.resolve();
        },
      },
      { tenant: TENANT, ...input },
    );
  return { crm, schedule, seen, run };
}

function must<T>(res: Result<T, unknown>): T {
  if (!res.ok) throw new Error(`expected success, got ${JSON.stringify(res.error)}`);
  return res.value;
}

test('the full pass seeds the index with the next date of every plan it reads, and forgets rows of deals without a plan', async () => {
  const { crm, schedule, run, seen } = setup();
  const plans = [crm.add(shifted('11', -20), TEST_TODAY), crm.add(shifted('12', 0), TEST_TODAY)];
  crm.withoutPlan.add('13');
  // A deal that lost its plan since it was recorded, and one deleted.
  await schedule.record([
    { deal: ref('13'), nextChange: TEST_TODAY },
    { deal: ref('99'), nextChange: null },
  ]);
  now += 1_000;

  const report = must(await run({ today: TEST_TODAY, kind: 'full' }));
  expect(report).toMatchObject({
    kind: 'full',
    today: TEST_TODAY,
    scanned: 3,
    read: 2,
    changed: 0,
    written: 0,
    failed: 0,
    scheduled: 2,
    forgotten: 2,
    unscheduled: 0,
    total: 3,
    failures: [],
    indexError: null,
  });
  for (const plan of plans)
    expect(schedule.entry(plan.deal)).toEqual({
      nextChange: nextWorkDate(plan, TEST_TODAY),
      version: plan.version,
    });
  expect(schedule.entry(ref('13'))).toBeUndefined();
  expect(await schedule.stats(TENANT, TEST_TODAY)).toMatchObject({ tracked: 2 });
  expect(seen).toEqual([{ plans: ['11', '12'], today: TEST_TODAY }]);
});

test('the due pass reads only the plans whose date has come, writes only their changed fields and records their next dates', async () => {
  const { crm, schedule, run } = setup();
  const soon = crm.add(shifted('21', -20), TEST_TODAY);
  const later = crm.add(shifted('22', 40), TEST_TODAY);
  const never = crm.add(
    aPlan({
      deal: ref('23'),
      milestones: aPlan().milestones.map((m) => ({
        ...m,
        status: 'done' as const,
        completedDate: '2026-11-10',
      })),
    }),
    TEST_TODAY,
  );
  must(await run({ today: TEST_TODAY, kind: 'full' }));
  expect(schedule.entry(never.deal)?.nextChange).toBeNull();
  const day = nextWorkDate(soon, TEST_TODAY)!;
  expect(day < nextWorkDate(later, TEST_TODAY)!).toBe(true);
  const listed = crm.pagesListed;

  const progress: DailyReprojectProgress[] = [];
  const report = must(await run({ today: day, kind: 'due', onProgress: (p) => void progress.push(p) }));
  // One batch read, of the one due deal: no listing, and neither the later plan nor the finished one is read.
  expect(crm.reads).toEqual([['21']]);
  expect(crm.pagesListed).toBe(listed);
  const expected = changedFields(project(soon, TEST_TODAY), project(soon, day));
  expect(Object.keys(expected).length).toBeGreaterThan(0);
  expect(crm.writes).toEqual([[{ deal: soon.deal, fields: expected }]]);
  expect(report).toMatchObject({
    kind: 'due',
    scanned: 1,
    read: 1,
    changed: 1,
    written: 1,
    failed: 0,
    scheduled: 1,
    forgotten: 0,
    total: 1,
  });
  expect(schedule.entry(soon.deal)?.nextChange).toBe(nextWorkDate(soon, day));
  expect(progress.at(-1)).toMatchObject({ read: 1, written: 1, scheduled: 1 });
  expect(formatDailyProgress(progress.at(-1)!)).toBe(
    '1 of 1 due deals, 1 plans read, 1 changed, 1 written, 0 failed; 1 next dates recorded, 0 forgotten (0.0 s, ETA 0 s)',
  );

  // The same day again: nothing is due, so nothing is read or written.
  const again = must(await run({ today: day, kind: 'due' }));
  expect(again).toMatchObject({ scanned: 0, read: 0, written: 0, total: 0 });
  expect(crm.reads).toHaveLength(1);
  expect(crm.writes).toHaveLength(1);
});

test('the due pass pages through the index a batch at a time, forgets due deals without a plan, and keeps an unreadable one due', async () => {
  const { crm, schedule, run, seen } = setup();
  for (const id of ['31', '32', '33']) crm.add(shifted(id, 0), TEST_TODAY);
  crm.unreadable.add('34');
  crm.withoutPlan.add('35');
  // '36' was deleted from the CRM; '37' is due tomorrow only.
  const ids = ['31', '32', '33', '34', '35', '36'];
  await schedule.record([
    ...ids.map((id) => ({ deal: ref(id), nextChange: MIN_DATE })),
    { deal: ref('37'), nextChange: addDays(TEST_TODAY, 1) },
  ]);

  const report = must(await run({ today: TEST_TODAY, kind: 'due', pageSize: 2 }));
  expect(crm.reads).toEqual([
    ['31', '32'],
    ['33', '34'],
    ['35', '36'],
  ]);
  expect(seen.map((s) => s.plans)).toEqual([['31', '32'], ['33'], []]);
  expect(report).toMatchObject({ scanned: 6, read: 3, failed: 1, scheduled: 3, forgotten: 2, total: 6 });
  expect(report.failures).toEqual([{ dealIds: ['34'], reason: 'the plan cannot be read: test' }]);
  expect(await schedule.due(TENANT, TEST_TODAY, { limit: 10 })).toEqual(['34']);
  expect(schedule.entry(ref('35'))).toBeUndefined();
  expect(schedule.entry(ref('36'))).toBeUndefined();
  expect(schedule.entry(ref('37'))).toBeDefined();
});

test('a deal whose write fails stays due, and the next run writes only it', async () => {
  const { crm, schedule, run } = setup();
  const plans = ['41', '42', '43'].map((id) => crm.add(shifted(id, -20), TEST_TODAY));
  must(await run({ today: TEST_TODAY, kind: 'full' }));
  const day = nextWorkDate(plans[0]!, TEST_TODAY)!;
  crm.refuse = new Set(['42']);

  const first = must(await run({ today: day, kind: 'due', writeBatchSize: 2 }));
  expect(first).toMatchObject({ read: 3, changed: 3, written: 2, failed: 1 });
  expect(first.failures).toEqual([{ dealIds: ['42'], reason: 'VALIDATION: refused' }]);
  expect(await schedule.due(TENANT, day, { limit: 10 })).toEqual(['42']);

  crm.refuse = new Set();
  crm.reads.length = 0;
  crm.writes.length = 0;
  const second = must(await run({ today: day, kind: 'due' }));
  expect(crm.reads).toEqual([['42']]);
  expect(crm.writtenIds()).toEqual(['42']);
  expect(second).toMatchObject({ read: 1, written: 1, failed: 0 });
  expect(await schedule.due(TENANT, day, { limit: 10 })).toEqual([]);
});

test('a batch the CRM cannot read stops the due pass with its error and the report; its deals stay due', async () => {
  const { crm, schedule, run } = setup();
  crm.add(shifted('51', 0), TEST_TODAY);
  await schedule.record([{ deal: ref('51'), nextChange: TEST_TODAY }]);
  crm.failReads = crmError('CRM_ACCESS_REVOKED', 'no access', 401);
  const res = await run({ today: TEST_TODAY, kind: 'due' });
  expect(res.ok).toBe(false);
  expect(!res.ok && res.error).toMatchObject({
    code: 'CRM_ACCESS_REVOKED',
    report: { kind: 'due', scanned: 0, read: 0, forgotten: 0 },
  });
  expect(await schedule.due(TENANT, TEST_TODAY, { limit: 10 })).toEqual(['51']);
});

test('a full pass that cannot list every deal forgets nothing', async () => {
  const { crm, schedule, run } = setup();
  for (const id of ['61', '62', '63']) crm.add(shifted(id, 0), TEST_TODAY);
  await schedule.record([{ deal: ref('69'), nextChange: null }]);
  now += 1_000;
  crm.failListingAfter = 1;
  const res = await run({ today: TEST_TODAY, kind: 'full', pageSize: 2 });
  expect(!res.ok && res.error).toMatchObject({
    code: 'CRM_UNAVAILABLE',
    report: { kind: 'full', read: 2, scheduled: 2, forgotten: 0 },
  });
  expect(schedule.entry(ref('69'))).toBeDefined();
});

test('an index that fails does not stop the CRM work: counted and reported, and the full pass then forgets nothing', async () => {
  const { crm, schedule, run } = setup();
  crm.add(shifted('71', -20), addDays(TEST_TODAY, -30));
  let sweeps = 0;
  const failing: PlanSchedule = {
    record: () => Promise.reject(new Error('database is locked')),
    due: (t, d, o) => schedule.due(t, d, o),
    forget: (deals) => schedule.forget(deals),
    forgetRecordedBefore: (t, before) => (sweeps++, schedule.forgetRecordedBefore(t, before)),
    stats: (t, d) => schedule.stats(t, d),
  };
  const report = must(await run({ today: TEST_TODAY, kind: 'full' }, failing));
  expect(report).toMatchObject({
    read: 1,
    changed: 1,
    written: 1,
    scheduled: 0,
    unscheduled: 1,
    indexError: 'database is locked',
  });
  expect(sweeps).toBe(0);
  expect(formatDailyProgress(report)).toMatch(/0 next dates recorded, 0 forgotten, 1 not recorded/);
});
