/**
 * The projection: what a plan says about its deal, as the values of the `map_*` deal properties that sales
 * leaders report and forecast on. docs/forecast.md explains every field, threshold and the formula.
 *
 * `project` is pure and total: for any plan that passes planSchema — even one validation would refuse, with
 * dependency cycles, unknown dependency ids, duplicate ids or several close milestones — it returns a
 * projection and never throws. Only an invalid `today` (a bug in the caller) throws, and so does a `today`
 * outside MIN_DATE..MAX_DATE (dates.ts), the dates a plan can hold.
 */
import { z } from 'zod';
import { addDays, DATE_RANGE_TEXT, daysBetween, isIsoDate, MAX_DATE, type IsoDate } from './dates.js';
import {
  isoDateSchema,
  isoDateTimeSchema,
  isOpen,
  ownerSideSchema,
  type ActivityEntry,
  type Milestone,
  type OwnerSide,
  type Plan,
} from './model.js';

export const HEALTHS = ['not_started', 'on_track', 'at_risk', 'off_track', 'complete'] as const;
export const healthSchema = z.enum(HEALTHS);
export type Health = z.infer<typeof healthSchema>;

/** The health thresholds, in calendar days. */
export const HEALTH_THRESHOLDS = {
  /** An open milestone at least this many days overdue makes the plan off track (1 day up to this: at risk). */
  offTrackOverdueDays: 7,
  /** A slip of at least this many days makes the plan off track (1 day up to this: at risk). */
  offTrackSlipDays: 14,
} as const;

const count = z.number().int().nonnegative();

/** The plan's forecast fields, one per `map_*` deal property (see MAP_DEAL_PROPERTIES). */
export const projectionSchema = z.strictObject({
  /** % of the weight of non-skipped milestones that is done, rounded to an integer. */
  progress: z.number().int().min(0).max(100),
  health: healthSchema,
  /** The current phase, in the buyer's language. */
  phase: z.string().nullable(),
  /** Title of the next open milestone whose dependencies are done or skipped, earliest due first. */
  nextStep: z.string().nullable(),
  nextStepDue: isoDateSchema.nullable(),
  nextStepOwnerSide: ownerSideSchema.nullable(),
  overdueCount: count,
  buyerOverdueCount: count,
  slipDays: count,
  projectedCloseDate: isoDateSchema.nullable(),
  closeProbability: z.number().int().min(0).max(100),
  milestonesTotal: count,
  milestonesDone: count,
  /** The `at` of the newest activity entry. */
  updatedAt: isoDateTimeSchema.nullable(),
});
export type Projection = z.infer<typeof projectionSchema>;
export type ProjectionField = keyof Projection;

/** Every projection field, in the order of the deal-property contract. */
export const PROJECTION_FIELDS: readonly ProjectionField[] = projectionSchema.keyof().options;

/**
 * The HubSpot deal property (group `mutual_action_plan`) each field is written to. Formatting a value as
 * the string HubSpot stores is the adapter's job, not the domain's.
 */
export const MAP_DEAL_PROPERTIES = {
  progress: 'map_progress',
  health: 'map_health',
  phase: 'map_phase',
  nextStep: 'map_next_step',
  nextStepDue: 'map_next_step_due',
  nextStepOwnerSide: 'map_next_step_owner_side',
  overdueCount: 'map_overdue_count',
  buyerOverdueCount: 'map_buyer_overdue_count',
  slipDays: 'map_slip_days',
  projectedCloseDate: 'map_projected_close_date',
  closeProbability: 'map_close_probability',
  milestonesTotal: 'map_milestones_total',
  milestonesDone: 'map_milestones_done',
  updatedAt: 'map_updated_at',
} as const satisfies Record<ProjectionField, `map_${string}`>;

/** The fields of `next` whose value differs from `previous` (all of them when there is no previous one). */
export function changedFields(previous: Projection | null, next: Projection): Partial<Projection> {
  const changed: Partial<Projection> = {};
  for (const field of PROJECTION_FIELDS) {
    if (previous === null || previous[field] !== next[field]) copyField(changed, next, field);
  }
  return changed;
}

