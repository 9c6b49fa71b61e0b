import fc from 'fast-check';
import { anyPlanArbitrary, validPlanArbitrary, type PlanCase } from './arbitraries.js';
import { addDays, daysBetween, MAX_DATE } from './dates.js';
import { isOpen, type Plan } from './model.js';
import {
  isDismissed,
  noReminderChanges,
  reminderChanges,
  type RecordedReminder,
  type ReminderChanges,
} from './reminder-sync.js';
import {
  firstOfEachId,
  nextReminderDate,
  reminderDueAt,
  remindersFor,
  reminderTitle,
  reminderWindowEnd,
  shortDate,
  trackedReminders,
} from './reminders.js';
import { aMilestone, aPlan, aStakeholder } from './test-factories.js';

// 2026-11-16 is a Monday; 2026-11-20 a Friday.
const MON = '2026-11-16';
const FRI = '2026-11-20';

const planWith = (...milestones: ReturnType<typeof aMilestone>[]): Plan =>
  aPlan({
    title: 'Acme rollout',
    milestones,
    stakeholders: [
      aStakeholder({ id: 's-seller', side: 'seller', name: 'Sam Seller', ownerId: 'owner-7' }),
      aStakeholder({ id: 's-se', side: 'seller', name: 'Sue Engineer', ownerId: null }),
      aStakeholder({ id: 's-champion', side: 'buyer', name: 'Bea Buyer', title: 'Head of Ops' }),
    ],
  });

const ids = (plan: Plan, today: string): string[] => remindersFor(plan, today).map((r) => r.milestoneId);

describe('remindersFor', () => {
  it('reminds the seller owner of each open step due within two working days or overdue', () => {
    const plan = planWith(
      aMilestone({ id: 'overdue', dueDate: '2026-11-02' }),
      aMilestone({ id: 'today', dueDate: MON }),
      aMilestone({ id: 'in-2', dueDate: '2026-11-18' }),
      aMilestone({ id: 'in-3', dueDate: '2026-11-19' }),
      aMilestone({ id: 'done', dueDate: MON, status: 'done', completedDate: MON }),
      aMilestone({ id: 'skipped', dueDate: MON, status: 'skipped' }),
      aMilestone({ id: 'blocked', dueDate: MON, status: 'blocked' }),
      aMilestone({ id: 'no-owner', dueDate: MON, sellerOwnerId: null }),
      aMilestone({ id: 'not-a-user', dueDate: MON, sellerOwnerId: 's-se' }),
      aMilestone({ id: 'buyer-owner', dueDate: MON, sellerOwnerId: 's-champion' }),
    );
    expect(ids(plan, MON)).toEqual(['overdue', 'today', 'in-2', 'blocked']);
    expect(remindersFor(plan, MON)[0]).toMatchObject({ ownerId: 'owner-7', dueDate: '2026-11-02' });
  });

  it('counts working days: on a Friday the window reaches Tuesday; on a weekend, Tuesday too', () => {
    const plan = planWith(
      aMilestone({ id: 'sat', dueDate: '2026-11-21' }),
      aMilestone({ id: 'tue', dueDate: '2026-11-24' }),
      aMilestone({ id: 'wed', dueDate: '2026-11-25' }),
    );
    expect(reminderWindowEnd(FRI)).toBe('2026-11-24');
    expect(ids(plan, FRI)).toEqual(['sat', 'tue']);
    expect(ids(plan, '2026-11-22')).toEqual(['sat', 'tue']);
    expect(ids(plan, '2026-11-23')).toEqual(['sat', 'tue', 'wed']);
  });

  it('titles a reminder with the step and its due date only, in words a rep reads at a glance', () => {
    expect(reminderTitle({ title: 'Security review', dueDate: '2026-12-11' })).toBe(
      'Plan step due Fri 11 Dec: Security review',
    );
    expect(shortDate('2027-01-04')).toBe('Mon 4 Jan');
    const long = reminderTitle({ title: 'x'.repeat(200), dueDate: MON });
    expect(long.length).toBeLessThan(200);
    expect(long.endsWith('…')).toBe(true);
  });

  it('gives the plan’s context in the body: plan, phase, owners, date moves, description and success criteria', () => {
    const plan = planWith(
      aMilestone({
        id: 'sec',
        title: 'Security review',
        dueDate: '2026-11-18',
        baselineDueDate: '2026-11-11',
        buyerOwnerId: 's-champion',
        description: 'Send the security pack.',
        successCriteria: 'Questionnaire signed off.',
      }),
    );
    const [reminder] = remindersFor(plan, MON);
    expect(reminder?.body).toBe(
      [
        '“Security review” is a step of the mutual action plan “Acme rollout” on this deal, in the phase “Validate the solution”. Sam Seller owns it on our side, with Bea Buyer (Head of Ops) for the buyer.',
        'Due 18 November 2026 (first agreed for 11 November 2026).',
        'Send the security pack.',
        'Done when: Questionnaire signed off.',
        'This reminder follows the plan: it moves when the step’s date moves and completes itself when the step is marked done or skipped in the plan.',
      ].join('\n\n'),
    );
  });
});

