import { addDays } from './dates.js';
import type { ActivityEntry, Milestone, Plan } from './model.js';
import {
  changedFields,
  closeProbability,
  HEALTH_THRESHOLDS,
  MAP_DEAL_PROPERTIES,
  project,
  PROJECTION_FIELDS,
  projectionSchema,
  type Projection,
} from './project.js';

/** A Monday. */
const TODAY = '2026-11-16';
const daysFromToday = (n: number): string => addDays(TODAY, n);

/** A milestone due in two weeks, owned by the seller; a done one completes on its due date unless told. */
function ms(id: string, overrides: Partial<Milestone> = {}): Milestone {
  const dueDate = overrides.dueDate ?? daysFromToday(14);
  const status = overrides.status ?? 'not_started';
  return {
    id,
    title: `Title ${id}`,
    description: '',
    phase: `Phase ${id}`,
    sellerOwnerId: 's-seller',
    buyerOwnerId: null,
    dueDate,
    baselineDueDate: dueDate,
    status,
    completedDate: status === 'done' ? dueDate : null,
    dependsOn: [],
    isClose: false,
    visibility: 'shared',
    successCriteria: '',
    weight: 1,
    order: 0,
    ...overrides,
  };
}

function planOf(milestones: Milestone[], activity: ActivityEntry[] = []): Plan {
  return {
    deal: { crm: 'hubspot', accountId: '1001', dealId: '2001' },
    title: 'Plan',
    valueSummary: '',
    goals: [],
    stakeholders: [],
    milestones,
    risks: [],
    targetCloseDate: null,
    templateId: null,
    version: 0,
    activity,
  };
}

const at = (instant: string): ActivityEntry => ({
  at: instant,
  actor: 'user:1',
  kind: 'milestone_updated',
  text: '',
  milestoneId: null,
});

const projectToday = (milestones: Milestone[]): Projection => project(planOf(milestones), TODAY);

describe('project: empty and trivial plans', () => {
  it('projects an empty plan as not started, with nothing to do and the base probability', () => {
    expect(projectToday([])).toEqual({
      progress: 0,
      health: 'not_started',
      phase: null,
      nextStep: null,
      nextStepDue: null,
      nextStepOwnerSide: null,
      overdueCount: 0,
      buyerOverdueCount: 0,
      slipDays: 0,
      projectedCloseDate: null,
      closeProbability: 10,
      milestonesTotal: 0,
      milestonesDone: 0,
      updatedAt: null,
    });
  });

  it('returns a value that passes projectionSchema', () => {
    const p = projectToday([ms('a', { status: 'done' }), ms('b', { isClose: true, dependsOn: ['a'] })]);
    expect(projectionSchema.safeParse(p).success).toBe(true);
  });

  it('refuses a today that is not a calendar date, as a bug of the caller', () => {
    expect(() => project(planOf([]), '2026-02-30')).toThrow(RangeError);
    expect(() => project(planOf([]), 'today')).toThrow(RangeError);
  });
});