function copyField<K extends ProjectionField>(
  target: Partial<Projection>,
  source: Projection,
  field: K,
): void {
  target[field] = source[field];
}

/** The constants of the close-probability formula (docs/forecast.md). */
export const CLOSE_PROBABILITY = {
  /** Points a plan with nothing done starts from. */
  base: 10,
  /** Points for the whole weight done (scaled by the fraction done). */
  progressPoints: 85,
  perOverdueMilestone: 5,
  maxOverduePenalty: 25,
  perBlockedMilestone: 5,
  maxBlockedPenalty: 15,
  /** One point per day of slip, up to this many. */
  maxSlipPenalty: 25,
  min: 1,
  max: 99,
} as const;

export interface CloseProbabilityInputs {
  /** Weight done ÷ weight of non-skipped milestones, 0..1, unrounded. */
  readonly doneFraction: number;
  readonly overdueCount: number;
  readonly blockedCount: number;
  readonly slipDays: number;
}

/**
 * P = clamp(round(10 + 85·f − min(25, 5·O) − min(15, 5·B) − min(25, S)), 1, 99): non-decreasing in the
 * fraction done, non-increasing in overdue milestones, blocked milestones and slip days.
 */
export function closeProbability(inputs: CloseProbabilityInputs): number {
  const c = CLOSE_PROBABILITY;
  const raw =
    c.base +
    c.progressPoints * inputs.doneFraction -
    Math.min(c.maxOverduePenalty, c.perOverdueMilestone * inputs.overdueCount) -
    Math.min(c.maxBlockedPenalty, c.perBlockedMilestone * inputs.blockedCount) -
    Math.min(c.maxSlipPenalty, inputs.slipDays);
  return Math.min(c.max, Math.max(c.min, Math.round(raw)));
}

// Dates are handled as epoch days (integers) inside the projection. A projected finish is capped at
// MAX_DATE, the last date a plan can hold: dependency gaps add up along a chain, and a pathological plan
// could otherwise push a date past it.
const EPOCH: IsoDate = '1970-01-01';
const LAST_DAY = daysBetween(EPOCH, MAX_DATE);
const toDay = (date: IsoDate): number => daysBetween(EPOCH, date);
const fromDay = (day: number): IsoDate => addDays(EPOCH, Math.min(day, LAST_DAY));

/** One milestone while projecting. */
interface Node {
  readonly m: Milestone;
  /** Position in plan.milestones: the last tie-break, for plans with duplicate ids. */
  readonly pos: number;
  readonly due: number;
  /** Dependencies that resolve to a milestone of the plan (unknown ids are left out). */
  readonly deps: Node[];
  /** Every id in dependsOn resolves to a milestone that is done or skipped. */
  depsSatisfied: boolean;
  /** Tarjan bookkeeping: dependencies in the same strongly connected component form a cycle. */
  index: number;
  low: number;
  onStack: boolean;
  component: number;
  /** Projected finish as an epoch day; null for skipped milestones. */
  finish: number | null;
}

/** Earliest due date first, then order, then id (code-unit order, the same on every machine). */
function byDueThenOrder(a: Node, b: Node): number {
  return a.due - b.due || byOrder(a, b);
}

