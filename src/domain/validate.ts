/**
 * The business rules of a plan. `checkPlan` reports every problem at once, each with a path
 * (`milestones[3].title`) and a sentence a sales rep understands; `validatePlan` first checks the structure
 * with planSchema (its problems worded by zod-problems.ts), then the rules.
 */
import { LIMITS, planSchema } from './model.js';
import type { Milestone, Plan, Stakeholder } from './model.js';
import { err, ok, problem } from './result.js';
import type { Problem, Result } from './result.js';
import { capitalize, listNames, quote } from './wording.js';
import { zodErrorToProblems } from './zod-problems.js';

// ---------------------------------------------------------------------------------------------------------
// Names

/** How a message names a milestone: by its title, or by its position when it has none. */
export function milestoneName(m: Pick<Milestone, 'title'>, index: number): string {
  return m.title.trim() === '' ? `milestone ${index + 1} (untitled)` : quote(m.title);
}

function stakeholderName(s: Pick<Stakeholder, 'name'>, index: number): string {
  return s.name.trim() === '' ? `stakeholder ${index + 1} (unnamed)` : quote(s.name);
}

// ---------------------------------------------------------------------------------------------------------
// Dependency cycles

export interface DependencyNode {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/** Beyond this many loops the plan is tangled enough that listing more would not help the rep. */
export const MAX_REPORTED_CYCLES = 25;

/**
 * Every elementary dependency loop (Johnson's algorithm), each once, as node indices starting at the loop's
 * lowest index; an edge i → j means "i depends on j". Self-dependencies and unknown ids are not loops here
 * (checkPlan reports them separately). With duplicate ids the first node with that id is the one depended on.
 * Stops after `maxCycles` loops and says so with `truncated`, because the number of loops can grow
 * exponentially with the plan's size.
 */
export function findDependencyCycles(
  nodes: readonly DependencyNode[],
  maxCycles: number = MAX_REPORTED_CYCLES,
): { cycles: number[][]; truncated: boolean } {
  const n = nodes.length;
  const indexOf = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (!indexOf.has(node.id)) indexOf.set(node.id, i);
  });
  const adjacency: number[][] = nodes.map((node, i) => {
    const targets = new Set<number>();
    for (const dep of node.dependsOn) {
      const j = indexOf.get(dep);
      if (j !== undefined && j !== i) targets.add(j);
    }
    return [...targets];
  });

  const cycles: number[][] = [];
  let truncated = false;
  const blocked: boolean[] = new Array<boolean>(n).fill(false);
  const blockedBy: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const stack: number[] = [];

  const unblock = (u: number): void => {
    blocked[u] = false;
    const waiting = blockedBy[u];
    if (!waiting) return;
    for (const w of [...waiting]) {
      waiting.delete(w);
      if (blocked[w]) unblock(w);
    }
  };

  const circuit = (v: number, start: number): boolean => {
    let found = false;
    stack.push(v);
    blocked[v] = true;
    for (const w of adjacency[v] ?? []) {
      if (truncated) break;
      if (w < start) continue;
      if (w === start) {
        if (cycles.length >= maxCycles) {
          truncated = true;
          break;
        }
        cycles.push([...stack]);
        found = true;
      } else if (!blocked[w] && circuit(w, start)) {
        found = true;
      }
    }
    if (found) unblock(v);
    else for (const w of adjacency[v] ?? []) if (w >= start) blockedBy[w]?.add(v);
    stack.pop();
    return found;
  };

  for (let start = 0; start < n && !truncated; start++) {
    for (let i = start; i < n; i++) {
      blocked[i] = false;
      blockedBy[i]?.clear();
    }
    circuit(start, start);
  }
  return { cycles, truncated };
}

// ---------------------------------------------------------------------------------------------------------
// The rules

type Sink = Problem[];

function checkLength(out: Sink, path: string, value: string, limit: number, what: string): void {
  if (value.length > limit) {
    out.push(problem(path, 'too_long', `${what} is ${value.length} characters long; the limit is ${limit}.`));
  }
}

function checkCount(out: Sink, path: string, count: number, limit: number, what: string): void {
  if (count > limit) {
    out.push(problem(path, 'too_many', `The plan has ${count} ${what}; the limit is ${limit}.`));
  }
}

/** Reports every repeated id, pointing at the later copies and naming the first. */
function checkDuplicateIds<T extends { readonly id: string }>(
  out: Sink,
  list: readonly T[],
  collection: string,
  describe: (item: T, index: number) => string,
): void {
  const first = new Map<string, number>();
  list.forEach((item, i) => {
    checkLength(out, `${collection}[${i}].id`, item.id, LIMITS.id, `The id of ${describe(item, i)}`);
    const seen = first.get(item.id);
    if (seen === undefined) {
      first.set(item.id, i);
      return;
    }
    const original = list[seen];
    out.push(
      problem(
        `${collection}[${i}].id`,
        'duplicate_id',
        `${capitalize(describe(item, i))} has the same id (${item.id}) as ${original ? describe(original, seen) : 'another item'}; every id must be unique.`,
      ),
    );
  });
}

