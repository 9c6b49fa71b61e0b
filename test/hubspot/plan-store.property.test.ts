/**
 * Property test, store level (issue 10): random sequences of edits (add, remove, re-add a removed id,
 * reorder, status, value summary) go through the real HubSpotPlanStore against the sandbox, in both storage
 * modes, with faults injected into the saves' CRM calls and the deal's `map_plan` header tampered with
 * between steps. After every step the plan must load (never an error) and equal the plan last acknowledged
 * by a save, and a second deal's plan in the same portal (the victim, whose record ids the tampering plants
 * in the header) must load unchanged.
 *
 * Faults are of three kinds: a request failed before it is sent (nothing written), a request sent and then
 * failed (written, answer lost), and the sandbox's own seeded faults (they strike before its handler). Only a
 * deal PATCH whose answer was lost may have committed: the reload then shows the old plan or the new one, and
 * the same save sent again must succeed (as a new save, or recognised as already saved).
 *
 * A failure names the steps up to the one that failed. Replay it with the seed and path fast-check prints:
 * `MAP_PROPERTY_SEED=<seed> MAP_PROPERTY_PATH=<path> npm test -- test/hubspot/plan-store.property.test.ts -t <mode>`
 * (the seed then applies to both modes). A longer search: MAP_PROPERTY_RUNS=80 MAP_PROPERTY_BUDGET_MS=400000
 * (and MAP_PROPERTY_SEED=<any>); MAP_PROPERTY_STATS=1 prints how often each case came up.
 */
import fc from 'fast-check';
import { HubSpotPlanStore, type PortalStoreConfig } from '../../src/adapters/hubspot/plan-store.js';
import { provisionPortal } from '../../src/adapters/hubspot/provision.js';
import type { CrmRequest } from '../../src/adapters/hubspot/transport.js';
import { addDays } from '../../src/domain/dates.js';
import {
  addMilestone,
  removeMilestone,
  reorderMilestones,
  setMilestoneStatus,
  setValueSummary,
  type EditResult,
} from '../../src/domain/edits.js';
import type { DealRef, MilestoneStatus, Plan } from '../../src/domain/model.js';
import { project } from '../../src/domain/project.js';
import { err } from '../../src/domain/result.js';
import type { SaveRequest, StoredPlan } from '../../src/ports/plan-store.js';
import { crmError } from '../../src/ports/crm-error.js';
import { ctx, planWith, TODAY } from './fixtures.js';
import { ENTERPRISE_SCOPES, PROFESSIONAL_SCOPES, startHarness, type Harness } from './harness.js';

const SEED_OVERRIDE =
  process.env.MAP_PROPERTY_SEED === undefined ? undefined : Number(process.env.MAP_PROPERTY_SEED);
const PATH = process.env.MAP_PROPERTY_PATH;
const RUNS = Number(process.env.MAP_PROPERTY_RUNS ?? 5);
/** Per mode: fast-check stops searching (or shrinking) after this long and reports what it has. */
const TIME_BUDGET_MS = Number(process.env.MAP_PROPERTY_BUDGET_MS ?? 20_000);

type Mode = 'custom_object' | 'document';

/** Deep equality as toEqual sees it. */
function equal(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}

function must<T>(res: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!res.ok) throw new Error(`expected success, got ${JSON.stringify(res.error)}`);
  return res.value;
}

// ---------------------------------------------------------------------------------------------------------
// Operations

/** Which CRM call of a save fails, and whether before it is sent or after (written, answer lost). */
type FaultTarget = 'dealGet' | 'recordRead' | 'upsert' | 'update' | 'archive' | 'associations' | 'dealPatch';
/** `skip`: how many matching calls of the save go through first (1 on recordRead: the ownership check of retired records). */
type Fault =
  | { kind: 'none' }
  | { kind: 'call'; target: FaultTarget; phase: 'before' | 'after'; skip: number }
  | { kind: 'sandbox'; seed: number };

interface SaveOptions {
  readonly fault: Fault;
  /** Send the same save again after a failure (always done when a commit's answer was lost). */
  readonly retry: boolean;
  /** Send a request digest with the save (the store then recognises a resent save by it). */
  readonly digest: boolean;
}

