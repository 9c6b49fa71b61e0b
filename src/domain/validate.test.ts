import fc from 'fast-check';
import { LIMITS, emptyPlan } from './model.js';
import type { Milestone, Plan } from './model.js';
import type { Problem, ProblemCode } from './result.js';
import {
  aGoal,
  aMilestone,
  aPlan,
  aRisk,
  aStakeholder,
  anActivityEntry,
  deepFreeze,
  TEST_DEAL,
} from './test-factories.js';
import { checkPlan, findDependencyCycles, validatePlan } from './validate.js';

const codes = (problems: readonly Problem[]): ProblemCode[] => problems.map((p) => p.code);
const only = (problems: readonly Problem[], code: ProblemCode): Problem[] =>
  problems.filter((p) => p.code === code);

/** The base plan with its milestones replaced (ids m-*, all owned by the seller). */
function withMilestones(milestones: Milestone[], overrides: Partial<Plan> = {}): Plan {
  return aPlan({ milestones, ...overrides });
}

describe('checkPlan', () => {
  it('accepts the base plan and an empty plan', () => {
    expect(checkPlan(aPlan())).toEqual([]);
    expect(checkPlan(emptyPlan(TEST_DEAL))).toEqual([]);
  });

  it('allows an empty plan title but refuses a whitespace-only milestone title', () => {
    const plan = aPlan({ title: '' });
    plan.milestones[1] = { ...plan.milestones[1]!, title: '   ' };
    const problems = checkPlan(plan);
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'milestones[1].title',
        code: 'required',
        message: 'Milestone 2 needs a title.',
      }),
    ]);
  });

  it('reports text over its limit with the limit and the current length', () => {
    const plan = aPlan({
      title: 'x'.repeat(LIMITS.title + 1),
      valueSummary: 'v'.repeat(LIMITS.valueSummary + 5),
    });
    plan.milestones[1] = {
      ...plan.milestones[1]!,
      description: 'd'.repeat(LIMITS.description + 1),
      successCriteria: 's'.repeat(LIMITS.successCriteria + 1),
    };
    plan.milestones[2] = { ...plan.milestones[2]!, phase: 'p'.repeat(LIMITS.phase + 1) };
    plan.stakeholders[1] = {
      ...plan.stakeholders[1]!,
      name: 'n'.repeat(LIMITS.name + 1),
      email: 'e'.repeat(LIMITS.email + 1),
    };
    plan.goals[0] = { ...plan.goals[0]!, metric: 'g'.repeat(LIMITS.goalText + 1) };
    plan.risks[0] = { ...plan.risks[0]!, mitigation: 'r'.repeat(LIMITS.riskText + 1) };
    plan.activity[0] = { ...plan.activity[0]!, text: 'a'.repeat(LIMITS.activityText + 1) };
    const problems = checkPlan(plan);
    expect(problems.every((p) => p.code === 'too_long')).toBe(true);
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        'title',
        'valueSummary',
        'milestones[1].description',
        'milestones[1].successCriteria',
        'milestones[2].phase',
        'stakeholders[1].name',
        'stakeholders[1].email',
        'goals[0].metric',
        'risks[0].mitigation',
        'activity[0].text',
      ].sort(),
    );
    const description = problems.find((p) => p.path === 'milestones[1].description');
    expect(description?.message).toBe(
      `The description of milestone “Security review” is ${LIMITS.description + 1} characters long; the limit is ${LIMITS.description}.`,
    );
    expect(problems.find((p) => p.path === 'title')?.message).toBe(
      `The plan title is ${LIMITS.title + 1} characters long; the limit is ${LIMITS.title}.`,
    );
  });

  it('reports an id longer than the id limit', () => {
    const plan = aPlan();
    plan.goals[0] = { ...plan.goals[0]!, id: 'i'.repeat(LIMITS.id + 1) };
    expect(checkPlan(plan)).toEqual([expect.objectContaining({ path: 'goals[0].id', code: 'too_long' })]);
  });

  it('reports a milestone owner who is not a stakeholder', () => {
    const plan = aPlan();
    plan.milestones[1] = { ...plan.milestones[1]!, buyerOwnerId: 's-gone' };
    expect(checkPlan(plan)).toEqual([
      {
        path: 'milestones[1].buyerOwnerId',
        code: 'unknown_owner',
        message: "The buyer-side owner of milestone “Security review” is not one of the plan's stakeholders.",
      },
    ]);
  });

  it('reports owners on the wrong side: a buyer as seller owner and a seller as buyer owner', () => {
    const plan = aPlan();
    plan.milestones[1] = { ...plan.milestones[1]!, sellerOwnerId: 's-champion', buyerOwnerId: 's-seller' };
    const problems = checkPlan(plan);
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['milestones[1].sellerOwnerId', 'owner_wrong_side'],
      ['milestones[1].buyerOwnerId', 'owner_wrong_side'],
    ]);
    expect(problems[0]?.message).toBe(
      'Milestone “Security review” has “Bea Buyer” as its seller-side owner, but “Bea Buyer” is on the buyer side.',
    );
  });

  it('requires an owner on shared milestones but not on internal ones', () => {
    const plan = aPlan();
    plan.milestones[1] = { ...plan.milestones[1]!, sellerOwnerId: null, buyerOwnerId: null };
    expect(codes(checkPlan(plan))).toEqual(['no_owner']);
    expect(checkPlan(plan)[0]?.path).toBe('milestones[1]');
    plan.milestones[1] = { ...plan.milestones[1], visibility: 'internal' };
    expect(checkPlan(plan)).toEqual([]);
  });

  it('reports a dependency on a milestone that is not in the plan', () => {
    const plan = aPlan();
    plan.milestones[1] = { ...plan.milestones[1]!, dependsOn: ['m-discovery', 'm-nope'] };
    expect(checkPlan(plan)).toEqual([
      {
        path: 'milestones[1].dependsOn[1]',
        code: 'unknown_dependency',
        message: 'Milestone “Security review” depends on a milestone (m-nope) that is not in the plan.',
      },
    ]);
  });

  it('reports a milestone that depends on itself, and not as a loop', () => {
    const plan = aPlan();
    plan.milestones[1] = { ...plan.milestones[1]!, dependsOn: ['m-security'] };
    expect(checkPlan(plan)).toEqual([
      {
        path: 'milestones[1].dependsOn[0]',
        code: 'self_dependency',
        message: 'Milestone “Security review” depends on itself; remove that dependency.',
      },
    ]);
  });

  it('reports the same dependency listed twice', () => {
    const plan = aPlan();
    plan.milestones[1] = { ...plan.milestones[1]!, dependsOn: ['m-discovery', 'm-discovery'] };
    expect(checkPlan(plan)).toEqual([
      expect.objectContaining({ path: 'milestones[1].dependsOn[1]', code: 'invalid_value' }),
    ]);
  });

  it('reports a dependency loop once, naming it A → B → C → A', () => {
    const plan = withMilestones([
      aMilestone({ id: 'a', title: 'A', dependsOn: ['b'], isClose: true }),
      aMilestone({ id: 'b', title: 'B', dependsOn: ['c'] }),
      aMilestone({ id: 'c', title: 'C', dependsOn: ['a'] }),
    ]);
    const problems = checkPlan(plan);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({
      path: 'milestones[0].dependsOn',
      code: 'dependency_cycle',
      message:
        'These milestones wait on each other in a loop, so none of them can finish: “A” → “B” → “C” → “A” (each depends on the next). Remove one of these dependencies.',
    });
  });

  it('reports every loop when loops share milestones', () => {
    // a → b → a and a → c → a share "a"; b → c adds a → b → c → a.
    const plan = withMilestones([
      aMilestone({ id: 'a', title: 'A', dependsOn: ['b', 'c'], isClose: true }),
      aMilestone({ id: 'b', title: 'B', dependsOn: ['a', 'c'] }),
      aMilestone({ id: 'c', title: 'C', dependsOn: ['a'] }),
    ]);
    const loops = only(checkPlan(plan), 'dependency_cycle').map((p) => /: (.*) \(each/.exec(p.message)?.[1]);
    expect(loops.sort()).toEqual(['“A” → “B” → “A”', '“A” → “B” → “C” → “A”', '“A” → “C” → “A”']);
  });

  it('stops listing loops past the reporting limit and says so', () => {
    // A complete graph on 7 milestones has far more than 25 elementary loops.
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const plan = withMilestones(
      ids.map((id, i) =>
        aMilestone({ id, title: id.toUpperCase(), dependsOn: ids.filter((x) => x !== id), isClose: i === 0 }),
      ),
    );
    const loops = only(checkPlan(plan), 'dependency_cycle');
    expect(loops).toHaveLength(26);
    expect(loops[25]).toEqual(
      expect.objectContaining({
        path: 'milestones',
        message: expect.stringContaining('more than 25 dependency loops'),
      }),
    );
  });

  it('requires exactly one close milestone in a plan with milestones', () => {
    const none = aPlan();
    none.milestones[3] = { ...none.milestones[3]!, isClose: false };
    expect(checkPlan(none)).toEqual([
      {
        path: 'milestones',
        code: 'no_close_milestone',
        message: 'The plan has no close milestone: mark the milestone where the deal is signed as the close.',
      },
    ]);
    const several = aPlan();
    several.milestones[1] = { ...several.milestones[1]!, isClose: true };
    several.milestones[4] = { ...several.milestones[4]!, isClose: true };
    expect(checkPlan(several)).toEqual([
      {
        path: 'milestones[3].isClose',
        code: 'several_close_milestones',
        message:
          'Only one milestone can be the close, but 3 are: “Security review”, “Contract signed” and “Onboarding kickoff”.',
      },
    ]);
  });

  it('reports a due date before the due date of a dependency, and allows the same day', () => {
    const plan = aPlan();
    plan.milestones[3] = { ...plan.milestones[3]!, dueDate: '2026-12-02' };
    expect(checkPlan(plan)).toEqual([
      {
        path: 'milestones[3].dueDate',
        code: 'due_before_dependency',
        message:
          'Milestone “Contract signed” is due 2026-12-02, before “Legal sign-off” (due 2026-12-04), which it depends on.',
      },
    ]);
    plan.milestones[3] = { ...plan.milestones[3], dueDate: '2026-12-04' };
    expect(checkPlan(plan)).toEqual([]);
  });

  it('requires a completion date on done milestones and refuses one on open milestones', () => {
    const plan = aPlan();
    plan.milestones[0] = { ...plan.milestones[0]!, completedDate: null };
    plan.milestones[1] = { ...plan.milestones[1]!, completedDate: '2026-11-12' };
    const problems = checkPlan(plan);
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['milestones[0].completedDate', 'done_without_completed_date'],
      ['milestones[1].completedDate', 'completed_date_not_done'],
    ]);
    expect(problems[0]?.message).toBe('Milestone “Discovery workshop” is done but has no completion date.');
  });

  it('reports lists over their limits', () => {
    const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
    const plan = aPlan({
      stakeholders: [
        ...aPlan().stakeholders,
        ...many(LIMITS.stakeholders - 2, (i) => aStakeholder({ id: `s-${i}`, name: `Person ${i}` })),
      ],
      goals: many(LIMITS.goals + 1, (i) => aGoal({ id: `g-${i}` })),
      risks: many(LIMITS.risks + 1, (i) => aRisk({ id: `r-${i}` })),
      activity: many(LIMITS.activity + 1, () => anActivityEntry()),
    });
    plan.milestones.push(
      ...many(LIMITS.milestones - 4, (i) =>
        aMilestone({ id: `extra-${i}`, title: `Extra ${i}`, dueDate: '2026-12-20' }),
      ),
    );
    const problems = checkPlan(plan);
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['stakeholders', 'too_many'],
      ['milestones', 'too_many'],
      ['goals', 'too_many'],
      ['risks', 'too_many'],
      ['activity', 'too_many'],
    ]);
    expect(problems[1]?.message).toBe(
      `The plan has ${LIMITS.milestones + 1} milestones; the limit is ${LIMITS.milestones}.`,
    );
  });

  it('reports duplicate ids in milestones, stakeholders, goals and risks, naming the first holder', () => {
    const plan = aPlan({
      goals: [aGoal(), aGoal({ description: 'Second goal' })],
      risks: [aRisk(), aRisk()],
    });
    plan.stakeholders.push(aStakeholder({ id: 's-legal', name: 'Lee Again' }));
    plan.milestones.push(aMilestone({ id: 'm-kickoff', title: 'Second kickoff', dueDate: '2026-12-20' }));
    const problems = only(checkPlan(plan), 'duplicate_id');
    expect(problems.map((p) => p.path)).toEqual([
      'stakeholders[3].id',
      'milestones[5].id',
      'goals[1].id',
      'risks[1].id',
    ]);
    expect(problems[1]?.message).toBe(
      'Milestone “Second kickoff” has the same id (m-kickoff) as milestone “Onboarding kickoff”; every id must be unique.',
    );
  });

  it('reports a milestone with more dependencies than the limit', () => {
    const others = Array.from({ length: LIMITS.dependsOn + 1 }, (_, i) =>
      aMilestone({ id: `d-${i}`, title: `Step ${i}` }),
    );
    const plan = withMilestones([
      ...others,
      aMilestone({ id: 'close', title: 'Signature', isClose: true, dependsOn: others.map((m) => m.id) }),
    ]);
    expect(checkPlan(plan)).toEqual([
      expect.objectContaining({
        path: `milestones[${others.length}].dependsOn`,
        code: 'too_many',
        message: expect.stringContaining(`limit is ${LIMITS.dependsOn}`),
      }),
    ]);
  });

  it('reports a weight over the maximum weight', () => {
    const plan = aPlan();
    plan.milestones[3] = { ...plan.milestones[3]!, weight: LIMITS.maxWeight + 1 };
    expect(checkPlan(plan)).toEqual([
      expect.objectContaining({ path: 'milestones[3].weight', code: 'invalid_value' }),
    ]);
    plan.milestones[3] = { ...plan.milestones[3], weight: LIMITS.maxWeight };
    expect(checkPlan(plan)).toEqual([]);
  });

  it('requires a name for every stakeholder', () => {
    const plan = aPlan();
    plan.stakeholders[2] = { ...plan.stakeholders[2]!, name: ' ' };
    expect(checkPlan(plan)).toEqual([
      expect.objectContaining({ path: 'stakeholders[2].name', code: 'required' }),
    ]);
  });

  it('reports several different problems at once', () => {
    const plan = aPlan();
    plan.milestones[0] = { ...plan.milestones[0]!, title: '' };
    plan.milestones[1] = {
      ...plan.milestones[1]!,
      buyerOwnerId: 's-seller',
      dependsOn: ['m-discovery', 'm-missing'],
    };
    plan.milestones[2] = {
      ...plan.milestones[2]!,
      status: 'done',
      completedDate: null,
      dependsOn: ['m-signature'],
    };
    plan.milestones[3] = { ...plan.milestones[3]!, dueDate: '2026-11-30' };
    plan.milestones[4] = { ...plan.milestones[4]!, isClose: true, weight: 500 };
    plan.stakeholders.push(aStakeholder({ id: 's-champion', name: 'Copy' }));
    const problems = checkPlan(plan);
    expect(problems.map((p) => `${p.path} ${p.code}`).sort()).toEqual(
      [
        'stakeholders[3].id duplicate_id',
        'milestones[0].title required',
        'milestones[1].buyerOwnerId owner_wrong_side',
        'milestones[1].dependsOn[1] unknown_dependency',
        'milestones[2].completedDate done_without_completed_date',
        'milestones[3].dueDate due_before_dependency',
        'milestones[3].dueDate due_before_dependency',
        'milestones[4].weight invalid_value',
        'milestones[2].dependsOn dependency_cycle',
        'milestones[4].isClose several_close_milestones',
      ].sort(),
    );
    // Milestones without a title are named by their position.
    expect(problems.find((p) => p.code === 'dependency_cycle')?.message).toContain(
      '“Legal sign-off” → “Contract signed” → “Legal sign-off”',
    );
  });

  it('never changes the plan it checks', () => {
    const plan = deepFreeze(
      aPlan({
        milestones: [
          aMilestone({ id: 'a', dependsOn: ['a', 'b'] }),
          aMilestone({ id: 'b', dependsOn: ['a'] }),
        ],
      }),
    );
    expect(() => checkPlan(plan)).not.toThrow();
  });
});