function checkStakeholders(out: Sink, plan: Plan): void {
  checkCount(out, 'stakeholders', plan.stakeholders.length, LIMITS.stakeholders, 'stakeholders');
  checkDuplicateIds(out, plan.stakeholders, 'stakeholders', (s, i) => `stakeholder ${stakeholderName(s, i)}`);
  plan.stakeholders.forEach((s, i) => {
    const at = `stakeholders[${i}]`;
    const who = `stakeholder ${stakeholderName(s, i)}`;
    if (s.name.trim() === '')
      out.push(problem(`${at}.name`, 'required', `Stakeholder ${i + 1} needs a name.`));
    checkLength(out, `${at}.name`, s.name, LIMITS.name, `The name of ${who}`);
    checkLength(out, `${at}.title`, s.title, LIMITS.title, `The job title of ${who}`);
    if (s.email !== null) checkLength(out, `${at}.email`, s.email, LIMITS.email, `The email of ${who}`);
  });
}

function checkGoalsAndRisks(out: Sink, plan: Plan): void {
  checkCount(out, 'goals', plan.goals.length, LIMITS.goals, 'goals');
  checkDuplicateIds(
    out,
    plan.goals,
    'goals',
    (g, i) => `goal ${g.description.trim() ? quote(g.description) : i + 1}`,
  );
  plan.goals.forEach((g, i) => {
    const who = `goal ${i + 1}`;
    checkLength(out, `goals[${i}].description`, g.description, LIMITS.goalText, `The description of ${who}`);
    checkLength(out, `goals[${i}].metric`, g.metric, LIMITS.goalText, `The metric of ${who}`);
    checkLength(out, `goals[${i}].target`, g.target, LIMITS.goalText, `The target of ${who}`);
  });
  checkCount(out, 'risks', plan.risks.length, LIMITS.risks, 'risks');
  checkDuplicateIds(
    out,
    plan.risks,
    'risks',
    (r, i) => `risk ${r.description.trim() ? quote(r.description) : i + 1}`,
  );
  plan.risks.forEach((r, i) => {
    const who = `risk ${i + 1}`;
    checkLength(out, `risks[${i}].description`, r.description, LIMITS.riskText, `The description of ${who}`);
    checkLength(out, `risks[${i}].mitigation`, r.mitigation, LIMITS.riskText, `The mitigation of ${who}`);
  });
}

function checkOwners(out: Sink, plan: Plan, m: Milestone, i: number): void {
  const byId = new Map(plan.stakeholders.map((s) => [s.id, s] as const));
  const name = milestoneName(m, i);
  const sides = [
    { field: 'sellerOwnerId', id: m.sellerOwnerId, side: 'seller' },
    { field: 'buyerOwnerId', id: m.buyerOwnerId, side: 'buyer' },
  ] as const;
  for (const { field, id, side } of sides) {
    if (id === null) continue;
    const owner = byId.get(id);
    const path = `milestones[${i}].${field}`;
    if (!owner) {
      out.push(
        problem(
          path,
          'unknown_owner',
          `The ${side}-side owner of milestone ${name} is not one of the plan's stakeholders.`,
        ),
      );
    } else if (owner.side !== side) {
      out.push(
        problem(
          path,
          'owner_wrong_side',
          `Milestone ${name} has ${quote(owner.name)} as its ${side}-side owner, but ${quote(owner.name)} is on the ${owner.side} side.`,
        ),
      );
    }
  }
  if (m.sellerOwnerId === null && m.buyerOwnerId === null && m.visibility !== 'internal') {
    out.push(
      problem(
        `milestones[${i}]`,
        'no_owner',
        `Milestone ${name} has no owner: give it a seller-side or buyer-side owner (only internal milestones may have none).`,
      ),
    );
  }
}