describe('nextReminderDate', () => {
  it('is the first day a step enters the window, or null when every tracked step is in it already', () => {
    const plan = planWith(
      aMilestone({ id: 'wed', dueDate: '2026-11-25' }),
      aMilestone({ id: 'next-mon', dueDate: '2026-11-30' }),
    );
    // Wednesday 25 enters on Monday 23 (Friday's window ends on Tuesday 24); Monday 30 on Thursday 26.
    expect(nextReminderDate(plan, FRI)).toBe('2026-11-23');
    expect(nextReminderDate(plan, '2026-11-23')).toBe('2026-11-26');
    expect(nextReminderDate(plan, '2026-11-26')).toBeNull();
    // Saturday 28: Wednesday's window ends on Friday 27, Thursday's on Monday 30.
    expect(nextReminderDate(planWith(aMilestone({ id: 'sat', dueDate: '2026-11-28' })), MON)).toBe(
      '2026-11-26',
    );
  });
});

describe('reminderDueAt', () => {
  it('is 08:00 on the due date in the account’s time zone (UTC without one)', () => {
    expect(new Date(reminderDueAt('2026-12-11', null)).toISOString()).toBe('2026-12-11T08:00:00.000Z');
    expect(new Date(reminderDueAt('2026-12-11', 'Europe/Berlin')).toISOString()).toBe(
      '2026-12-11T07:00:00.000Z',
    );
    expect(new Date(reminderDueAt('2026-07-01', 'America/New_York')).toISOString()).toBe(
      '2026-07-01T12:00:00.000Z',
    );
    expect(new Date(reminderDueAt('2026-07-01', 'Asia/Kolkata')).toISOString()).toBe(
      '2026-07-01T02:30:00.000Z',
    );
    // The morning after a spring-forward night keeps the new offset.
    expect(new Date(reminderDueAt('2026-03-08', 'America/Los_Angeles')).toISOString()).toBe(
      '2026-03-08T15:00:00.000Z',
    );
    expect(new Date(reminderDueAt('2026-12-11', 'Mars/Olympus')).toISOString()).toBe(
      '2026-12-11T08:00:00.000Z',
    );
  });
});

const rec = (overrides: Partial<RecordedReminder> & { milestoneId: string }): RecordedReminder => ({
  taskId: `task-${overrides.milestoneId}`,
  ownerId: 'owner-7',
  dueDate: MON,
  title: reminderTitle({ title: 'Milestone', dueDate: overrides.dueDate ?? MON }),
  state: 'open',
  updatedAt: 0,
  ...overrides,
});
const summary = (c: ReminderChanges): Record<string, string[]> => ({
  create: c.create.map((r) => r.milestoneId),
  update: c.update.map((u) => `${u.recorded.milestoneId}${u.reopen ? ' (reopen)' : ''}`),
  complete: c.complete.map((r) => r.milestoneId),
  remove: c.remove.map((r) => r.milestoneId),
  forget: c.forget.map((r) => r.milestoneId),
});