function byOrder(a: Node, b: Node): number {
  return a.m.order - b.m.order || compareStrings(a.m.id, b.m.id) || a.pos - b.pos;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The smallest node by `compare`, or null. Never sorts the plan's own arrays. */
function minBy(nodes: Iterable<Node>, compare: (a: Node, b: Node) => number): Node | null {
  let best: Node | null = null;
  for (const n of nodes) if (best === null || compare(n, best) < 0) best = n;
  return best;
}

/**
 * Strongly connected components of the dependency graph (Tarjan, iterative so that a long chain cannot
 * overflow the stack), emitted dependencies first: every component comes after all the components it
 * depends on. The graph ignores statuses, so which dependencies a cycle cancels never depends on progress.
 */
function components(nodes: readonly Node[]): Node[][] {
  const result: Node[][] = [];
  const stack: Node[] = [];
  let counter = 0;
  for (const root of nodes) {
    if (root.index >= 0) continue;
    const frames: { node: Node; next: number }[] = [];
    const enter = (n: Node): void => {
      n.index = n.low = counter++;
      n.onStack = true;
      stack.push(n);
      frames.push({ node: n, next: 0 });
    };
    enter(root);
    for (let frame = frames.at(-1); frame !== undefined; frame = frames.at(-1)) {
      const v = frame.node;
      const w = v.deps[frame.next];
      if (w !== undefined) {
        frame.next += 1;
        if (w.index < 0) enter(w);
        else if (w.onStack) v.low = Math.min(v.low, w.index);
        continue;
      }
      frames.pop();
      const parent = frames.at(-1);
      if (parent !== undefined) parent.node.low = Math.min(parent.node.low, v.low);
      if (v.low === v.index) {
        const component: Node[] = [];
        for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
          n.onStack = false;
          n.component = result.length;
          component.push(n);
          if (n === v) break;
        }
        result.push(component);
      }
    }
  }
  return result;
}

/**
 * Projected finish: done → its completed date (its due date, or today if earlier, when a done milestone
 * has none); open → its due date, or today when that has passed, and no earlier than each dependency's
 * projected finish plus the calendar days the plan put between their due dates. Skipped dependencies and
 * dependencies inside the same cycle do not push.
 */
function projectFinishes(nodes: readonly Node[], today: number): void {
  for (const component of components(nodes)) {
    for (const node of component) {
      const { m } = node;
      if (m.status === 'skipped') {
        node.finish = null;
      } else if (m.status === 'done') {
        node.finish = m.completedDate === null ? Math.min(node.due, today) : toDay(m.completedDate);
      } else {
        let finish = Math.max(node.due, today);
        for (const d of node.deps) {
          if (d.component === node.component || d.finish === null) continue;
          finish = Math.max(finish, d.finish + Math.max(0, node.due - d.due));
        }
        node.finish = Math.min(finish, LAST_DAY);
      }
    }
  }
}

function ownerSide(m: Milestone): OwnerSide {
  if (m.buyerOwnerId !== null) return m.sellerOwnerId !== null ? 'joint' : 'buyer';
  return 'seller';
}

/** The newest entry by its instant (the later one in the log on a tie); null for an empty log. */
function newestActivity(activity: readonly ActivityEntry[]): ActivityEntry | null {
  let best: ActivityEntry | null = null;
  let bestMs = -Infinity;
  for (const entry of activity) {
    const parsed = Date.parse(entry.at);
    const ms = Number.isNaN(parsed) ? -Infinity : parsed;
    if (best === null || ms >= bestMs) {
      best = entry;
      bestMs = ms;
    }
  }
  return best;
}

/** Weight done and weight of non-skipped milestones (both 0 when there is none). */
function doneWeights(counted: readonly Node[]): { done: number; total: number } {
  const sum = (scale: number): { done: number; total: number } => {
    let done = 0;
    let total = 0;
    for (const { m } of counted) {
      total += m.weight / scale;
      if (m.status === 'done') done += m.weight / scale;
    }
    return { done, total };
  };
  let { done, total } = sum(1);
  // Only weights near Number.MAX_VALUE can overflow the sum; scaling always would cost exact results.
  if (!Number.isFinite(total)) ({ done, total } = sum(Math.max(...counted.map((n) => n.m.weight))));
  return { done, total };
}

/**
 * round(100 × weight done ÷ weight counted), as docs/forecast.md writes it: multiplied before dividing, so that
 * whole weights give the exact half (23 of 40 is 57.5, which rounds to 58; 100 × 0.575 would give 57.49…).
 */
function progressOf({ done, total }: { done: number; total: number }): number {
  if (total <= 0) return 0;
  const scaled = 100 * done;
  return Math.round(Number.isFinite(scaled) ? scaled / total : 100 * (done / total));
}