function checkMilestones(out: Sink, plan: Plan): void {
  const ms = plan.milestones;
  checkCount(out, 'milestones', ms.length, LIMITS.milestones, 'milestones');
  checkDuplicateIds(out, ms, 'milestones', (m, i) => `milestone ${milestoneName(m, i)}`);

  const indexOf = new Map<string, number>();
  ms.forEach((m, i) => {
    if (!indexOf.has(m.id)) indexOf.set(m.id, i);
  });

  ms.forEach((m, i) => {
    const at = `milestones[${i}]`;
    const name = milestoneName(m, i);
    if (m.title.trim() === '')
      out.push(problem(`${at}.title`, 'required', `Milestone ${i + 1} needs a title.`));
    checkLength(out, `${at}.title`, m.title, LIMITS.title, `The title of milestone ${name}`);
    checkLength(
      out,
      `${at}.description`,
      m.description,
      LIMITS.description,
      `The description of milestone ${name}`,
    );
    checkLength(out, `${at}.phase`, m.phase, LIMITS.phase, `The phase of milestone ${name}`);
    checkLength(
      out,
      `${at}.successCriteria`,
      m.successCriteria,
      LIMITS.successCriteria,
      `The success criteria of milestone ${name}`,
    );
    if (m.weight > LIMITS.maxWeight) {
      out.push(
        problem(
          `${at}.weight`,
          'invalid_value',
          `Milestone ${name} has weight ${m.weight}; the most a milestone can weigh is ${LIMITS.maxWeight}.`,
        ),
      );
    }
    checkOwners(out, plan, m, i);

    if (m.status === 'done' && m.completedDate === null) {
      out.push(
        problem(
          `${at}.completedDate`,
          'done_without_completed_date',
          `Milestone ${name} is done but has no completion date.`,
        ),
      );
    }
    if (m.status !== 'done' && m.completedDate !== null) {
      out.push(
        problem(
          `${at}.completedDate`,
          'completed_date_not_done',
          `Milestone ${name} has a completion date (${m.completedDate}) but is not done; only done milestones have one.`,
        ),
      );
    }

    if (m.dependsOn.length > LIMITS.dependsOn) {
      out.push(
        problem(
          `${at}.dependsOn`,
          'too_many',
          `Milestone ${name} depends on ${m.dependsOn.length} milestones; the limit is ${LIMITS.dependsOn}.`,
        ),
      );
    }
    const seenDeps = new Set<string>();
    m.dependsOn.forEach((depId, d) => {
      const path = `${at}.dependsOn[${d}]`;
      if (seenDeps.has(depId)) {
        out.push(problem(path, 'invalid_value', `Milestone ${name} lists the same dependency twice.`));
        return;
      }
      seenDeps.add(depId);
      if (depId === m.id) {
        out.push(
          problem(path, 'self_dependency', `Milestone ${name} depends on itself; remove that dependency.`),
        );
        return;
      }
      const j = indexOf.get(depId);
      const dep = j === undefined ? undefined : ms[j];
      if (j === undefined || !dep) {
        out.push(
          problem(
            path,
            'unknown_dependency',
            `Milestone ${name} depends on a milestone (${depId}) that is not in the plan.`,
          ),
        );
        return;
      }
      if (m.dueDate < dep.dueDate) {
        out.push(
          problem(
            `${at}.dueDate`,
            'due_before_dependency',
            `Milestone ${name} is due ${m.dueDate}, before ${milestoneName(dep, j)} (due ${dep.dueDate}), which it depends on.`,
          ),
        );
      }
    });
  });

  const { cycles, truncated } = findDependencyCycles(ms);
  for (const cycle of cycles) {
    const first = cycle[0] ?? 0;
    const names = [...cycle, first].map((k) => milestoneName(ms[k] ?? { title: '' }, k));
    out.push(
      problem(
        `milestones[${first}].dependsOn`,
        'dependency_cycle',
        `These milestones wait on each other in a loop, so none of them can finish: ${names.join(' → ')} (each depends on the next). Remove one of these dependencies.`,
      ),
    );
  }
  if (truncated) {
    out.push(
      problem(
        'milestones',
        'dependency_cycle',
        `The plan has more than ${MAX_REPORTED_CYCLES} dependency loops; fix the ones listed first.`,
      ),
    );
  }

  if (ms.length > 0) {
    const closes = ms.flatMap((m, i) => (m.isClose ? [i] : []));
    if (closes.length === 0) {
      out.push(
        problem(
          'milestones',
          'no_close_milestone',
          'The plan has no close milestone: mark the milestone where the deal is signed as the close.',
        ),
      );
    } else if (closes.length > 1) {
      const names = closes.map((k) => milestoneName(ms[k] ?? { title: '' }, k));
      out.push(
        problem(
          `milestones[${closes[1] ?? 0}].isClose`,
          'several_close_milestones',
          `Only one milestone can be the close, but ${closes.length} are: ${listNames(names)}.`,
        ),
      );
    }
  }
}

function checkActivity(out: Sink, plan: Plan): void {
  checkCount(out, 'activity', plan.activity.length, LIMITS.activity, 'activity entries');
  plan.activity.forEach((a, i) =>
    checkLength(out, `activity[${i}].text`, a.text, LIMITS.activityText, `Activity entry ${i + 1}`),
  );
}

/** Every business-rule problem of a structurally valid plan, at once. An empty plan (no milestones) is valid. */
export function checkPlan(plan: Plan): Problem[] {
  const out: Problem[] = [];
  checkLength(out, 'title', plan.title, LIMITS.title, 'The plan title');
  checkLength(out, 'valueSummary', plan.valueSummary, LIMITS.valueSummary, 'The value summary');
  checkStakeholders(out, plan);
  checkMilestones(out, plan);
  checkGoalsAndRisks(out, plan);
  checkActivity(out, plan);
  return out;
}

/** Structure first (planSchema), then every business rule. The input is never changed. */
export function validatePlan(input: unknown): Result<Plan, Problem[]> {
  const parsed = planSchema.safeParse(input);
  if (!parsed.success) return err(zodErrorToProblems(parsed.error, input));
  const problems = checkPlan(parsed.data);
  return problems.length > 0 ? err(problems) : ok(parsed.data);
}