describe('validatePlan', () => {
  it('returns the parsed plan when structure and rules hold', () => {
    const input = aPlan();
    const result = validatePlan(JSON.parse(JSON.stringify(input)));
    expect(result).toEqual({ ok: true, value: input });
  });

  it('maps structure errors to problems with our path format and readable sentences', () => {
    const input = JSON.parse(JSON.stringify(aPlan())) as Record<string, unknown> & {
      milestones: Record<string, unknown>[];
    };
    input.milestones[1]!.dueDate = '2026-02-30';
    input.milestones[2]!.weight = 0;
    input.milestones[3]!.status = 'finished';
    delete input.milestones[4]!.visibility;
    input.milestones[0]!.colour = 'red';
    input.version = 'three';
    const result = validatePlan(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual(
      expect.arrayContaining([
        {
          path: 'milestones[1].dueDate',
          code: 'invalid_value',
          message: 'The due date of milestone “Security review” must be a calendar date written YYYY-MM-DD.',
        },
        {
          path: 'milestones[2].weight',
          code: 'invalid_value',
          message: 'The weight of milestone “Legal sign-off” must be greater than 0.',
        },
        {
          path: 'milestones[3].status',
          code: 'invalid_value',
          message:
            'The status of milestone “Contract signed” must be one of: not_started, in_progress, blocked, done, skipped.',
        },
        {
          path: 'milestones[4].visibility',
          code: 'required',
          message: 'The visibility of milestone “Onboarding kickoff” is missing.',
        },
        {
          path: 'milestones[0].colour',
          code: 'invalid_value',
          message: 'Milestone “Discovery workshop” has a field “colour” that is not allowed here.',
        },
        { path: 'version', code: 'invalid_value', message: 'The version must be a number.' },
      ]),
    );
    expect(result.error).toHaveLength(6);
  });

  it('reports a non-object input as one problem about the input', () => {
    for (const input of [null, 42, 'plan', []]) {
      const result = validatePlan(input);
      expect(result).toEqual({
        ok: false,
        error: [{ path: '', code: 'invalid_value', message: 'The input must be an object.' }],
      });
    }
  });

  it('runs the business rules after the structure check', () => {
    const input = aPlan();
    input.milestones[1] = { ...input.milestones[1]!, dependsOn: ['m-nope'] };
    const result = validatePlan(input);
    expect(result).toEqual({ ok: false, error: [expect.objectContaining({ code: 'unknown_dependency' })] });
  });

  it('does not change invalid input', () => {
    const input = deepFreeze({ ...aPlan(), version: -1, extra: true });
    expect(validatePlan(input).ok).toBe(false);
  });

  it('never throws, whatever JSON it gets', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const result = validatePlan(input);
        return result.ok || (result.error.length > 0 && result.error.every((p) => p.message.length > 0));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws when any part of a valid plan is replaced by arbitrary JSON', () => {
    const base = JSON.parse(JSON.stringify(aPlan())) as unknown;
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]): void => {
      paths.push(path);
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
      else if (value !== null && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    walk(base, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, replacement) => {
        const copy = JSON.parse(JSON.stringify(base)) as Record<string | number, unknown>;
        let parent: Record<string | number, unknown> = copy;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
        const last = path[path.length - 1];
        const input = last === undefined ? replacement : ((parent[last] = replacement), copy);
        const result = validatePlan(input);
        return result.ok || result.error.every((p) => typeof p.path === 'string' && p.message.length > 0);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Dependency loops: properties

/** Every elementary cycle, by brute force, as a string of indices starting at the smallest. */
function bruteForceCycles(adjacency: readonly (readonly number[])[]): Set<string> {
  const found = new Set<string>();
  const n = adjacency.length;
  for (let start = 0; start < n; start++) {
    const visit = (v: number, path: number[]): void => {
      for (const w of new Set(adjacency[v])) {
        if (w === start && path.length > 1) found.add(path.join(','));
        else if (w > start && !path.includes(w)) visit(w, [...path, w]);
      }
    };
    visit(start, [start]);
  }
  return found;
}

const graphArb = fc
  .integer({ min: 1, max: 7 })
  .chain((n) =>
    fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }), { minLength: n, maxLength: n }),
  );

/** A graph with known, node-disjoint cycles planted in it, plus random extra edges. */
const plantedArb = fc
  .integer({ min: 2, max: 12 })
  .chain((n) =>
    fc.record({
      order: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 4 }),
      extra: fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })), {
        maxLength: 2 * n,
      }),
      keep: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    }),
  )
  .map(({ order, cuts, extra, keep }) => {
    const n = order.length;
    const bounds = [0, ...[...cuts].sort((a, b) => a - b), n];
    const planted: number[][] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const segment = order.slice(bounds[k], bounds[k + 1]);
      if (segment.length >= 2 && keep[k % keep.length]) planted.push(segment);
    }
    const adjacency: number[][] = Array.from({ length: n }, () => []);
    for (const cycle of planted) cycle.forEach((v, i) => adjacency[v]!.push(cycle[(i + 1) % cycle.length]!));
    for (const [a, b] of extra) if (a !== b) adjacency[a]!.push(b);
    return { adjacency, planted };
  });

