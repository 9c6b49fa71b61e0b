import fc from 'fast-check';
import { anyPlanArbitrary, validPlanArbitrary, type PlanCase } from './arbitraries.js';
import { addDays, daysBetween, MAX_DATE } from './dates.js';
import { isOpen } from './model.js';
import { nextChangeDate } from './next-change.js';
import { project } from './project.js';

/** Days checked one by one after today: every day up to a found date, this many when there is none. */
const BOUND_FOUND = 120;
const BOUND_NONE = 400;

/** The first day after `today`, within `bound` days (and MAX_DATE), whose projection differs; else null. */
function firstChangeByBruteForce({ plan, today }: PlanCase, bound: number): string | null {
  const base = JSON.stringify(project(plan, today));
  const last = Math.min(bound, daysBetween(today, MAX_DATE));
  for (let offset = 1; offset <= last; offset += 1) {
    const day = addDays(today, offset);
    if (JSON.stringify(project(plan, day)) !== base) return day;
  }
  return null;
}

function check(planCase: PlanCase): void {
  const found = nextChangeDate(planCase.plan, planCase.today);
  if (found === null) {
    expect(firstChangeByBruteForce(planCase, BOUND_NONE)).toBeNull();
    return;
  }
  expect(found > planCase.today).toBe(true);
  const offset = daysBetween(planCase.today, found);
  // Never late: no earlier day changes the projection; exact: the found day does.
  const brute = firstChangeByBruteForce(planCase, Math.min(offset, BOUND_FOUND));
  expect(brute).toBe(offset <= BOUND_FOUND ? found : null);
  expect(project(planCase.plan, found)).not.toEqual(project(planCase.plan, planCase.today));
}

describe('nextChangeDate (properties)', () => {
  it('on valid plans, is the first day after today whose projection differs, or null when none does', () => {
    fc.assert(fc.property(validPlanArbitrary(), check), { numRuns: 200 });
  });

  it('on plans validation refuses (cycles, no completion dates, extreme dates), is still exact', () => {
    fc.assert(fc.property(anyPlanArbitrary(), check), { numRuns: 200 });
  });

  it('on plans with nothing open (the phase then follows the latest finish), is still exact', () => {
    const nothingOpen = anyPlanArbitrary().map(({ plan, today }): PlanCase => ({
      today,
      plan: {
        ...plan,
        milestones: plan.milestones.map((m) => (isOpen(m) ? { ...m, status: 'done' as const } : m)),
      },
    }));
    fc.assert(fc.property(nothingOpen, check), { numRuns: 150 });
  });

  it('on valid plans, also holds on any later day the plan reaches unedited', () => {
    fc.assert(
      fc.property(validPlanArbitrary({ minMilestones: 1 }), fc.integer({ min: 1, max: 60 }), (c, later) => {
        check({ plan: c.plan, today: addDays(c.today, later) });
      }),
      { numRuns: 150 },
    );
  });
});