function healthOf(facts: {
  counted: readonly Node[];
  open: readonly Node[];
  maxDaysOverdue: number;
  blocked: number;
  slipDays: number;
}): Health {
  const { counted, open, maxDaysOverdue, blocked, slipDays } = facts;
  if (counted.length > 0 && open.length === 0) return 'complete';
  if (
    maxDaysOverdue >= HEALTH_THRESHOLDS.offTrackOverdueDays ||
    slipDays >= HEALTH_THRESHOLDS.offTrackSlipDays
  ) {
    return 'off_track';
  }
  if (maxDaysOverdue >= 1 || blocked > 0 || slipDays >= 1) return 'at_risk';
  // Nothing is overdue or blocked here; not started means nothing in progress or done either.
  return counted.every((n) => n.m.status === 'not_started') ? 'not_started' : 'on_track';
}

/** The plan's forecast fields as of `today` (YYYY-MM-DD, the caller's calendar day). */
export function project(plan: Plan, today: IsoDate): Projection {
  if (!isIsoDate(today))
    throw new RangeError(
      `Today must be a calendar date written YYYY-MM-DD, ${DATE_RANGE_TEXT}; ${today} is not.`,
    );
  const todayDay = toDay(today);

  const byId = new Map<string, Node>();
  const nodes: Node[] = plan.milestones.map((m, pos) => {
    const node: Node = {
      m,
      pos,
      due: toDay(m.dueDate),
      deps: [],
      depsSatisfied: true,
      index: -1,
      low: -1,
      onStack: false,
      component: -1,
      finish: null,
    };
    // With duplicate ids (which validation refuses), a dependency means the first milestone with that id.
    if (!byId.has(m.id)) byId.set(m.id, node);
    return node;
  });
  for (const node of nodes) {
    for (const id of node.m.dependsOn) {
      const d = byId.get(id);
      if (d === undefined) node.depsSatisfied = false;
      else {
        node.deps.push(d);
        if (isOpen(d.m)) node.depsSatisfied = false;
      }
    }
  }
  projectFinishes(nodes, todayDay);

  const counted = nodes.filter((n) => n.m.status !== 'skipped');
  const open = counted.filter((n) => isOpen(n.m));
  const done = counted.filter((n) => n.m.status === 'done');
  const overdue = open.filter((n) => n.due < todayDay);
  const maxDaysOverdue = Math.max(0, ...overdue.map((n) => todayDay - n.due));
  const blocked = open.filter((n) => n.m.status === 'blocked').length;

  const close = minBy(
    counted.filter((n) => n.m.isClose),
    byOrder,
  );
  const closeFinish = close?.finish ?? null;
  const slipDays =
    close === null || closeFinish === null ? 0 : Math.max(0, closeFinish - toDay(close.m.baselineDueDate));

  const weights = doneWeights(counted);
  const fraction = weights.total > 0 ? weights.done / weights.total : 0;
  const health = healthOf({ counted, open, maxDaysOverdue, blocked, slipDays });

  const next = minBy(
    open.filter((n) => n.depsSatisfied),
    byDueThenOrder,
  );
  let phase: string | null = null;
  if (next !== null) phase = next.m.phase;
  else if (open.length > 0) phase = minBy(open, byDueThenOrder)?.m.phase ?? null;
  else if (done.length > 0) {
    // Latest completion first; on a tie, the one later in the plan.
    phase = minBy(done, (a, b) => (b.finish ?? 0) - (a.finish ?? 0) || byOrder(b, a))?.m.phase ?? null;
  }

  return {
    progress: progressOf(weights),
    health,
    phase,
    nextStep: next?.m.title ?? null,
    nextStepDue: next?.m.dueDate ?? null,
    nextStepOwnerSide: next === null ? null : ownerSide(next.m),
    overdueCount: overdue.length,
    buyerOverdueCount: overdue.filter((n) => n.m.buyerOwnerId !== null).length,
    slipDays,
    projectedCloseDate: closeFinish === null ? null : fromDay(closeFinish),
    closeProbability: closeProbability({
      doneFraction: fraction,
      overdueCount: overdue.length,
      blockedCount: blocked,
      slipDays,
    }),
    milestonesTotal: counted.length,
    milestonesDone: done.length,
    updatedAt: newestActivity(plan.activity)?.at ?? null,
  };
}