describe('project: progress and counts', () => {
  it('weighs progress by milestone weight', () => {
    const p = projectToday([ms('a', { status: 'done', weight: 3 }), ms('b', { weight: 1 })]);
    expect(p.progress).toBe(75);
    expect(p.milestonesTotal).toBe(2);
    expect(p.milestonesDone).toBe(1);
  });

  it('rounds progress to the nearest whole percent', () => {
    // 1 of 3 equal weights is 33.3…%, 2 of 3 is 66.6…%.
    expect(projectToday([ms('a', { status: 'done' }), ms('b'), ms('c')]).progress).toBe(33);
    expect(projectToday([ms('a', { status: 'done' }), ms('b', { status: 'done' }), ms('c')]).progress).toBe(
      67,
    );
  });

  it('excludes skipped milestones from progress, totals and overdue counts', () => {
    const p = projectToday([
      ms('a', { status: 'done' }),
      ms('b', { status: 'skipped', weight: 10, dueDate: daysFromToday(-30) }),
      ms('c'),
    ]);
    expect(p.progress).toBe(50);
    expect(p.milestonesTotal).toBe(2);
    expect(p.milestonesDone).toBe(1);
    expect(p.overdueCount).toBe(0);
    expect(p.health).toBe('on_track');
  });

  it('projects a plan whose milestones are all skipped as not started with 0 % progress', () => {
    const p = projectToday([ms('a', { status: 'skipped' }), ms('b', { status: 'skipped', isClose: true })]);
    expect(p).toMatchObject({
      progress: 0,
      health: 'not_started',
      milestonesTotal: 0,
      phase: null,
      projectedCloseDate: null,
    });
  });

  it('counts open milestones due before today as overdue, and those with a buyer owner separately', () => {
    const p = projectToday([
      ms('seller-late', { dueDate: daysFromToday(-2) }),
      ms('buyer-late', { dueDate: daysFromToday(-3), buyerOwnerId: 's-buyer', status: 'blocked' }),
      ms('joint-late', { dueDate: daysFromToday(-1), buyerOwnerId: 's-buyer', status: 'in_progress' }),
      ms('due-today', { dueDate: TODAY, buyerOwnerId: 's-buyer' }),
      ms('done-late', { dueDate: daysFromToday(-5), status: 'done', completedDate: daysFromToday(-1) }),
    ]);
    expect(p.overdueCount).toBe(3);
    expect(p.buyerOverdueCount).toBe(2);
  });
});