type EditOp =
  | { kind: 'add'; readd: boolean; pick: number; day: number; dependOn: number | null }
  | { kind: 'remove'; pick: number }
  /** Remove a milestone and add it back (new title and date) in one saved edit. */
  | { kind: 'bounce'; pick: number; day: number }
  | { kind: 'reorder'; shuffle: number }
  | { kind: 'status'; pick: number; status: MilestoneStatus }
  | { kind: 'summary'; text: string };
/**
 * retired: victim record ids added to `retired`; retiredOwn: the plan's own live records added there; swap: a milestone's recordId set to a victim record; swapOwn:
 * set to the record of another milestone of the same plan; version: map_plan_version set to `value`. Document
 * mode has no record ids: every tampering there is the version's.
 */
type Tamper = {
  kind: 'tamper';
  how: 'retired' | 'retiredOwn' | 'swap' | 'swapOwn' | 'version';
  pick: number;
  value: string;
};
type Step = (EditOp & { save: SaveOptions }) | Tamper;

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('call' as const),
      target: fc.constantFrom<FaultTarget>(
        'dealPatch',
        'dealPatch',
        'dealGet',
        'recordRead',
        'upsert',
        'update',
        'archive',
        'associations',
      ),
      phase: fc.constantFrom<'before' | 'after'>('before', 'after'),
      skip: fc.constantFrom(0, 0, 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sandbox' as const), seed: fc.nat(1_000_000) }) },
);
const saveArb: fc.Arbitrary<SaveOptions> = fc.record({
  fault: faultArb,
  retry: fc.boolean(),
  digest: fc.boolean(),
});
const pick = fc.nat(1_000);

const editArb: fc.Arbitrary<EditOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      readd: fc.boolean(),
      pick,
      day: fc.nat(30),
      dependOn: fc.option(pick, { freq: 3 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bounce' as const), pick, day: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reorder' as const), shuffle: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      pick,
      status: fc.constantFrom<MilestoneStatus>('not_started', 'in_progress', 'blocked', 'done', 'skipped'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('summary' as const),
      text: fc.constantFrom('', 'Faster close.', 'Acme saves 5 days a month.', 'ünïcode ✓'),
    }),
  },
);
const tamperArb: fc.Arbitrary<Tamper> = fc.record({
  kind: fc.constant('tamper' as const),
  how: fc.constantFrom<Tamper['how']>('retired', 'retiredOwn', 'swap', 'swapOwn', 'version'),
  pick,
  value: fc.constantFrom('-5', '1e300', '2.5', '0', ''),
});
const stepsArb: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(editArb, saveArb).map(([op, save]): Step => ({ ...op, save })) },
    { weight: 1, arbitrary: tamperArb },
  ),
  { minLength: 15, maxLength: 25 },
);