describe('reminderChanges', () => {
  const plan = planWith(
    aMilestone({ id: 'new', dueDate: MON }),
    aMilestone({ id: 'same', dueDate: MON }),
    aMilestone({ id: 'moved', dueDate: '2026-12-15' }),
    aMilestone({ id: 'done', dueDate: MON, status: 'done', completedDate: MON }),
    aMilestone({ id: 'reopened', dueDate: MON }),
    aMilestone({ id: 'reopened-later', dueDate: '2027-01-15' }),
    aMilestone({ id: 'dismissed', dueDate: MON }),
    aMilestone({ id: 'ownerless', dueDate: MON, sellerOwnerId: null }),
    aMilestone({ id: 'claimed', dueDate: MON }),
  );
  const recorded = [
    rec({ milestoneId: 'same' }),
    rec({ milestoneId: 'moved' }),
    rec({ milestoneId: 'done' }),
    rec({ milestoneId: 'reopened', state: 'completed' }),
    rec({ milestoneId: 'reopened-later', state: 'completed' }),
    rec({ milestoneId: 'dismissed', state: 'completed', taskId: null }),
    rec({ milestoneId: 'ownerless' }),
    rec({ milestoneId: 'claimed', state: 'creating', taskId: null }),
    rec({ milestoneId: 'removed' }),
    rec({ milestoneId: 'removed-done', state: 'completed' }),
    rec({ milestoneId: 'removed-dismissed', state: 'completed', taskId: null }),
  ];

  it('creates, follows date moves (out of the window too), completes, reopens, deletes and leaves claims alone', () => {
    expect(summary(reminderChanges(plan, MON, recorded, true))).toEqual({
      create: ['new'],
      update: ['moved', 'reopened (reopen)'],
      complete: ['done'],
      remove: ['ownerless', 'removed', 'removed-done'],
      forget: ['removed-dismissed'],
    });
  });

  it('turned off: deletes open reminders, leaves completed ones in the CRM, forgets both, creates nothing', () => {
    expect(summary(reminderChanges(plan, MON, recorded, false))).toEqual({
      create: [],
      update: [],
      complete: [],
      remove: ['same', 'moved', 'done', 'ownerless', 'removed'],
      forget: ['reopened', 'reopened-later', 'dismissed', 'removed-done', 'removed-dismissed'],
    });
  });

  it('with the plan deleted, deletes every reminder it made', () => {
    const c = reminderChanges(null, MON, recorded, true);
    expect(c.create).toEqual([]);
    expect(c.remove.map((r) => r.milestoneId)).toEqual(
      recorded.filter((r) => r.state !== 'creating' && r.taskId !== null).map((r) => r.milestoneId),
    );
  });
});

// Properties -------------------------------------------------------------------------------------------

/** What the use case records after carrying the changes out (every CRM call succeeding). */
function applied(recorded: readonly RecordedReminder[], c: ReminderChanges): RecordedReminder[] {
  const rows = new Map(recorded.map((r) => [r.milestoneId, r]));
  for (const r of [...c.remove, ...c.forget]) rows.delete(r.milestoneId);
  for (const r of c.complete) rows.set(r.milestoneId, { ...r, state: 'completed' });
  for (const u of c.update)
    rows.set(u.recorded.milestoneId, { ...u.recorded, ...pick(u.reminder), state: 'open' });
  for (const r of c.create)
    rows.set(r.milestoneId, {
      milestoneId: r.milestoneId,
      taskId: `t-${r.milestoneId}`,
      ...pick(r),
      state: 'open',
      updatedAt: 0,
    });
  return [...rows.values()];
}
const pick = (r: { ownerId: string; dueDate: string; title: string }) => ({
  ownerId: r.ownerId,
  dueDate: r.dueDate,
  title: r.title,
});