describe('project: projected finish and the close date', () => {
  it('projects an open close milestone due later on its due date, with no slip', () => {
    const p = projectToday([ms('close', { isClose: true, dueDate: daysFromToday(10) })]);
    expect(p.projectedCloseDate).toBe(daysFromToday(10));
    expect(p.slipDays).toBe(0);
  });

  it('projects an open milestone past its due date to finish today', () => {
    const p = projectToday([ms('close', { isClose: true, dueDate: daysFromToday(-3) })]);
    expect(p.projectedCloseDate).toBe(TODAY);
    expect(p.slipDays).toBe(3);
  });

  it('pushes the projected close by the gap the plan gave after an overdue dependency', () => {
    // legal was due 10 days before the close; it is 4 days late, so it finishes today and the close 10 days later.
    const p = projectToday([
      ms('legal', { dueDate: daysFromToday(-4) }),
      ms('close', { isClose: true, dueDate: daysFromToday(6), dependsOn: ['legal'] }),
    ]);
    expect(p.projectedCloseDate).toBe(daysFromToday(10));
    expect(p.slipDays).toBe(4);
    expect(p.health).toBe('at_risk');
  });

  it('pushes the projected close through a chain of dependencies', () => {
    const p = projectToday([
      ms('a', { dueDate: daysFromToday(-8) }),
      ms('b', { dueDate: daysFromToday(-2), dependsOn: ['a'] }),
      ms('close', { isClose: true, dueDate: daysFromToday(5), dependsOn: ['b'] }),
    ]);
    // a → today; b → today + 6; close → today + 6 + 7.
    expect(p.projectedCloseDate).toBe(daysFromToday(13));
    expect(p.slipDays).toBe(8);
  });

  it('takes the dependency that pushes most', () => {
    const p = projectToday([
      ms('a', { dueDate: daysFromToday(-1) }),
      ms('b', { dueDate: daysFromToday(-9) }),
      ms('close', { isClose: true, dueDate: daysFromToday(1), dependsOn: ['a', 'b'] }),
    ]);
    // a: today + 2; b: today + 10.
    expect(p.projectedCloseDate).toBe(daysFromToday(10));
  });

  it('pushes the projected close when a done dependency was completed late', () => {
    const p = projectToday([
      ms('security', { status: 'done', dueDate: daysFromToday(-10), completedDate: daysFromToday(-5) }),
      ms('close', { isClose: true, dueDate: daysFromToday(2), dependsOn: ['security'] }),
    ]);
    // completed 5 days late, and the plan gave 12 days after it: −5 + 12 = today + 7.
    expect(p.projectedCloseDate).toBe(daysFromToday(7));
    expect(p.slipDays).toBe(5);
  });

  it('does not pull the projected close earlier when a dependency finished early', () => {
    const p = projectToday([
      ms('security', { status: 'done', dueDate: daysFromToday(-2), completedDate: daysFromToday(-9) }),
      ms('close', { isClose: true, dueDate: daysFromToday(5), dependsOn: ['security'] }),
    ]);
    expect(p.projectedCloseDate).toBe(daysFromToday(5));
  });

  it('adds no gap when the plan puts a dependency due after the milestone that waits on it', () => {
    const p = projectToday([
      ms('late-dep', { dueDate: daysFromToday(9) }),
      ms('close', { isClose: true, dueDate: daysFromToday(5), dependsOn: ['late-dep'] }),
    ]);
    expect(p.projectedCloseDate).toBe(daysFromToday(9));
    expect(p.slipDays).toBe(4);
  });

  it('lets a skipped dependency push nothing', () => {
    const p = projectToday([
      ms('pilot', { status: 'skipped', dueDate: daysFromToday(-20) }),
      ms('close', { isClose: true, dueDate: daysFromToday(5), dependsOn: ['pilot'] }),
    ]);
    expect(p.projectedCloseDate).toBe(daysFromToday(5));
  });

  it('measures slip from the baseline, so a close date moved later counts as slip', () => {
    const p = projectToday([
      ms('close', { isClose: true, dueDate: daysFromToday(20), baselineDueDate: daysFromToday(10) }),
    ]);
    expect(p.slipDays).toBe(10);
  });

  it('reports no slip when the close date was pulled in before its baseline', () => {
    const p = projectToday([
      ms('close', { isClose: true, dueDate: daysFromToday(5), baselineDueDate: daysFromToday(9) }),
    ]);
    expect(p.slipDays).toBe(0);
  });

  it('projects a done close milestone on its completion date and keeps its slip', () => {
    const p = projectToday([
      ms('close', {
        isClose: true,
        status: 'done',
        dueDate: daysFromToday(-10),
        completedDate: daysFromToday(-6),
      }),
    ]);
    expect(p.projectedCloseDate).toBe(daysFromToday(-6));
    expect(p.slipDays).toBe(4);
  });

  it('has no projected close date and no slip without a close milestone', () => {
    const p = projectToday([ms('a', { dueDate: daysFromToday(-30) })]);
    expect(p.projectedCloseDate).toBeNull();
    expect(p.slipDays).toBe(0);
  });

  it('has no projected close date and no slip when the close milestone is skipped', () => {
    const p = projectToday([
      ms('close', { isClose: true, status: 'skipped', dueDate: daysFromToday(-30) }),
      ms('a'),
    ]);
    expect(p.projectedCloseDate).toBeNull();
    expect(p.slipDays).toBe(0);
  });

  it('caps a projected close that dependency gaps would push past 2100-12-31, the last date a plan can hold', () => {
    // Alternating far-apart due dates add a 120-year gap at every second step of the chain.
    const chain = Array.from({ length: 6 }, (_, i) =>
      ms(`m${i}`, {
        dueDate: i % 2 === 0 ? '1975-01-01' : '2095-01-01',
        dependsOn: i === 0 ? [] : [`m${i - 1}`],
        isClose: i === 5,
      }),
    );
    const p = project(planOf(chain), '1974-06-01');
    expect(p.projectedCloseDate).toBe('2100-12-31');
    expect(projectionSchema.safeParse(p).success).toBe(true);
  });
});