/** A deterministic shuffle (mulberry32), so that a reorder shrinks to its seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const describeStep = (s: Step): string => JSON.stringify(s);

// ---------------------------------------------------------------------------------------------------------

type Interceptor = (req: CrmRequest<unknown>, send: () => Promise<unknown>) => Promise<unknown> | undefined;

describe('HubSpotPlanStore property: random edits, injected faults and tampered headers (sandbox)', () => {
  let h: Harness;
  let intercept: Interceptor | undefined;
  const portals = new Map<Mode, { portalId: string; config: PortalStoreConfig }>();
  let runCounter = 0;
  /** What the runs of one mode went through: the test checks that the cases it is about did happen. */
  let seen = new Map<string, number>();
  /** Runs that went through all their steps (shrinking runs included). */
  let completed = 0;
  /** Set by an edit that re-adds a removed milestone id, for the count of such saves. */
  let readding = false;
  const count = (what: string): void => {
    seen.set(what, (seen.get(what) ?? 0) + 1);
  };

  beforeAll(async () => {
    // Two attempts per request so that some sandbox faults reach the store; our throttle raised so that
    // nothing waits (the sandbox's own rate limit is off).
    h = await startHarness(
      {},
      { maxAttempts: 2, baseDelayMs: 2, maxDelayMs: 10, rateLimitWaitMs: 5 },
      { perWindow: 100_000, windowMs: 10_000, searchPerSecond: 4 },
    );
    const enterprise = must(
      await provisionPortal(h.transport, h.demoPortalId, { scopes: ENTERPRISE_SCOPES }),
    );
    expect(enterprise.storageMode).toBe('custom_object');
    portals.set('custom_object', {
      portalId: h.demoPortalId,
      config: {
        storageMode: 'custom_object',
        writeNativeForecast: true,
        milestoneObjectType: enterprise.milestoneObjectTypeId ?? '',
      },
    });
    const professional = await h.newPortal('professional');
    const report = must(await provisionPortal(h.transport, professional, { scopes: PROFESSIONAL_SCOPES }));
    expect(report.storageMode).toBe('document');
    portals.set('document', {
      portalId: professional,
      config: { storageMode: 'document', writeNativeForecast: false },
    });

    const original = h.transport.request.bind(h.transport);
    h.transport.request = <T>(req: CrmRequest<T>) => {
      const send = () => original(req);
      return (intercept?.(req, send) ?? send()) as ReturnType<typeof original<T>>;
    };
  }, 30_000);
  afterAll(() => h.close());
  afterEach(() => {
    intercept = undefined;
  });

  const unavailable = err(
    crmError('CRM_UNAVAILABLE', 'HubSpot is having trouble right now (injected).', 503),
  );

  function matches(req: CrmRequest<unknown>, target: FaultTarget): boolean {
    const deal = req.path.startsWith('/crm/v3/objects/deals/');
    switch (target) {
      case 'dealGet':
        return deal && req.method === 'GET';
      case 'dealPatch':
        return deal && req.method === 'PATCH';
      case 'recordRead':
        return req.path.endsWith('/batch/read');
      case 'upsert':
        return req.path.endsWith('/batch/upsert');
      case 'update':
        return req.path.endsWith('/batch/update');
      case 'archive':
        return req.path.startsWith('/crm/v3/') && req.path.endsWith('/batch/archive');
      case 'associations':
        return req.path.startsWith('/crm/v4/associations/');
    }
  }

  async function runSequence(mode: Mode, steps: readonly Step[]): Promise<void> {
    const { portalId, config } = portals.get(mode)!;
    const store = new HubSpotPlanStore({
      transport: h.transport,
      portalConfig: () => Promise.resolve(config),
    });
    const run = ++runCounter;
    const trail: string[] = [];
    const fail: (what: string, detail?: string) => never = (what, detail = '') => {
      throw new Error(
        `${mode} run ${run}: ${what}\nsteps so far:\n  ${trail.join('\n  ')}${detail ? `\n${detail}` : ''}`,
      );
    };
    const agree = (actual: unknown, expected: unknown, what: string): void => {
      try {
        expect(actual).toEqual(expected);
      } catch (e) {
        fail(what, (e as Error).message);
      }
    };
    const loadOk = async (deal: DealRef, what: string): Promise<StoredPlan> => {
      const res = await store.load(deal);
      if (!res.ok) return fail(`${what}: load failed`, JSON.stringify(res.error));
      if (res.value === null) return fail(`${what}: load found no plan`);
      return res.value;
    };

    // The victim: a deal of the same portal whose plan nothing in this run may touch.
    const victimDeal: DealRef = {
      crm: 'hubspot',
      accountId: portalId,
      dealId: await h.newDeal(portalId, `Victim ${run}`),
    };
    const victimFirst = planWith(victimDeal, 5);
    const victim = must(
      await store.save({ plan: victimFirst, projection: project(victimFirst, TODAY) }),
    ).plan;
    let victimRecordIds: string[] = [];
    if (mode === 'custom_object') {
      const res = await h.raw(portalId, 'POST', `/crm/v3/objects/${config.milestoneObjectType}/batch/read`, {
        idProperty: 'map_key',
        properties: ['map_key'],
        inputs: victim.milestones.map((m) => ({ id: `${victimDeal.dealId}:${m.id}` })),
      });
      victimRecordIds = (res.body.results as { id: string }[]).map((r) => r.id);
      expect(victimRecordIds).toHaveLength(victim.milestones.length);
    }

    // The target: a chain of 4 milestones (the last one the close) plus one that nothing depends on.
    const deal: DealRef = {
      crm: 'hubspot',
      accountId: portalId,
      dealId: await h.newDeal(portalId, `Target ${run}`),
    };
    const first = must(
      addMilestone(
        planWith(deal, 4),
        { id: 'x-0', title: 'Extra 0', dueDate: '2026-12-01', sellerOwnerId: 's-seller' },
        ctx(),
      ),
    ).plan;
    let acknowledged = must(await store.save({ plan: first, projection: project(first, TODAY) })).plan;
    const removed: string[] = [];
    let fresh = 0;

    const checkTarget = async (what: string): Promise<Plan> => {
      const stored = await loadOk(deal, what);
      const unexpected = stored.problems.filter((p) => !/map_plan_version/.test(p));
      if (unexpected.length > 0) fail(`${what}: the plan loaded with problems`, unexpected.join('\n'));
      agree(stored.plan, acknowledged, `${what}: the loaded plan differs from the acknowledged one`);
      return stored.plan;
    };
    const checkVictim = async (what: string): Promise<void> => {
      const stored = await loadOk(victimDeal, `${what} (victim)`);
      agree(stored.problems, [], `${what}: the victim's plan loaded with problems`);
      agree(stored.plan, victim, `${what}: the victim's plan changed`);
    };

    type RawHeader = Record<string, unknown> & { milestones: { recordId: string }[]; retired: string[] };
    const rawHeader = async (): Promise<RawHeader> => {
      const res = await h.raw(portalId, 'GET', `/crm/v3/objects/deals/${deal.dealId}?properties=map_plan`);
      return JSON.parse(String(res.body.properties.map_plan)) as RawHeader;
    };
    const patchDeal = async (properties: Record<string, string>): Promise<void> => {
      const res = await h.raw(portalId, 'PATCH', `/crm/v3/objects/deals/${deal.dealId}`, { properties });
      if (res.status !== 200) fail(`tampering answered ${res.status}`);
    };

    /** The edited plan, or null when the domain refuses the edit (or it changes nothing). */
    const edited = (base: Plan, op: EditOp): Plan | null => {
      const c = ctx();
      readding = false;
      const ms = base.milestones;
      const removable = ms.filter((m) => !m.isClose && !ms.some((o) => o.dependsOn.includes(m.id)));
      let res: EditResult;
      switch (op.kind) {
        case 'add': {
          const again = removed.filter((id) => !ms.some((m) => m.id === id));
          const readd = op.readd && again.length > 0;
          const id = readd ? again[op.pick % again.length]! : `x-${++fresh}`;
          readding = readd;
          const dep = op.dependOn === null ? undefined : ms[op.dependOn % ms.length];
          const dueDate = addDays('2026-12-01', op.day);
          res = addMilestone(
            base,
            {
              id,
              title: `Step ${id} (${c.now.slice(11, 19)})`,
              dueDate: dep && dep.dueDate > dueDate ? dep.dueDate : dueDate,
              sellerOwnerId: 's-seller',
              dependsOn: dep ? [dep.id] : [],
            },
            c,
          );
          break;
        }
        case 'remove': {
          const target = removable[op.pick % Math.max(1, removable.length)];
          if (!target) return null;
          res = removeMilestone(base, { milestoneId: target.id }, c);
          if (res.ok) removed.push(target.id);
          break;
        }
        case 'bounce': {
          const target = removable[op.pick % Math.max(1, removable.length)];
          if (!target) return null;
          const gone = removeMilestone(base, { milestoneId: target.id }, c);
          if (!gone.ok) return null;
          res = addMilestone(
            gone.value.plan,
            {
              id: target.id,
              title: `Back ${target.id}`,
              dueDate: addDays('2026-12-01', op.day),
              sellerOwnerId: 's-seller',
            },
            ctx(),
          );
          break;
        }
        case 'reorder':
          res = reorderMilestones(
            base,
            {
              milestoneIds: shuffled(
                [...ms].sort((a, b) => a.order - b.order).map((m) => m.id),
                op.shuffle,
              ),
            },
            c,
          );
          break;
        case 'status': {
          const target = ms[op.pick % ms.length];
          if (!target) return null;
          res = setMilestoneStatus(base, { milestoneId: target.id, status: op.status }, c);
          break;
        }
        case 'summary':
          res = setValueSummary(base, { valueSummary: op.text }, c);
          break;
      }
      return res.ok && res.value.activity.length > 0 ? res.value.plan : null;
    };

    /** One save under `fault`; returns whether the fault fired and whether it may have committed. */
    const attempt = async (request: SaveRequest, fault: Fault) => {
      let fired: string | null = null;
      if (fault.kind === 'call') {
        let skip = fault.skip;
        intercept = (req, send) => {
          if (fired !== null || !matches(req, fault.target)) return undefined;
          if (skip-- > 0) return undefined;
          fired = `${fault.phase} ${req.method} ${req.path}`;
          return fault.phase === 'before' ? Promise.resolve(unavailable) : send().then(() => unavailable);
        };
      } else if (fault.kind === 'sandbox') {
        await h.setFaults(portalId, {
          seed: fault.seed,
          rateLimit: 0.1,
          serverError: 0.1,
          badGateway: 0.05,
          unavailable: 0.1,
          drop: 0.05,
        });
        fired = 'sandbox faults';
      }
      try {
        const result = await store.save(request);
        const lostCommit =
          fault.kind === 'call' && fault.target === 'dealPatch' && fault.phase === 'after' && fired !== null;
        return { result, fired, lostCommit };
      } finally {
        intercept = undefined;
        if (fault.kind === 'sandbox') await h.setFaults(portalId, null);
      }
    };

    await checkTarget('after the first save');
    await checkVictim('after the first save');

    for (const [i, step] of steps.entries()) {
      const label = `step ${i + 1} ${describeStep(step)}`;
      if (step.kind === 'tamper') {
        if (mode === 'document' || step.how === 'version') {
          await patchDeal({ map_plan_version: step.value });
          trail.push(`${label}: map_plan_version set to ${step.value}`);
          count('tamper: map_plan_version');
        } else {
          const header = await rawHeader();
          if (step.how === 'retired') {
            const planted = victimRecordIds.slice(0, 1 + (step.pick % victimRecordIds.length));
            header.retired = [...header.retired, ...planted];
            trail.push(`${label}: retired += victim records ${planted.join(',')}`);
            count('tamper: victim records in retired');
          } else if (step.how === 'retiredOwn') {
            const planted = header.milestones
              .slice(0, 1 + (step.pick % header.milestones.length))
              .map((m) => m.recordId);
            header.retired = [...header.retired, ...planted];
            trail.push(`${label}: retired += the plan's own records ${planted.join(',')}`);
            count("tamper: the plan's own records in retired");
          } else if (step.how === 'swapOwn') {
            const n = header.milestones.length;
            const ref = header.milestones[step.pick % n]!;
            const other = header.milestones[(step.pick + 1 + (step.pick % (n - 1))) % n]!;
            trail.push(
              `${label}: ${JSON.stringify(ref)} recordId → ${other.recordId} (the record of ${JSON.stringify(other)})`,
            );
            ref.recordId = other.recordId;
            count('tamper: recordId swapped to a record of the same plan');
          } else {
            const ref = header.milestones[step.pick % header.milestones.length]!;
            const planted = victimRecordIds[step.pick % victimRecordIds.length]!;
            trail.push(`${label}: ${JSON.stringify(ref)} recordId → victim record ${planted}`);
            ref.recordId = planted;
            count('tamper: recordId swapped to a victim record');
          }
          await patchDeal({ map_plan: JSON.stringify(header) });
        }
        await checkTarget(`after ${label}`);
        await checkVictim(`after ${label}`);
        continue;
      }

      const base = (await loadOk(deal, `before ${label}`)).plan;
      const next = edited(base, step);
      if (next === null) {
        trail.push(`${label}: refused or no change (skipped)`);
        count('edit skipped');
        continue;
      }
      const request: SaveRequest = {
        plan: next,
        projection: project(next, TODAY),
        ...(step.save.digest ? { requestDigest: `run-${run}-step-${i + 1}` } : {}),
      };
      const expectedNew: Plan = { ...next, version: base.version + 1 };
      const { result, fired, lostCommit } = await attempt(request, step.save.fault);
      if (result.ok) {
        trail.push(
          `${label}: saved as v${result.value.plan.version}${fired ? ` (fault fired: ${fired})` : ''}`,
        );
        agree(
          result.value.plan,
          expectedNew,
          `${label}: the save acknowledged a plan other than the one sent`,
        );
        acknowledged = result.value.plan;
        count(`saved: ${step.kind}${readding ? ' (re-adding a removed id)' : ''}`);
        if (fired)
          count(
            `saved despite a fault on ${step.save.fault.kind === 'call' ? step.save.fault.target : 'sandbox'}`,
          );
      } else {
        count(
          `failed: ${step.save.fault.kind === 'call' ? `${step.save.fault.target} ${step.save.fault.phase}` : 'sandbox'}`,
        );
        trail.push(`${label}: failed with ${result.error.code} (fault fired: ${fired ?? 'none'})`);
        if (fired === null)
          fail(`${label}: the save failed with no fault injected`, JSON.stringify(result.error));
        if (
          result.error.code === 'VERSION_CONFLICT' ||
          result.error.code === 'CRM_BAD_RESPONSE' ||
          result.error.code === 'CRM_VALIDATION'
        ) {
          fail(
            `${label}: the save failed with ${result.error.code}, not with the injected fault`,
            JSON.stringify(result.error),
          );
        }
        if (lostCommit) {
          // The commit went through and its answer was lost: either plan is legitimate, but exactly one loads.
          const stored = await loadOk(deal, `${label}, after the lost answer`);
          const adopted = equal(stored.plan, expectedNew) ? 'new' : 'old';
          agree(
            stored.plan,
            adopted === 'new' ? expectedNew : acknowledged,
            `${label}: after a lost answer the plan is neither the old nor the new one`,
          );
          trail.push(`${label}: the reload shows the ${adopted} plan`);
          if (adopted === 'new') acknowledged = stored.plan;
          count(`lost commit answer, reload shows the ${adopted} plan`);
        } else {
          await checkTarget(`${label}, after the failed save`);
        }
        if (lostCommit || step.save.retry) {
          const again = await store.save(request);
          if (!again.ok) fail(`${label}: the same save sent again failed`, JSON.stringify(again.error));
          trail.push(`${label}: sent again, v${again.value.plan.version}`);
          agree(again.value.plan, expectedNew, `${label}: the save sent again acknowledged another plan`);
          acknowledged = again.value.plan;
          count(
            again.value.plan.version === base.version + 1 ? 'sent again: succeeded' : 'sent again: other',
          );
        }
      }
      await checkTarget(`after ${label}`);
      await checkVictim(`after ${label}`);
    }
    completed += 1;
  }

  const modes: [Mode, number][] = [
    ['custom_object', SEED_OVERRIDE ?? 20_261_116],
    ['document', SEED_OVERRIDE ?? 20_261_117],
  ];
  it.each(modes)(
    'in %s mode, after every step the plan loads and equals what was acknowledged, and the other deal is untouched (seed %d)',
    async (mode, seed) => {
      seen = new Map();
      completed = 0;
      await fc.assert(
        fc.asyncProperty(stepsArb, (steps) => runSequence(mode, steps)),
        {
          numRuns: RUNS,
          seed,
          ...(PATH ? { path: PATH } : {}),
          interruptAfterTimeLimit: TIME_BUDGET_MS,
          markInterruptAsFailure: false,
        },
      );
      const cases = Object.fromEntries([...seen].sort(([x], [y]) => x.localeCompare(y)));
      if (process.env.MAP_PROPERTY_STATS)
        process.stdout.write(`${mode}: ${JSON.stringify(cases, null, 2)}\n`);
      // With the default seed and every run done, the cases this test is about did happen (a guard against
      // a change that makes the edits refused or the faults miss their calls, which would pass silently).
      if (SEED_OVERRIDE === undefined && PATH === undefined && completed >= RUNS) {
        const expected = [
          'saved: add (re-adding a removed id)',
          'saved: remove',
          'saved: reorder',
          'saved: status',
          'lost commit answer, reload shows the new plan',
          'sent again: succeeded',
          'failed: dealPatch before',
          'tamper: map_plan_version',
          ...(mode === 'custom_object'
            ? [
                'tamper: victim records in retired',
                'tamper: recordId swapped to a victim record',
                'failed: upsert before',
              ]
            : []),
        ];
        expect(expected.filter((c) => !seen.has(c))).toEqual([]);
      }
    },
    TIME_BUDGET_MS + 15_000,
  );
});
