/**
 * fast-check arbitraries for property tests of the domain. Test-only: nothing outside tests imports this
 * file (it is the one non-test file of src/domain allowed to import fast-check).
 *
 * - `validPlanArbitrary` makes plans a rep could save: unique ids, owners that are stakeholders on the right
 *   side, dependencies on earlier milestones only (no cycles, no unknown ids), every dependent due no earlier
 *   than its dependencies, exactly one close milestone, completed dates exactly on done milestones and
 *   never after today.
 * - `anyPlanArbitrary` makes plans that only pass planSchema: cycles, self-dependencies, unknown and
 *   duplicate ids, several or no close milestones, done milestones without a date, extreme dates and weights.
 *   Use it to check that code is total.
 *
 * Both produce `{ plan, today }`, with dates placed around `today`.
 */
import fc from 'fast-check';
import { addDays, daysBetween, MAX_DATE, MIN_DATE, type IsoDate } from './dates.js';
import {
  MILESTONE_STATUSES,
  type ActivityEntry,
  type Milestone,
  type MilestoneStatus,
  type Plan,
  type Stakeholder,
} from './model.js';

export interface PlanCase {
  readonly plan: Plan;
  readonly today: IsoDate;
}

const EPOCH: IsoDate = '1970-01-01';
const dayOf = (date: IsoDate): number => daysBetween(EPOCH, date);
const dateOf = (day: number): IsoDate => addDays(EPOCH, day);

/** A calendar date from `min` to `max` inclusive. */
export function isoDateArbitrary(
  min: IsoDate = '2024-01-01',
  max: IsoDate = '2028-12-31',
): fc.Arbitrary<IsoDate> {
  return fc.integer({ min: dayOf(min), max: dayOf(max) }).map(dateOf);
}

/** An ISO 8601 instant, in UTC or with an offset. */
export function isoDateTimeArbitrary(): fc.Arbitrary<string> {
  return fc
    .record({
      day: fc.integer({ min: dayOf('2024-01-01'), max: dayOf('2028-12-31') }),
      seconds: fc.integer({ min: 0, max: 86_399 }),
      offset: fc.constantFrom('Z', '+02:00', '-05:00', '.123Z'),
    })
    .map(({ day, seconds, offset }) => {
      const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
      const mm = String(Math.floor(seconds / 60) % 60).padStart(2, '0');
      const ss = String(seconds % 60).padStart(2, '0');
      return `${dateOf(day)}T${hh}:${mm}:${ss}${offset}`;
    });
}

const SELLER = 's-seller';
const BUYERS = ['s-buyer-1', 's-buyer-2'] as const;

export const ARBITRARY_STAKEHOLDERS: readonly Stakeholder[] = [
  {
    id: SELLER,
    side: 'seller',
    name: 'Sam Seller',
    email: 'sam@seller.example',
    title: 'Account Executive',
    role: 'other',
    crmContactId: null,
    ownerId: 'owner-1',
  },
  ...BUYERS.map((id, i): Stakeholder => ({
    id,
    side: 'buyer',
    name: `Buyer ${i + 1}`,
    email: null,
    title: 'Buyer',
    role: i === 0 ? 'champion' : 'economic_buyer',
    crmContactId: `contact-${i + 1}`,
    ownerId: null,
  })),
];

const PHASES = [
  'Education and awareness',
  'Validate the solution',
  'Commercial agreement',
  'Onboarding',
] as const;

function basePlan(
  milestones: Milestone[],
  activity: ActivityEntry[],
  stakeholders: readonly Stakeholder[],
): Plan {
  return {
    deal: { crm: 'hubspot', accountId: '1001', dealId: '2001' },
    title: 'Generated plan',
    valueSummary: '',
    goals: [],
    stakeholders: stakeholders.map((s) => ({ ...s })),
    milestones,
    risks: [],
    targetCloseDate: null,
    templateId: null,
    version: 0,
    activity,
  };
}

const activityArbitrary = (): fc.Arbitrary<ActivityEntry[]> =>
  fc.array(
    isoDateTimeArbitrary().map((at): ActivityEntry => ({
      at,
      actor: 'user:1',
      kind: 'milestone_updated',
      text: '',
      milestoneId: null,
    })),
    { maxLength: 4 },
  );

const statusArbitrary: fc.Arbitrary<MilestoneStatus> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<MilestoneStatus>('not_started') },
  { weight: 3, arbitrary: fc.constant<MilestoneStatus>('in_progress') },
  { weight: 1, arbitrary: fc.constant<MilestoneStatus>('blocked') },
  { weight: 3, arbitrary: fc.constant<MilestoneStatus>('done') },
  { weight: 1, arbitrary: fc.constant<MilestoneStatus>('skipped') },
);

const weightArbitrary: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 1, max: 10 }),
  fc.double({ min: 0.25, max: 100, noNaN: true, noDefaultInfinity: true }),
);

/** The random choices behind one valid milestone; `validPlanArbitrary` turns them into a milestone. */
const rawMilestoneArbitrary = fc.record({
  status: statusArbitrary,
  weight: weightArbitrary,
  /** Indices of earlier milestones to depend on (taken modulo the milestone's position). */
  dependsOn: fc.uniqueArray(fc.nat({ max: 50 }), { maxLength: 3 }),
  /** Due date: days from today when there is no dependency, else days after the latest dependency. */
  dueOffset: fc.integer({ min: -45, max: 45 }),
  dependencyGap: fc.integer({ min: 0, max: 20 }),
  /** Baseline: the due date minus this many days (negative when the date was pulled in). */
  moved: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: -10, max: 30 }) },
  ),
  /** Completion: days after the due date (capped at today). */
  completedOffset: fc.integer({ min: -15, max: 20 }),
  owners: fc.constantFrom('seller', 'buyer', 'joint'),
  buyer: fc.constantFrom(...BUYERS),
  phase: fc.constantFrom(...PHASES),
});