describe('project: health thresholds', () => {
  const overdueBy = (days: number): Milestone[] => [
    ms('late', { dueDate: daysFromToday(-days), status: 'in_progress' }),
    ms('close', { isClose: true, dueDate: daysFromToday(30) }),
  ];
  const slippedBy = (days: number): Milestone[] => [
    ms('a', { status: 'in_progress' }),
    ms('close', { isClose: true, dueDate: daysFromToday(20 + days), baselineDueDate: daysFromToday(20) }),
  ];

  it('is on track when work has started and nothing is late, blocked or slipping', () => {
    expect(projectToday(overdueBy(0)).health).toBe('on_track');
    expect(projectToday(slippedBy(0)).health).toBe('on_track');
  });

  it('is at risk with a milestone 1 day overdue', () => {
    expect(projectToday(overdueBy(1)).health).toBe('at_risk');
  });

  it('is at risk with a milestone 6 days overdue and off track at 7', () => {
    expect(HEALTH_THRESHOLDS.offTrackOverdueDays).toBe(7);
    expect(projectToday(overdueBy(6)).health).toBe('at_risk');
    expect(projectToday(overdueBy(7)).health).toBe('off_track');
  });

  it('is at risk with 1 day of slip', () => {
    expect(projectToday(slippedBy(1)).health).toBe('at_risk');
  });

  it('is at risk with 13 days of slip and off track at 14', () => {
    expect(HEALTH_THRESHOLDS.offTrackSlipDays).toBe(14);
    const at13 = projectToday(slippedBy(13));
    const at14 = projectToday(slippedBy(14));
    expect([at13.slipDays, at13.health]).toEqual([13, 'at_risk']);
    expect([at14.slipDays, at14.health]).toEqual([14, 'off_track']);
  });

  it('is at risk when a milestone is blocked, even with nothing late', () => {
    const p = projectToday([
      ms('a', { status: 'blocked' }),
      ms('close', { isClose: true, dueDate: daysFromToday(30) }),
    ]);
    expect(p.health).toBe('at_risk');
  });

  it('ignores how late a done milestone was for health', () => {
    const p = projectToday([
      ms('a', { status: 'done', dueDate: daysFromToday(-30), completedDate: daysFromToday(-1) }),
      ms('b', { dueDate: daysFromToday(3) }),
    ]);
    expect(p.health).toBe('on_track');
  });

  it('is not started when nothing is started, done, blocked or overdue', () => {
    expect(projectToday([ms('a'), ms('close', { isClose: true, dueDate: daysFromToday(20) })]).health).toBe(
      'not_started',
    );
  });

  it('is at risk, not "not started", when an untouched milestone is overdue', () => {
    expect(projectToday([ms('a', { dueDate: daysFromToday(-2) })]).health).toBe('at_risk');
  });

  it('is complete when every non-skipped milestone is done, even after slipping', () => {
    const p = projectToday([
      ms('a', { status: 'done' }),
      ms('b', { status: 'skipped' }),
      ms('close', {
        isClose: true,
        status: 'done',
        dueDate: daysFromToday(-1),
        baselineDueDate: daysFromToday(-30),
      }),
    ]);
    expect(p.health).toBe('complete');
    expect(p.slipDays).toBe(29);
  });
});

