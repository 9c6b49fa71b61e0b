import { addDays } from './dates.js';
import type { Milestone, Plan } from './model.js';
import { nextChangeDate } from './next-change.js';
import { project } from './project.js';
import { aMilestone, aPlan, TEST_TODAY } from './test-factories.js';

const TODAY = TEST_TODAY;
const day = (n: number): string => addDays(TODAY, n);

/** A milestone due `dueIn` days from today, with its baseline on the same day unless told. */
function due(dueIn: number, overrides: Partial<Milestone> = {}): Milestone {
  return aMilestone({ dueDate: day(dueIn), baselineDueDate: day(dueIn), ...overrides });
}

const planOf = (...milestones: Milestone[]): Plan =>
  aPlan({ milestones: milestones.map((m, order) => ({ ...m, order })) });

describe('nextChangeDate', () => {
  it('is the day after the due date of an open milestone due in 3 days', () => {
    const plan = planOf(due(3, { id: 'a' }), due(20, { id: 'close', isClose: true, dependsOn: [] }));
    expect(nextChangeDate(plan, TODAY)).toBe(day(4));
    expect(project(plan, day(4)).overdueCount).toBe(1);
  });

  it('is null when every milestone is done or skipped and the dates are fixed', () => {
    const plan = planOf(
      due(-10, { id: 'a', status: 'done', completedDate: day(-9) }),
      due(-2, { id: 'b', status: 'skipped' }),
      due(-1, { id: 'close', isClose: true, status: 'done', completedDate: day(-1) }),
    );
    expect(nextChangeDate(plan, TODAY)).toBeNull();
  });

  it('is null for a plan without milestones', () => {
    expect(nextChangeDate(planOf(), TODAY)).toBeNull();
  });

  it('is the day an overdue milestone reaches 7 days overdue (off track) when nothing else moves', () => {
    // 3 days overdue today: at risk; off track on its due date + 7. The close is done on time.
    const plan = planOf(
      due(-3, { id: 'a', status: 'in_progress' }),
      due(-5, { id: 'close', isClose: true, status: 'done', completedDate: day(-5) }),
    );
    expect(project(plan, TODAY).health).toBe('at_risk');
    expect(nextChangeDate(plan, TODAY)).toBe(day(4));
    expect(project(plan, day(4)).health).toBe('off_track');
  });

  it('is tomorrow when the close milestone is overdue (its projected close moves every day)', () => {
    const plan = planOf(due(-1, { id: 'close', isClose: true }));
    expect(nextChangeDate(plan, TODAY)).toBe(day(1));
  });

  it('is tomorrow when a late dependency pushes the close a day further every day', () => {
    // a is 2 days overdue; the plan gave 32 days from a to the close, so the close is already pushed.
    const plan = planOf(due(-2, { id: 'a' }), due(30, { id: 'close', isClose: true, dependsOn: ['a'] }));
    expect(project(plan, TODAY).projectedCloseDate).toBe(day(32));
    expect(nextChangeDate(plan, TODAY)).toBe(day(1));
  });

  it('is the day the close starts moving when its dependency falls late, not before', () => {
    const plan = planOf(
      due(5, { id: 'a', status: 'done', completedDate: day(0) }),
      due(10, { id: 'b' }),
      due(30, { id: 'close', isClose: true, dependsOn: ['b'] }),
    );
    expect(nextChangeDate(plan, TODAY)).toBe(day(11));
    expect(project(plan, day(11)).projectedCloseDate).toBe(day(31));
  });

  it('finds a done milestone without a completion date that is finished "today" until its due date', () => {
    // Only refused plans have one; the projection still reads the calendar, so the date must follow it.
    const plan = planOf(due(10, { id: 'close', isClose: true, status: 'done', completedDate: null }));
    expect(nextChangeDate(plan, TODAY)).toBe(day(1));
    expect(nextChangeDate(plan, day(10))).toBeNull();
  });

  it.each([
    ['on the completion date, when the moving one comes later in the plan (ties go to it)', 1, 0, 5],
    ['the day after the completion date, when it comes earlier in the plan', 0, 1, 6],
  ])('moves the phase of a plan with nothing open %s', (_, orderOfMoving, orderOfFixed, changesIn) => {
    // Refused plans: one done milestone without a completion date (finished "today" until its due date),
    // one completed on a later day; the phase names the milestone completed last.
    const moving = due(10, { id: 'a', phase: 'Moving', status: 'done', order: orderOfMoving });
    const fixed = due(5, {
      id: 'b',
      phase: 'Fixed',
      status: 'done',
      completedDate: day(5),
      order: orderOfFixed,
    });
    const plan = aPlan({ milestones: [moving, fixed] });
    expect(project(plan, TODAY).phase).toBe('Fixed');
    expect(nextChangeDate(plan, TODAY)).toBe(day(changesIn));
    expect(project(plan, day(changesIn)).phase).toBe('Moving');
  });

  it('is null on the last day a plan can hold', () => {
    const plan = planOf(due(-1, { id: 'close', isClose: true }));
    expect(nextChangeDate(plan, '2100-12-31')).toBeNull();
  });
});
