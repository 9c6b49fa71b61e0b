/**
 * The reproject-tenant rule on a scripted PlanScan (each CRM's own PlanScan runs it against that CRM's
 * sandbox under test/): what is written, in which batches, what is reported, and what stops a run.
 */
import { addDays } from '../src/domain/dates.js';
import type { Tenant } from '../src/domain/model.js';
import { project, type Projection } from '../src/domain/project.js';
import { err, ok, type Result } from '../src/domain/result.js';
import { aPlan, TEST_TODAY } from '../src/domain/test-factories.js';
import type { Clock } from '../src/ports/clock.js';
import { crmError, type CrmError } from '../src/ports/crm-error.js';
import type {
  PlanScan,
  ProjectionWrite,
  ProjectionWriteOutcome,
  ScannedPlan,
  ScanPage,
} from '../src/ports/plan-scan.js';
import { formatProgress, reprojectTenant, type ReprojectProgress } from './reproject-tenant.js';

const TENANT: Tenant = { crm: 'salesforce', accountId: '00D000000000001' };
const LATER = addDays(TEST_TODAY, 20);
const clock: Clock = { now: () => 0, sleep: () => Promise.resolve() };

/** A deal whose plan was last projected on `writtenOn` (null: never). */
function planned(
  dealId: string,
  writtenOn: string | null,
  outOfSync: ScannedPlan['outOfSync'] = [],
): ScannedPlan {
  const plan = aPlan({ deal: { ...TENANT, dealId } });
  return {
    deal: plan.deal,
    plan,
    writtenProjection: writtenOn === null ? null : project(plan, writtenOn),
    outOfSync,
  };
}

/** A PlanScan that serves `pages` and records every write; `answer` decides each write's outcome. */
function scripted(
  pages: Result<ScanPage, CrmError>[],
  answer: (writes: readonly ProjectionWrite[]) => Result<ProjectionWriteOutcome, CrmError> = (writes) =>
    ok({ written: writes.map((w) => w.deal.dealId), refused: [] }),
  batchLimit = 100,
) {
  const writes: ProjectionWrite[][] = [];
  const scan: PlanScan = {
    batchLimit,
    async *pages() {
      for (const page of pages) yield await Promise.resolve(page);
    },
    readDeals: () => Promise.reject(new Error('reproject-tenant lists every deal; it reads none by id')),
    estimateDeals: () => Promise.resolve(ok(pages.reduce((n, p) => n + (p.ok ? p.value.scanned : 0), 0))),
    asStored: (projection: Projection) => projection,
    writeProjections: (_tenant, batch) => {
      writes.push([...batch]);
      return Promise.resolve(answer(batch));
    },
  };
  return { scan, writes };
}

const page = (
  plans: ScannedPlan[],
  extra = 0,
  failures: ScanPage['failures'] = [],
): Result<ScanPage, CrmError> => ok({ scanned: plans.length + failures.length + extra, plans, failures });

test('writes only the changed fields of the deals whose projection changed, and a field held out of sync', async () => {
  const current = planned('1', LATER);
  const stale = planned('2', TEST_TODAY);
  const never = planned('3', null);
  const mirror = planned('4', LATER, ['closeProbability']);
  const { scan, writes } = scripted([page([current, stale]), page([never, mirror], 2)]);
  const progress: ReprojectProgress[] = [];
  const res = await reprojectTenant(
    { scan, clock },
    { tenant: TENANT, today: LATER, onProgress: (p) => void progress.push(p) },
  );
  expect(res).toEqual(
    ok({
      scanned: 6,
      withPlans: 4,
      changed: 3,
      written: 3,
      failed: 0,
      failures: [],
      totalEstimate: 6,
      elapsedMs: 0,
      etaMs: 0,
    }),
  );
  const next = project(stale.plan, LATER);
  const written = writes.flat();
  expect(written.map((w) => w.deal.dealId)).toEqual(['2', '3', '4']);
  const before = stale.writtenProjection!;
  const changed = (Object.keys(next) as (keyof Projection)[]).filter((f) => next[f] !== before[f]).sort();
  expect(Object.keys(written[0]!.fields).sort()).toEqual(changed);
  expect(written[1]!.fields).toEqual(project(never.plan, LATER));
  expect(written[2]!.fields).toEqual({ closeProbability: next.closeProbability });
  expect(progress.at(-1)).toMatchObject({ scanned: 6, written: 3 });
  expect(formatProgress(progress.at(-1)!)).toBe(
    'scanned 6 of ~6 deals, 4 with plans, 3 changed, 3 written, 0 failed (0.0 s, ETA 0 s)',
  );
});

test('writes in batches of the size asked, never more than the port takes', async () => {
  const plans = Array.from({ length: 7 }, (_, i) => planned(String(i + 1), TEST_TODAY));
  const asked = scripted([page(plans.slice(0, 4)), page(plans.slice(4))]);
  await reprojectTenant({ scan: asked.scan, clock }, { tenant: TENANT, today: LATER, writeBatchSize: 3 });
  expect(asked.writes.map((b) => b.length)).toEqual([3, 3, 1]);
  const capped = scripted([page(plans)], undefined, 2);
  await reprojectTenant({ scan: capped.scan, clock }, { tenant: TENANT, today: LATER, writeBatchSize: 50 });
  expect(capped.writes.map((b) => b.length)).toEqual([2, 2, 2, 1]);
});

test('deals that cannot be read, written or are refused fail alone and are reported with their reasons', async () => {
  const plans = Array.from({ length: 4 }, (_, i) => planned(String(i + 1), TEST_TODAY));
  const { scan } = scripted(
    [page(plans, 0, [{ dealId: '9', reason: 'the plan cannot be read: its document is not JSON' }])],
    (batch) =>
      batch[0]!.deal.dealId === '1'
        ? ok({ written: ['1'], refused: [{ dealIds: ['2'], reason: 'VALIDATION_ERROR: no' }] })
        : err(crmError('CRM_UNAVAILABLE', 'down', 503)),
  );
  const res = await reprojectTenant({ scan, clock }, { tenant: TENANT, today: LATER, writeBatchSize: 2 });
  expect(res).toEqual(
    ok(
      expect.objectContaining({
        withPlans: 5,
        changed: 4,
        written: 1,
        failed: 4,
        failures: [
          { dealIds: ['9'], reason: 'the plan cannot be read: its document is not JSON' },
          { dealIds: ['2'], reason: 'VALIDATION_ERROR: no' },
          { dealIds: ['3', '4'], reason: 'CRM_UNAVAILABLE: down' },
        ],
      }),
    ),
  );
});

test('a page that cannot be listed stops the run: its error, with the report of what was done before', async () => {
  const stop = crmError('CRM_ACCESS_REVOKED', 'no access', 0);
  const { scan, writes } = scripted([
    page([planned('1', TEST_TODAY)]),
    err(stop),
    page([planned('2', TEST_TODAY)]),
  ]);
  const res = await reprojectTenant({ scan, clock }, { tenant: TENANT, today: LATER, estimateTotal: false });
  expect(res.ok).toBe(false);
  expect(!res.ok && res.error).toMatchObject({
    ...stop,
    report: { scanned: 1, changed: 1, written: 1, totalEstimate: null },
  });
  expect(writes.flat().map((w) => w.deal.dealId)).toEqual(['1']);
});