describe('project: next step', () => {
  it('picks the open milestone with the earliest due date among those whose dependencies are done or skipped', () => {
    const p = projectToday([
      ms('done', { status: 'done', dueDate: daysFromToday(-10) }),
      ms('skipped', { status: 'skipped' }),
      ms('waiting', { dueDate: daysFromToday(1), dependsOn: ['later'] }),
      ms('ready', { dueDate: daysFromToday(4), dependsOn: ['done', 'skipped'] }),
      ms('later', { dueDate: daysFromToday(3) }),
    ]);
    expect(p.nextStep).toBe('Title later');
    expect(p.nextStepDue).toBe(daysFromToday(3));
  });

  it('may pick an overdue or blocked milestone', () => {
    const p = projectToday([ms('a', { dueDate: daysFromToday(-3), status: 'blocked' }), ms('b')]);
    expect(p.nextStep).toBe('Title a');
    expect(p.nextStepDue).toBe(daysFromToday(-3));
  });

  it('breaks due-date ties by order, then by id', () => {
    const due = daysFromToday(2);
    expect(
      projectToday([ms('x', { dueDate: due, order: 2 }), ms('y', { dueDate: due, order: 1 })]).nextStep,
    ).toBe('Title y');
    expect(
      projectToday([ms('y', { dueDate: due, order: 1 }), ms('x', { dueDate: due, order: 1 })]).nextStep,
    ).toBe('Title x');
  });

  it('treats an unknown dependency as not done', () => {
    const p = projectToday([
      ms('a', { dueDate: daysFromToday(1), dependsOn: ['ghost'] }),
      ms('b', { dueDate: daysFromToday(5) }),
    ]);
    expect(p.nextStep).toBe('Title b');
  });

  it('says who owns the next step: joint, buyer or seller', () => {
    const side = (m: Partial<Milestone>): Projection['nextStepOwnerSide'] =>
      projectToday([ms('a', m)]).nextStepOwnerSide;
    expect(side({ sellerOwnerId: 's-seller', buyerOwnerId: 's-buyer' })).toBe('joint');
    expect(side({ sellerOwnerId: null, buyerOwnerId: 's-buyer' })).toBe('buyer');
    expect(side({ sellerOwnerId: 's-seller', buyerOwnerId: null })).toBe('seller');
    expect(side({ sellerOwnerId: null, buyerOwnerId: null, visibility: 'internal' })).toBe('seller');
  });

  it('has no next step when every open milestone waits on another', () => {
    const p = projectToday([
      ms('a', { dependsOn: ['b'], dueDate: daysFromToday(3), phase: 'Later phase' }),
      ms('b', { dependsOn: ['a'], dueDate: daysFromToday(1), phase: 'Earlier phase' }),
    ]);
    expect([p.nextStep, p.nextStepDue, p.nextStepOwnerSide]).toEqual([null, null, null]);
  });
});

describe('project: phase', () => {
  it("is the next step's phase", () => {
    const p = projectToday([
      ms('a', { dueDate: daysFromToday(1), dependsOn: ['b'], phase: 'Blocked behind b' }),
      ms('b', { dueDate: daysFromToday(2), phase: 'Validate the solution' }),
    ]);
    expect(p.phase).toBe('Validate the solution');
  });

  it('is the phase of the earliest-due open milestone when no open milestone is ready', () => {
    const p = projectToday([
      ms('a', { dependsOn: ['b'], dueDate: daysFromToday(3), phase: 'Later phase' }),
      ms('b', { dependsOn: ['a'], dueDate: daysFromToday(1), phase: 'Earlier phase' }),
    ]);
    expect(p.phase).toBe('Earlier phase');
  });

  it('is the phase of the last milestone completed when the plan is complete', () => {
    const p = projectToday([
      ms('a', { status: 'done', completedDate: daysFromToday(-1), phase: 'Onboarding' }),
      ms('b', {
        status: 'done',
        completedDate: daysFromToday(-3),
        phase: 'Commercial agreement',
        isClose: true,
      }),
    ]);
    expect(p.health).toBe('complete');
    expect(p.phase).toBe('Onboarding');
  });

  it('takes the later milestone in the plan when two were completed the same day', () => {
    const p = projectToday([
      ms('b', { status: 'done', completedDate: TODAY, phase: 'Second', order: 2 }),
      ms('a', { status: 'done', completedDate: TODAY, phase: 'First', order: 1 }),
    ]);
    expect(p.phase).toBe('Second');
  });
});

