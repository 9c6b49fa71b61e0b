import fc from 'fast-check';
import { anyPlanArbitrary, validPlanArbitrary, type PlanCase } from './arbitraries.js';
import { addDays, daysBetween, isIsoDate, maxDate } from './dates.js';
import { isOpen, planSchema, type Milestone, type Plan } from './model.js';
import { closeProbability, project, projectionSchema, type Projection } from './project.js';

const RUNS = { numRuns: 1000 };

const valid = validPlanArbitrary();
const valid1 = validPlanArbitrary({ minMilestones: 1 });
const any = anyPlanArbitrary();

function withMilestone(plan: Plan, index: number, change: Partial<Milestone>): Plan {
  return { ...plan, milestones: plan.milestones.map((m, i) => (i === index ? { ...m, ...change } : m)) };
}

/** Indices of the milestones that satisfy `keep`. */
const indicesWhere = (plan: Plan, keep: (m: Milestone) => boolean): number[] =>
  plan.milestones.flatMap((m, i) => (keep(m) ? [i] : []));

/** What validPlanArbitrary promises beyond planSchema; an empty list when the plan keeps every promise. */
function brokenPromises(plan: Plan, today: string): string[] {
  const out: string[] = [];
  const ids = plan.milestones.map((m) => m.id);
  const stakeholders = new Map(plan.stakeholders.map((s) => [s.id, s.side] as const));
  if (new Set(ids).size !== ids.length) out.push('duplicate ids');
  if (plan.milestones.length > 0 && plan.milestones.filter((m) => m.isClose).length !== 1)
    out.push('not one close');
  plan.milestones.forEach((m, i) => {
    if ((m.status === 'done') !== (m.completedDate !== null)) out.push(`${m.id}: completed date`);
    if (m.completedDate !== null && m.completedDate > today) out.push(`${m.id}: completed after today`);
    if (m.sellerOwnerId === null && m.buyerOwnerId === null) out.push(`${m.id}: no owner`);
    if (m.sellerOwnerId !== null && stakeholders.get(m.sellerOwnerId) !== 'seller')
      out.push(`${m.id}: seller owner`);
    if (m.buyerOwnerId !== null && stakeholders.get(m.buyerOwnerId) !== 'buyer')
      out.push(`${m.id}: buyer owner`);
    for (const id of m.dependsOn) {
      const j = ids.indexOf(id);
      const dep = plan.milestones[j];
      if (j < 0 || j >= i || dep === undefined)
        out.push(`${m.id}: dependency ${id} is not an earlier milestone`);
      else if (dep.dueDate > m.dueDate) out.push(`${m.id}: due before its dependency ${id}`);
    }
  });
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('the plan arbitraries', () => {
  it('produce plans that pass planSchema, valid ones with dependents due no earlier than their dependencies', () => {
    fc.assert(
      fc.property(fc.oneof(valid, any), ({ plan }) => {
        expect(planSchema.safeParse(plan).success).toBe(true);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(valid, ({ plan, today }) => {
        expect(brokenPromises(plan, today)).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('project (properties)', () => {
  it('is total: any plan that passes planSchema gets a projection that passes projectionSchema', () => {
    fc.assert(
      fc.property(any, ({ plan, today }) => {
        const p = project(plan, today);
        expect(projectionSchema.safeParse(p).success).toBe(true);
        expect(p.progress).toBeGreaterThanOrEqual(0);
        expect(p.progress).toBeLessThanOrEqual(100);
        expect(p.milestonesDone).toBeLessThanOrEqual(p.milestonesTotal);
        expect(p.buyerOverdueCount).toBeLessThanOrEqual(p.overdueCount);
        expect(p.overdueCount).toBeLessThanOrEqual(p.milestonesTotal - p.milestonesDone);
      }),
      RUNS,
    );
  });

  it('keeps progress within 0–100 and matches the weight done on valid plans', () => {
    fc.assert(
      fc.property(valid, ({ plan, today }) => {
        const counted = plan.milestones.filter((m) => m.status !== 'skipped');
        const total = counted.reduce((s, m) => s + m.weight, 0);
        const done = counted.filter((m) => m.status === 'done').reduce((s, m) => s + m.weight, 0);
        const { progress } = project(plan, today);
        expect(progress).toBeGreaterThanOrEqual(0);
        expect(progress).toBeLessThanOrEqual(100);
        expect(progress).toBe(total === 0 ? 0 : Math.round((100 * done) / total));
      }),
      RUNS,
    );
  });

  it('is deterministic and leaves its input untouched', () => {
    fc.assert(
      fc.property(fc.oneof(valid, any), ({ plan, today }) => {
        const before = structuredClone(plan);
        const first = project(deepFreeze(plan), today);
        const second = project(structuredClone(before), today);
        expect(second).toEqual(first);
        expect(plan).toEqual(before);
      }),
      RUNS,
    );
  });

  const completing = (arb: fc.Arbitrary<PlanCase>) =>
    fc.tuple(arb, fc.nat()).map(([c, pick]) => {
      const open = indicesWhere(c.plan, isOpen);
      const index = open[pick % Math.max(1, open.length)];
      return { ...c, index };
    });

  it.each([
    ['valid plans', completing(valid1)],
    ['any plan', completing(any)],
  ])(
    'never lowers progress or close probability when an open milestone is completed today (%s)',
    (_, arb) => {
      fc.assert(
        fc.property(arb, ({ plan, today, index }) => {
          fc.pre(index !== undefined);
          const before = project(plan, today);
          const after = project(withMilestone(plan, index, { status: 'done', completedDate: today }), today);
          expect(after.progress).toBeGreaterThanOrEqual(before.progress);
          expect(after.closeProbability).toBeGreaterThanOrEqual(before.closeProbability);
          expect(after.milestonesDone).toBe(before.milestonesDone + 1);
          expect(after.overdueCount).toBeLessThanOrEqual(before.overdueCount);
          expect(after.slipDays).toBeLessThanOrEqual(before.slipDays);
        }),
        RUNS,
      );
    },
  );

  it.each([
    ['valid plans', valid],
    ['any plan', any],
  ])(
    'never raises close probability as days pass without progress, as milestones become (more) overdue (%s)',
    (_, arb) => {
      fc.assert(
        fc.property(arb, fc.integer({ min: 1, max: 60 }), ({ plan, today }, days) => {
          const later = addDays(today, days);
          fc.pre(isIsoDate(later));
          const before = project(plan, today);
          const after = project(plan, later);
          expect(after.closeProbability).toBeLessThanOrEqual(before.closeProbability);
          expect(after.overdueCount).toBeGreaterThanOrEqual(before.overdueCount);
          expect(after.slipDays).toBeGreaterThanOrEqual(before.slipDays);
        }),
        RUNS,
      );
    },
  );

  it('never raises close probability when an open milestone other than the close is moved earlier into the past', () => {
    // The new date stays on or after its dependencies' due dates, as validation requires. The close milestone
    // is left out on purpose: pulling the close date in is a new plan, and its projected close moves with it.
    const arb = fc.tuple(valid1, fc.nat(), fc.nat()).map(([c, pick, shift]) => {
      const { plan, today } = c;
      const movable = indicesWhere(plan, (m) => isOpen(m) && !m.isClose);
      const index = movable[pick % Math.max(1, movable.length)];
      const m = index === undefined ? undefined : plan.milestones[index];
      if (index === undefined || m === undefined) return null;
      const floor = m.dependsOn.reduce((acc, id) => {
        const dep = plan.milestones.find((d) => d.id === id);
        return dep === undefined ? acc : maxDate(acc, dep.dueDate);
      }, '0100-01-01');
      const latest = addDays(m.dueDate < today ? m.dueDate : today, -1);
      const room = daysBetween(floor, latest);
      if (room < 0) return null;
      return { ...c, index, newDue: addDays(latest, -Math.min(room, shift % 30)) };
    });
    fc.assert(
      fc.property(arb, (c) => {
        fc.pre(c !== null);
        const { plan, today, index, newDue } = c;
        const before = project(plan, today);
        const after = project(withMilestone(plan, index, { dueDate: newDue }), today);
        expect(after.closeProbability).toBeLessThanOrEqual(before.closeProbability);
        expect(after.overdueCount).toBeGreaterThanOrEqual(before.overdueCount);
        expect(after.slipDays).toBeGreaterThanOrEqual(before.slipDays);
      }),
      RUNS,
    );
  });

  it.each([
    ['valid plans', valid1],
    ['any plan', any],
  ])(
    'never raises close probability when the agreed close date was earlier, i.e. with more slip (%s)',
    (_, arb) => {
      fc.assert(
        fc.property(arb, fc.integer({ min: 1, max: 40 }), ({ plan, today }, days) => {
          const moved: Plan = {
            ...plan,
            milestones: plan.milestones.map((m) => {
              const baselineDueDate = addDays(m.baselineDueDate, -days);
              return m.isClose && isIsoDate(baselineDueDate) ? { ...m, baselineDueDate } : m;
            }),
          };
          const before = project(plan, today);
          const after = project(moved, today);
          expect(after.slipDays).toBeGreaterThanOrEqual(before.slipDays);
          expect(after.closeProbability).toBeLessThanOrEqual(before.closeProbability);
        }),
        RUNS,
      );
    },
  );

  it('uses a close-probability formula that is monotone in each of its inputs', () => {
    const inputs = fc.record({
      doneFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      overdueCount: fc.nat({ max: 20 }),
      blockedCount: fc.nat({ max: 20 }),
      slipDays: fc.nat({ max: 60 }),
    });
    fc.assert(
      fc.property(inputs, inputs, (a, b) => {
        // worse: less done, more overdue, more blocked, more slip than better.
        const worse = {
          doneFraction: Math.min(a.doneFraction, b.doneFraction),
          overdueCount: Math.max(a.overdueCount, b.overdueCount),
          blockedCount: Math.max(a.blockedCount, b.blockedCount),
          slipDays: Math.max(a.slipDays, b.slipDays),
        };
        const p = closeProbability(worse);
        expect(p).toBeLessThanOrEqual(closeProbability(a));
        expect(p).toBeLessThanOrEqual(closeProbability(b));
        expect(Number.isInteger(p) && p >= 1 && p <= 99).toBe(true);
      }),
      RUNS,
    );
  });

  it.each([
    ['valid plans', valid1],
    ['any plan', any],
  ])('never projects an open close milestone to close before today (%s)', (_, arb) => {
    fc.assert(
      fc.property(arb, ({ plan, today }) => {
        const closes = plan.milestones.filter((m) => m.isClose && m.status !== 'skipped');
        fc.pre(closes.length > 0 && closes.every(isOpen));
        const { projectedCloseDate } = project(plan, today);
        expect(projectedCloseDate).not.toBeNull();
        expect(projectedCloseDate! >= today).toBe(true);
      }),
      RUNS,
    );
  });

  it('offers as next step an open milestone with its dependencies done or skipped, due no later than any other', () => {
    fc.assert(
      fc.property(fc.oneof(valid, any), ({ plan, today }) => {
        const byId = new Map<string, Milestone>();
        for (const m of plan.milestones) if (!byId.has(m.id)) byId.set(m.id, m);
        const ready = plan.milestones.filter(
          (m) => isOpen(m) && m.dependsOn.every((id) => !isOpen(byId.get(id) ?? { status: 'not_started' })),
        );
        const p: Projection = project(plan, today);
        if (ready.length === 0) {
          expect(p.nextStep).toBeNull();
          return;
        }
        expect(ready.map((m) => m.title)).toContain(p.nextStep);
        for (const m of ready) expect(p.nextStepDue! <= m.dueDate).toBe(true);
      }),
      RUNS,
    );
  });

  it('calls a plan complete exactly when it has milestones left after skips and all of them are done', () => {
    fc.assert(
      fc.property(fc.oneof(valid, any), ({ plan, today }) => {
        const counted = plan.milestones.filter((m) => m.status !== 'skipped');
        const complete = counted.length > 0 && counted.every((m) => m.status === 'done');
        expect(project(plan, today).health === 'complete').toBe(complete);
      }),
      RUNS,
    );
  });
});