export interface ValidPlanOptions {
  readonly minMilestones?: number;
  readonly maxMilestones?: number;
}

/** Plans a rep could save (see the file comment), with `today` somewhere among their dates. */
export function validPlanArbitrary(options: ValidPlanOptions = {}): fc.Arbitrary<PlanCase> {
  const { minMilestones = 0, maxMilestones = 12 } = options;
  return fc
    .record({
      today: isoDateArbitrary('2025-01-01', '2027-12-31'),
      raw: fc.array(rawMilestoneArbitrary, { minLength: minMilestones, maxLength: maxMilestones }),
      closeIndex: fc.nat(),
      activity: activityArbitrary(),
    })
    .map(({ today, raw, closeIndex, activity }): PlanCase => {
      const todayDay = dayOf(today);
      const dues: number[] = [];
      const milestones = raw.map((r, i): Milestone => {
        const dependsOn = i === 0 ? [] : [...new Set(r.dependsOn.map((j) => j % i))].sort((a, b) => a - b);
        const latestDependency = Math.max(-Infinity, ...dependsOn.map((j) => dues[j] ?? -Infinity));
        const due = dependsOn.length === 0 ? todayDay + r.dueOffset : latestDependency + r.dependencyGap;
        dues.push(due);
        const done = r.status === 'done';
        return {
          id: `m-${i}`,
          title: `Milestone ${i}`,
          description: '',
          phase: r.phase,
          sellerOwnerId: r.owners === 'buyer' ? null : SELLER,
          buyerOwnerId: r.owners === 'seller' ? null : r.buyer,
          dueDate: dateOf(due),
          baselineDueDate: dateOf(due - r.moved),
          status: r.status,
          completedDate: done ? dateOf(Math.min(todayDay, due + r.completedOffset)) : null,
          dependsOn: dependsOn.map((j) => `m-${j}`),
          isClose: raw.length > 0 && i === closeIndex % raw.length,
          visibility: 'shared',
          successCriteria: '',
          weight: r.weight,
          order: i,
        };
      });
      return { today, plan: basePlan(milestones, activity, ARBITRARY_STAKEHOLDERS) };
    });
}

const FIRST_DAY = dayOf(MIN_DATE);
const LAST_DAY = dayOf(MAX_DATE);
const ID_POOL = ['a', 'b', 'c', 'd', 'e', 'f', 'ghost'] as const;

/** Any date a plan can hold (MIN_DATE to MAX_DATE), biased towards the dates around today. */
const wideDateArbitrary = (todayDay: number): fc.Arbitrary<IsoDate> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .integer({ min: Math.max(FIRST_DAY, todayDay - 60), max: Math.min(LAST_DAY, todayDay + 60) })
        .map(dateOf),
    },
    { weight: 1, arbitrary: isoDateArbitrary(MIN_DATE, MAX_DATE) },
    { weight: 1, arbitrary: fc.constantFrom(MIN_DATE, MAX_DATE) },
  );

/** Plans that only pass planSchema (see the file comment). */
export function anyPlanArbitrary(options: { readonly maxMilestones?: number } = {}): fc.Arbitrary<PlanCase> {
  const { maxMilestones = 10 } = options;
  return fc
    .oneof(
      { weight: 6, arbitrary: isoDateArbitrary('2025-01-01', '2027-12-31') },
      { weight: 1, arbitrary: isoDateArbitrary(MIN_DATE, MAX_DATE) },
    )
    .chain((today) => {
      const todayDay = dayOf(today);
      const date = wideDateArbitrary(todayDay);
      const milestone: fc.Arbitrary<Milestone> = fc.record({
        id: fc.constantFrom(...ID_POOL.slice(0, 6)),
        title: fc.string({ maxLength: 8 }),
        description: fc.constant(''),
        phase: fc.oneof(fc.constantFrom(...PHASES), fc.string({ maxLength: 5 })),
        sellerOwnerId: fc.option(fc.constantFrom(SELLER, 'nobody'), { nil: null }),
        buyerOwnerId: fc.option(fc.constantFrom(...BUYERS, 'nobody'), { nil: null }),
        dueDate: date,
        baselineDueDate: date,
        status: fc.constantFrom(...MILESTONE_STATUSES),
        completedDate: fc.option(date, { nil: null }),
        dependsOn: fc.array(fc.constantFrom(...ID_POOL), { maxLength: 4 }),
        isClose: fc.boolean(),
        visibility: fc.constantFrom('shared', 'internal'),
        successCriteria: fc.constant(''),
        weight: fc.oneof(
          weightArbitrary,
          fc.constantFrom(Number.MIN_VALUE, 1e-300, Number.MAX_VALUE, 1e308),
          fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
        ),
        order: fc.nat({ max: 5 }),
      });
      return fc.record({
        today: fc.constant(today),
        plan: fc
          .record({
            milestones: fc.array(milestone, { maxLength: maxMilestones }),
            activity: activityArbitrary(),
          })
          .map(({ milestones, activity }) => basePlan(milestones, activity, ARBITRARY_STAKEHOLDERS)),
      });
    });
}