describe('project: updatedAt', () => {
  it('is the time of the newest activity entry, comparing instants across offsets', () => {
    const plan = planOf(
      [],
      [at('2026-11-10T09:00:00Z'), at('2026-11-12T08:00:00-05:00'), at('2026-11-12T14:00:00+02:00')],
    );
    // 08:00 at −05:00 is 13:00Z, later than 14:00 at +02:00 (12:00Z).
    expect(project(plan, TODAY).updatedAt).toBe('2026-11-12T08:00:00-05:00');
  });

  it('takes the later entry in the log when two entries share the same instant', () => {
    const plan = planOf(
      [],
      [at('2026-11-12T13:00:00Z'), at('2026-11-12T14:00:00+01:00'), at('2026-11-01T00:00:00Z')],
    );
    expect(project(plan, TODAY).updatedAt).toBe('2026-11-12T14:00:00+01:00');
  });

  it('is null when the plan has no activity', () => {
    expect(projectToday([ms('a')]).updatedAt).toBeNull();
  });
});

describe('project: plans that validation would refuse', () => {
  it('does not crash on a dependency cycle, and cancels only the dependencies inside the cycle', () => {
    const p = projectToday([
      ms('outside', { dueDate: daysFromToday(-5) }),
      ms('a', { dueDate: daysFromToday(2), dependsOn: ['b', 'outside'] }),
      ms('b', { dueDate: daysFromToday(4), dependsOn: ['a'] }),
      ms('close', { isClose: true, dueDate: daysFromToday(10), dependsOn: ['a'] }),
    ]);
    // outside → today; a → today + 7 (the gap from outside); b waits on a only inside the cycle;
    // close → a + 8 = today + 15.
    expect(p.projectedCloseDate).toBe(daysFromToday(15));
    expect(p.nextStep).toBe('Title outside');
  });

  it('lets milestones that wait on each other in a cycle push nothing on each other', () => {
    const p = projectToday([
      ms('a', { dueDate: daysFromToday(-3), dependsOn: ['b'] }),
      ms('b', { dueDate: daysFromToday(-6), dependsOn: ['a'] }),
      ms('close', { isClose: true, dueDate: daysFromToday(10), dependsOn: ['a'] }),
    ]);
    // a is projected today, as if b did not exist (b would push it 3 days); the close 13 days after a.
    expect(p.projectedCloseDate).toBe(daysFromToday(13));
  });

  it('does not crash on a milestone that depends on itself, and never offers it as the next step', () => {
    const p = projectToday([ms('self', { isClose: true, dependsOn: ['self'], dueDate: daysFromToday(3) })]);
    expect(p.projectedCloseDate).toBe(daysFromToday(3));
    expect(p.nextStep).toBeNull();
    expect(p.phase).toBe('Phase self');
  });

  it('uses the first milestone with a duplicated id as the dependency', () => {
    const p = projectToday([
      ms('dup', { status: 'done', dueDate: daysFromToday(-3) }),
      ms('dup', { dueDate: daysFromToday(-40) }),
      ms('close', { isClose: true, dueDate: daysFromToday(3), dependsOn: ['dup'] }),
    ]);
    expect(p.projectedCloseDate).toBe(daysFromToday(3));
    expect(p.overdueCount).toBe(1);
  });

  it('takes the first close milestone by order when several are marked, ignoring skipped ones', () => {
    const p = projectToday([
      ms('c3', { isClose: true, order: 3, dueDate: daysFromToday(30) }),
      ms('c1', { isClose: true, order: 1, status: 'skipped', dueDate: daysFromToday(10) }),
      ms('c2', { isClose: true, order: 2, dueDate: daysFromToday(20) }),
    ]);
    expect(p.projectedCloseDate).toBe(daysFromToday(20));
  });

  it('treats a done milestone without a completion date as done by its due date, or today if that is later', () => {
    const p = projectToday([
      ms('past', { status: 'done', completedDate: null, dueDate: daysFromToday(-4) }),
      ms('future', { status: 'done', completedDate: null, dueDate: daysFromToday(4) }),
      ms('close', { isClose: true, dueDate: daysFromToday(6), dependsOn: ['past', 'future'] }),
    ]);
    // past counts as done on its due date: −4 + 10 = today + 6; future counts as done today: 0 + 2 = today + 2.
    expect(p.projectedCloseDate).toBe(daysFromToday(6));
    expect(p.milestonesDone).toBe(2);
  });

  it('keeps progress exact with weights so large that their sum overflows', () => {
    const p = projectToday([
      ms('a', { status: 'done', weight: Number.MAX_VALUE }),
      ms('b', { weight: Number.MAX_VALUE }),
    ]);
    expect(p.progress).toBe(50);
  });
});