function firstReminderChangeByBruteForce({ plan, today }: PlanCase, bound: number): string | null {
  const base = JSON.stringify(remindersFor(plan, today));
  const last = Math.min(bound, daysBetween(today, MAX_DATE));
  for (let offset = 1; offset <= last; offset += 1) {
    const day = addDays(today, offset);
    if (JSON.stringify(remindersFor(plan, day)) !== base) return day;
  }
  return null;
}

describe('reminders (properties)', () => {
  const plans = fc.oneof(validPlanArbitrary(), anyPlanArbitrary());

  it('remind exactly the open seller-owned steps of CRM users due by the window’s end', () => {
    fc.assert(
      fc.property(plans, ({ plan, today }) => {
        const end = reminderWindowEnd(today);
        expect(daysBetween(today, end)).toBeGreaterThanOrEqual(2);
        const owners = new Map(plan.stakeholders.map((s) => [s.id, s]));
        const expected = firstOfEachId(plan.milestones).filter((m) => {
          const owner = m.sellerOwnerId === null ? undefined : owners.get(m.sellerOwnerId);
          return isOpen(m) && owner?.side === 'seller' && owner.ownerId !== null && m.dueDate <= end;
        });
        expect(ids(plan, today)).toEqual(expected.map((m) => m.id));
      }),
      { numRuns: 200 },
    );
  });

  it('keep each step’s title and body the same from day to day', () => {
    fc.assert(
      fc.property(plans, fc.integer({ min: 1, max: 40 }), ({ plan, today }, later) => {
        const before = new Map(trackedReminders(plan).map((r) => [r.milestoneId, r]));
        for (const r of remindersFor(plan, addDays(today, later)))
          expect(before.get(r.milestoneId)).toEqual(r);
      }),
      { numRuns: 150 },
    );
  });

  it('nextReminderDate is the first later day whose reminders differ, or null when none will', () => {
    fc.assert(
      fc.property(plans, (c) => {
        const found = nextReminderDate(c.plan, c.today);
        if (found === null) {
          expect(firstReminderChangeByBruteForce(c, 200)).toBeNull();
          return;
        }
        expect(found > c.today).toBe(true);
        expect(firstReminderChangeByBruteForce(c, daysBetween(c.today, found))).toBe(found);
      }),
      { numRuns: 200 },
    );
  });

  it('syncing is idempotent: once the changes are made, the same plan and day ask for none', () => {
    const recordedArbitrary = (plan: Plan) =>
      fc.array(
        fc.record({
          milestoneId: fc.oneof(
            fc.constantFrom(...plan.milestones.map((m) => m.id), 'gone-1'),
            fc.constant('gone-2'),
          ),
          taskId: fc.option(fc.constant('t'), { nil: null }),
          ownerId: fc.constantFrom('owner-1', 'owner-2'),
          dueDate: fc.constantFrom('2026-11-16', '2026-12-01'),
          title: fc.constantFrom('old title'),
          state: fc.constantFrom('open' as const, 'completed' as const),
          updatedAt: fc.constant(0),
        }),
        { maxLength: 6 },
      );
    fc.assert(
      fc.property(
        plans.chain((c) => fc.tuple(fc.constant(c), recordedArbitrary(c.plan), fc.boolean())),
        ([{ plan, today }, raw, enabled]) => {
          // One record per step; an open record always has its to-do's id.
          const recorded = [...new Map(raw.map((r) => [r.milestoneId, r])).values()].filter(
            (r) => r.state === 'completed' || r.taskId !== null,
          );
          const first = reminderChanges(plan, today, recorded, enabled);
          const after = applied(recorded, first);
          expect(noReminderChanges(reminderChanges(plan, today, after, enabled))).toBe(true);
          if (!enabled) expect(after).toEqual([]);
          else {
            // Every reminder the plan wants is open and current, unless someone dismissed it in the CRM.
            const rows = new Map(after.map((r) => [r.milestoneId, r]));
            for (const want of remindersFor(plan, today)) {
              const row = rows.get(want.milestoneId);
              if (row && isDismissed(row)) continue;
              expect(row).toMatchObject({ state: 'open', ...pick(want) });
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
