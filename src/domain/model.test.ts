import { MAX_DATE, MIN_DATE } from './dates.js';
import { EDITS } from './edits.js';
import { planSchema } from './model.js';
import type { Plan } from './model.js';
import { projectionSchema } from './project.js';
import { applyTemplate } from './templates.js';
import { aPlan, testContext } from './test-factories.js';
import { validatePlan } from './validate.js';

// ---------------------------------------------------------------------------------------------------------
// Dates: every date the domain accepts lies from 1970-01-01 to 2100-12-31.

const OUTSIDE = ['9999-12-31', '2101-01-01', '1969-12-31', '0001-01-01'] as const;
const rangeMessage = (subject: string, date: string): string =>
  `${subject} must be between 1 January 1970 and 31 December 2100; ${date} is not.`;

describe('dates in a plan', () => {
  const DATE_FIELDS: [path: string, subject: string, set: (plan: Plan, date: string) => Plan][] = [
    ['targetCloseDate', 'The target close date', (p, d) => ({ ...p, targetCloseDate: d })],
    [
      'milestones[1].dueDate',
      'The due date of milestone “Security review”',
      (p, d) => ({ ...p, milestones: p.milestones.map((m, i) => (i === 1 ? { ...m, dueDate: d } : m)) }),
    ],
    [
      'milestones[1].baselineDueDate',
      'The baseline due date of milestone “Security review”',
      (p, d) => ({
        ...p,
        milestones: p.milestones.map((m, i) => (i === 1 ? { ...m, baselineDueDate: d } : m)),
      }),
    ],
    [
      'milestones[0].completedDate',
      'The completion date of milestone “Discovery workshop”',
      (p, d) => ({
        ...p,
        milestones: p.milestones.map((m, i) => (i === 0 ? { ...m, completedDate: d } : m)),
      }),
    ],
    [
      'goals[0].byDate',
      'The date of goal “Cut month-end close from 10 to 5 days”',
      (p, d) => ({ ...p, goals: p.goals.map((g) => ({ ...g, byDate: d })) }),
    ],
  ];

  it.each(
    DATE_FIELDS.flatMap(([path, subject, set]) => OUTSIDE.map((date) => [path, date, subject, set] as const)),
  )('refuses %s = %s, outside 1970–2100, in a sentence naming the field', (path, date, subject, set) => {
    expect(validatePlan(set(aPlan(), date))).toEqual({
      ok: false,
      error: [{ path, code: 'invalid_value', message: rangeMessage(subject, date) }],
    });
  });

  it('accepts the first and the last date of the range', () => {
    for (const date of [MIN_DATE, MAX_DATE]) {
      expect(planSchema.safeParse({ ...aPlan(), targetCloseDate: date }).success).toBe(true);
    }
  });

  it('refuses an activity time whose day is outside the range', () => {
    const plan = aPlan();
    const input = { ...plan, activity: [{ ...plan.activity[0]!, at: '2101-01-01T00:00:00Z' }] };
    expect(validatePlan(input)).toEqual({
      ok: false,
      error: [
        {
          path: 'activity[0].at',
          code: 'invalid_value',
          message: 'The time of activity entry 1 must be a time between 1 January 1970 and 31 December 2100.',
        },
      ],
    });
  });

  it('refuses a projection with a date outside the range', () => {
    const projection = {
      progress: 0,
      health: 'not_started',
      phase: null,
      nextStep: null,
      nextStepDue: null,
      nextStepOwnerSide: null,
      overdueCount: 0,
      buyerOverdueCount: 0,
      slipDays: 0,
      projectedCloseDate: '9999-12-31',
      closeProbability: 10,
      milestonesTotal: 0,
      milestonesDone: 0,
      updatedAt: null,
    };
    expect(projectionSchema.safeParse(projection).success).toBe(false);
    expect(projectionSchema.safeParse({ ...projection, projectedCloseDate: MAX_DATE }).success).toBe(true);
  });
});

describe('dates in edits', () => {
  const EDIT_DATES: [
    name: string,
    path: string,
    subject: string,
    run: (date: string) => ReturnType<typeof applyTemplate>,
  ][] = [
    [
      'addMilestone',
      'dueDate',
      'The due date',
      (d) =>
        EDITS.addMilestone(aPlan(), { title: 'Pilot', dueDate: d, sellerOwnerId: 's-seller' }, testContext()),
    ],
    [
      'addMilestone',
      'completedDate',
      'The completion date',
      (d) =>
        EDITS.addMilestone(
          aPlan(),
          {
            title: 'Pilot',
            dueDate: '2026-11-20',
            status: 'done',
            completedDate: d,
            sellerOwnerId: 's-seller',
          },
          testContext(),
        ),
    ],
    [
      'setMilestoneStatus',
      'completedDate',
      'The completion date',
      (d) =>
        EDITS.setMilestoneStatus(
          aPlan(),
          { milestoneId: 'm-security', status: 'done', completedDate: d },
          testContext(),
        ),
    ],
    [
      'moveDueDate',
      'dueDate',
      'The due date',
      (d) =>
        EDITS.moveDueDate(
          aPlan(),
          { milestoneId: 'm-kickoff', dueDate: d, reason: 'Their board meets later.' },
          testContext(),
        ),
    ],
    [
      'setGoals',
      'goals[0].byDate',
      'The date of goal “Halve churn”',
      (d) => EDITS.setGoals(aPlan(), { goals: [{ description: 'Halve churn', byDate: d }] }, testContext()),
    ],
    [
      'setTargetCloseDate',
      'targetCloseDate',
      'The target close date',
      (d) => EDITS.setTargetCloseDate(aPlan(), { targetCloseDate: d }, testContext()),
    ],
    [
      'applyTemplate',
      'targetCloseDate',
      'The target close date',
      (d) =>
        applyTemplate(
          aPlan({ milestones: [] }),
          { templateId: 'smb-quick-close', targetCloseDate: d },
          testContext(),
        ),
    ],
  ];

  it.each(
    EDIT_DATES.flatMap(([name, path, subject, run]) =>
      OUTSIDE.map((date) => [name, path, date, subject, run] as const),
    ),
  )('%s refuses %s = %s in a sentence and changes nothing', (_name, path, date, subject, run) => {
    expect(run(date)).toEqual({
      ok: false,
      error: [{ path, code: 'invalid_value', message: rangeMessage(subject, date) }],
    });
  });

  it('accepts the last date of the range as a target close date', () => {
    const result = EDITS.setTargetCloseDate(aPlan(), { targetCloseDate: MAX_DATE }, testContext());
    expect(result.ok && result.value.plan.targetCloseDate).toBe(MAX_DATE);
  });
});