describe('closeProbability', () => {
  const inputs = { doneFraction: 0, overdueCount: 0, blockedCount: 0, slipDays: 0 };

  it('starts at 10 with nothing done and reaches 95 with everything done on time', () => {
    expect(closeProbability(inputs)).toBe(10);
    expect(closeProbability({ ...inputs, doneFraction: 1 })).toBe(95);
    expect(closeProbability({ ...inputs, doneFraction: 0.5 })).toBe(53); // 52.5 rounds up
  });

  it('takes 5 points per overdue milestone up to 25, 5 per blocked up to 15, 1 per day of slip up to 25', () => {
    const full = { ...inputs, doneFraction: 1 };
    expect(closeProbability({ ...full, overdueCount: 2 })).toBe(85);
    expect(closeProbability({ ...full, overdueCount: 5 })).toBe(70);
    expect(closeProbability({ ...full, overdueCount: 9 })).toBe(70);
    expect(closeProbability({ ...full, blockedCount: 3 })).toBe(80);
    expect(closeProbability({ ...full, blockedCount: 4 })).toBe(80);
    expect(closeProbability({ ...full, slipDays: 13 })).toBe(82);
    expect(closeProbability({ ...full, slipDays: 40 })).toBe(70);
  });

  it('never goes below 1 or above 99', () => {
    expect(closeProbability({ doneFraction: 0, overdueCount: 9, blockedCount: 9, slipDays: 99 })).toBe(1);
    expect(closeProbability({ ...inputs, doneFraction: 2 })).toBe(99);
  });

  it('is what project reports, and 95 minus the slip for a complete plan', () => {
    const p = projectToday([
      ms('close', {
        isClose: true,
        status: 'done',
        dueDate: daysFromToday(-1),
        baselineDueDate: daysFromToday(-9),
      }),
    ]);
    expect([p.health, p.slipDays, p.closeProbability]).toEqual(['complete', 8, 87]);
  });
});

describe('MAP_DEAL_PROPERTIES and changedFields', () => {
  const base = projectToday([ms('a', { status: 'done' }), ms('close', { isClose: true, dependsOn: ['a'] })]);

  it('maps every projection field to its map_* deal property', () => {
    expect(Object.keys(MAP_DEAL_PROPERTIES).sort()).toEqual([...PROJECTION_FIELDS].sort());
    expect(Object.values(MAP_DEAL_PROPERTIES)).toEqual([
      'map_progress',
      'map_health',
      'map_phase',
      'map_next_step',
      'map_next_step_due',
      'map_next_step_owner_side',
      'map_overdue_count',
      'map_buyer_overdue_count',
      'map_slip_days',
      'map_projected_close_date',
      'map_close_probability',
      'map_milestones_total',
      'map_milestones_done',
      'map_updated_at',
    ]);
  });

  it('returns every field when nothing was written before', () => {
    expect(changedFields(null, base)).toEqual(base);
  });

  it('returns nothing when nothing changed', () => {
    expect(changedFields(base, { ...base })).toEqual({});
  });

  it('returns only the fields whose value changed, including a value that became null', () => {
    const next: Projection = { ...base, progress: base.progress + 10, nextStep: null, health: base.health };
    expect(changedFields(base, next)).toEqual({ progress: base.progress + 10, nextStep: null });
  });

  it('reports a change from null to a value', () => {
    const previous: Projection = { ...base, updatedAt: null };
    const next: Projection = { ...base, updatedAt: '2026-11-16T10:00:00Z' };
    expect(changedFields(previous, next)).toEqual({ updatedAt: '2026-11-16T10:00:00Z' });
  });
});