const canonical = (cycle: readonly number[]): string => {
  const start = cycle.indexOf(Math.min(...cycle));
  return [...cycle.slice(start), ...cycle.slice(0, start)].join(',');
};

const toNodes = (adjacency: readonly (readonly number[])[]) =>
  adjacency.map((deps, i) => ({ id: `m${i}`, dependsOn: deps.map((d) => `m${d}`) }));

describe('dependency loops (properties)', () => {
  it('finds exactly the elementary loops of any small graph, each once', () => {
    fc.assert(
      fc.property(graphArb, (adjacency) => {
        const { cycles, truncated } = findDependencyCycles(toNodes(adjacency), 10_000);
        const reported = cycles.map((c) => c.join(','));
        expect(truncated).toBe(false);
        expect(new Set(reported).size).toBe(reported.length);
        expect(new Set(reported)).toEqual(bruteForceCycles(adjacency));
      }),
      { numRuns: 400 },
    );
  });

  it('reports every planted loop of a random plan once, naming its milestones', () => {
    fc.assert(
      fc.property(plantedArb, ({ adjacency, planted }) => {
        const milestones = adjacency.map((deps, i) =>
          aMilestone({
            id: `m${i}`,
            title: `M${i}`,
            dependsOn: [...new Set(deps)].map((d) => `m${d}`),
            isClose: i === 0,
            order: i,
          }),
        );
        const loops = only(checkPlan(withMilestones(milestones)), 'dependency_cycle').filter(
          (p) => p.path !== 'milestones',
        );
        const truncated = only(checkPlan(withMilestones(milestones)), 'dependency_cycle').some(
          (p) => p.path === 'milestones',
        );
        const messages = loops.map((p) => p.message);
        expect(new Set(messages).size).toBe(messages.length);
        if (truncated) return;
        for (const cycle of planted) {
          const c = canonical(cycle).split(',').map(Number);
          const named = [...c, c[0]!].map((i) => `“M${i}”`).join(' → ');
          expect(messages.filter((m) => m.includes(`: ${named} (`))).toHaveLength(1);
        }
        expect(loops.length).toBe(bruteForceCycles(adjacency).size);
      }),
      { numRuns: 300 },
    );
  });
});