describe('the worked example of docs/forecast.md', () => {
  // Keep in step with docs/forecast.md: every number there is asserted here.
  const example = planOf(
    [
      ms('discovery', {
        title: 'Discovery workshop',
        phase: 'Education and awareness',
        buyerOwnerId: 's-champion',
        dueDate: '2026-11-06',
        status: 'done',
        completedDate: '2026-11-06',
        order: 0,
      }),
      ms('demo', {
        title: 'Tailored demo',
        phase: 'Validate the solution',
        dueDate: '2026-11-10',
        status: 'done',
        completedDate: '2026-11-12',
        order: 1,
      }),
      ms('pilot', {
        title: 'Pilot',
        phase: 'Validate the solution',
        dueDate: '2026-11-09',
        status: 'skipped',
        order: 2,
      }),
      ms('security', {
        title: 'Security review',
        phase: 'Validate the solution',
        sellerOwnerId: null,
        buyerOwnerId: 's-it',
        dueDate: '2026-11-12',
        status: 'in_progress',
        dependsOn: ['discovery'],
        weight: 2,
        order: 3,
      }),
      ms('business-case', {
        title: 'Business case approved',
        phase: 'Validate the solution',
        buyerOwnerId: 's-champion',
        dueDate: '2026-11-20',
        dependsOn: ['demo'],
        weight: 2,
        order: 4,
      }),
      ms('legal', {
        title: 'Legal sign-off',
        phase: 'Commercial agreement',
        sellerOwnerId: null,
        buyerOwnerId: 's-legal',
        dueDate: '2026-11-27',
        dependsOn: ['security'],
        order: 5,
      }),
      ms('signature', {
        title: 'Contract signed',
        phase: 'Commercial agreement',
        buyerOwnerId: 's-legal',
        dueDate: '2026-12-04',
        dependsOn: ['legal', 'business-case'],
        isClose: true,
        weight: 3,
        order: 6,
      }),
    ],
    [at('2026-11-12T16:05:00Z'), at('2026-11-13T09:30:00Z')],
  );

  it('projects the numbers the document shows', () => {
    expect(project(example, '2026-11-16')).toEqual({
      progress: 20,
      health: 'at_risk',
      phase: 'Validate the solution',
      nextStep: 'Security review',
      nextStepDue: '2026-11-12',
      nextStepOwnerSide: 'buyer',
      overdueCount: 1,
      buyerOverdueCount: 1,
      slipDays: 4,
      projectedCloseDate: '2026-12-08',
      closeProbability: 18,
      milestonesTotal: 6,
      milestonesDone: 2,
      updatedAt: '2026-11-13T09:30:00Z',
    });
  });

  it('shows what completing the security review today changes', () => {
    const done = {
      ...example,
      milestones: example.milestones.map((m) =>
        m.id === 'security' ? { ...m, status: 'done' as const, completedDate: '2026-11-16' } : m,
      ),
    };
    expect(project(done, '2026-11-16')).toMatchObject({
      progress: 40,
      health: 'at_risk',
      nextStep: 'Business case approved',
      nextStepOwnerSide: 'joint',
      overdueCount: 0,
      slipDays: 4,
      projectedCloseDate: '2026-12-08',
      closeProbability: 40,
    });
  });

  it('shows the same plan a week later with no progress', () => {
    expect(project(example, '2026-11-23')).toMatchObject({
      health: 'off_track',
      overdueCount: 2,
      slipDays: 11,
      projectedCloseDate: '2026-12-15',
      closeProbability: 6,
    });
  });
});

describe('progress rounding', () => {
  it('rounds the exact half up, as the documented formula does: 23 of 40 weight done is 57.5, shown as 58', () => {
    const milestones = Array.from({ length: 40 }, (_, i) =>
      ms(`m${i}`, {
        order: i,
        status: i < 23 ? 'done' : 'not_started',
        dueDate: daysFromToday(i < 23 ? -5 : 14),
      }),
    );
    expect(projectToday(milestones).progress).toBe(58);
  });
});
