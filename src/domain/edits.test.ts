import fc from 'fast-check';
import {
  addMilestone,
  addStakeholder,
  EDITS,
  moveDueDate,
  removeMilestone,
  removeStakeholder,
  reorderMilestones,
  setGoals,
  setMilestoneStatus,
  setPlanTitle,
  setRisks,
  setTargetCloseDate,
  setValueSummary,
  updateMilestone,
  updateStakeholder,
} from './edits.js';
import type { EditName, EditOutcome, EditResult } from './edits.js';
import { emptyPlan, LIMITS } from './model.js';
import type { Plan } from './model.js';
import type { Problem } from './result.js';
import {
  aMilestone,
  anActivityEntry,
  aPlan,
  deepFreeze,
  TEST_ACTOR,
  TEST_DEAL,
  TEST_NOW,
  TEST_TODAY,
  testContext,
} from './test-factories.js';
import { checkPlan } from './validate.js';

/** The outcome of an edit that must succeed. */
function applied(result: EditResult): EditOutcome {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}
/** The problems of an edit that must fail. */
function refused(result: EditResult): Problem[] {
  if (result.ok) throw new Error('expected the edit to be refused');
  return result.error;
}
const frozenPlan = (overrides: Partial<Plan> = {}): Plan => deepFreeze(aPlan(overrides));
const byId = (plan: Plan, id: string) => plan.milestones.find((m) => m.id === id);
const lastText = (outcome: EditOutcome): string | undefined =>
  outcome.activity[outcome.activity.length - 1]?.text;

describe('addMilestone', () => {
  it('adds a milestone with the defaults, a fresh id, baseline = due date and order at the end, and logs it', () => {
    const plan = frozenPlan();
    const ctx = testContext();
    const out = applied(
      addMilestone(
        plan,
        { title: '  Reference call ', dueDate: '2026-11-25', sellerOwnerId: 's-seller' },
        ctx,
      ),
    );
    const added = out.plan.milestones[out.plan.milestones.length - 1];
    expect(added).toEqual({
      id: 'id-1',
      title: 'Reference call',
      description: '',
      phase: '',
      sellerOwnerId: 's-seller',
      buyerOwnerId: null,
      dueDate: '2026-11-25',
      baselineDueDate: '2026-11-25',
      status: 'not_started',
      completedDate: null,
      dependsOn: [],
      isClose: false,
      visibility: 'shared',
      successCriteria: '',
      weight: 1,
      order: 5,
    });
    expect(out.activity).toEqual([
      {
        at: TEST_NOW,
        actor: TEST_ACTOR,
        kind: 'milestone_added',
        text: 'Added milestone “Reference call”, due 2026-11-25.',
        milestoneId: 'id-1',
      },
    ]);
    expect(out.plan.activity.slice(-1)).toEqual(out.activity);
    expect(out.plan.version).toBe(plan.version);
  });

  it('uses the id the card sends, and a retried create with that id changes nothing', () => {
    const ctx = testContext();
    const first = applied(
      addMilestone(
        frozenPlan(),
        { id: 'client-1', title: 'Reference call', dueDate: '2026-11-25', sellerOwnerId: 's-seller' },
        ctx,
      ),
    );
    expect(byId(first.plan, 'client-1')).toBeDefined();
    expect(ctx.issuedIds()).toEqual([]);
    const retry = applied(
      addMilestone(
        deepFreeze(first.plan),
        { id: 'client-1', title: 'Reference call', dueDate: '2026-11-25', sellerOwnerId: 's-seller' },
        ctx,
      ),
    );
    expect(retry.plan).toBe(first.plan);
    expect(retry.activity).toEqual([]);
  });

  it('refuses an id already held by a different milestone', () => {
    const problems = refused(
      addMilestone(
        frozenPlan(),
        { id: 'm-legal', title: 'Reference call', dueDate: '2026-11-25', sellerOwnerId: 's-seller' },
        testContext(),
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'id',
        code: 'duplicate_id',
        message: expect.stringContaining('“Legal sign-off”'),
      }),
    ]);
  });

  it('inserts at the given position and moves the later milestones down one place', () => {
    const out = applied(
      addMilestone(
        frozenPlan(),
        { title: 'Reference call', dueDate: '2026-11-25', sellerOwnerId: 's-seller', order: 1 },
        testContext(),
      ),
    );
    expect(out.plan.milestones.map((m) => [m.id, m.order])).toEqual([
      ['m-discovery', 0],
      ['m-security', 2],
      ['m-legal', 3],
      ['m-signature', 4],
      ['m-kickoff', 5],
      ['id-1', 1],
    ]);
  });

  it('moves the close flag when the new milestone is the close, and says so', () => {
    const out = applied(
      addMilestone(
        frozenPlan(),
        {
          title: 'Order form signed',
          dueDate: '2026-12-14',
          buyerOwnerId: 's-legal',
          isClose: true,
          dependsOn: ['m-signature'],
        },
        testContext(),
      ),
    );
    expect(out.plan.milestones.filter((m) => m.isClose).map((m) => m.id)).toEqual(['id-1']);
    expect(lastText(out)).toBe(
      'Added milestone “Order form signed”, due 2026-12-14, as the close milestone instead of “Contract signed”.',
    );
  });

  it('marks a milestone added as done completed today, and refuses a completion date in the future', () => {
    const out = applied(
      addMilestone(
        frozenPlan(),
        { title: 'Intro call', dueDate: '2026-11-02', sellerOwnerId: 's-seller', status: 'done' },
        testContext(),
      ),
    );
    expect(out.plan.milestones.at(-1)).toEqual(
      expect.objectContaining({ status: 'done', completedDate: TEST_TODAY }),
    );
    const problems = refused(
      addMilestone(
        frozenPlan(),
        {
          title: 'Intro call',
          dueDate: '2026-11-02',
          sellerOwnerId: 's-seller',
          status: 'done',
          completedDate: '2026-11-17',
        },
        testContext(),
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: 'completedDate', code: 'completed_date_in_future' }),
    ]);
  });

  it('refuses input that breaks its schema, with readable problems', () => {
    const problems = refused(
      addMilestone(frozenPlan(), { title: '   ', dueDate: '2026-13-01', colour: 'red' }, testContext()),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'title', code: 'required', message: 'The title must not be empty.' },
        {
          path: 'dueDate',
          code: 'invalid_value',
          message: 'The due date must be a calendar date written YYYY-MM-DD.',
        },
        {
          path: 'colour',
          code: 'invalid_value',
          message: 'The input has a field “colour” that is not allowed here.',
        },
      ]),
    );
  });

  it('refuses a milestone that would make the plan invalid and leaves the plan as it was', () => {
    const plan = frozenPlan();
    const problems = refused(
      addMilestone(
        plan,
        { title: 'Reference call', dueDate: '2026-11-25', buyerOwnerId: 's-seller', dependsOn: ['m-nope'] },
        testContext(),
      ),
    );
    expect(problems.map((p) => p.code).sort()).toEqual(['owner_wrong_side', 'unknown_dependency']);
    expect(plan).toEqual(aPlan());
  });

  it('makes the first milestone of an empty plan the close milestone unless told otherwise', () => {
    const plan = deepFreeze(emptyPlan(TEST_DEAL));
    const ctx = testContext();
    const first = applied(
      addMilestone(plan, { title: 'Discovery', dueDate: '2026-11-25', visibility: 'internal' }, ctx),
    );
    expect(first.plan.milestones[0]?.isClose).toBe(true);
    expect(lastText(first)).toMatch(/as the close milestone/);
    // The second one leaves the close flag where it is.
    const second = applied(
      addMilestone(first.plan, { title: 'Demo', dueDate: '2026-11-20', visibility: 'internal' }, ctx),
    );
    expect(second.plan.milestones.filter((m) => m.isClose).map((m) => m.title)).toEqual(['Discovery']);
  });

  it('refuses a first milestone explicitly marked as not the close, since a plan with milestones needs one', () => {
    const plan = deepFreeze(emptyPlan(TEST_DEAL));
    expect(
      refused(
        addMilestone(
          plan,
          { title: 'Discovery', dueDate: '2026-11-25', visibility: 'internal', isClose: false },
          testContext(),
        ),
      ),
    ).toEqual([expect.objectContaining({ code: 'no_close_milestone' })]);
  });
});

describe('updateMilestone', () => {
  it('renames a milestone and logs the old and new title', () => {
    const out = applied(
      updateMilestone(
        frozenPlan(),
        { milestoneId: 'm-security', patch: { title: 'InfoSec review' } },
        testContext(),
      ),
    );
    expect(byId(out.plan, 'm-security')?.title).toBe('InfoSec review');
    expect(out.activity).toEqual([
      expect.objectContaining({
        kind: 'milestone_updated',
        milestoneId: 'm-security',
        text: 'Renamed milestone “Security review” to “InfoSec review”.',
      }),
    ]);
  });

  it('applies a patch of several fields and lists every change in the log', () => {
    const out = applied(
      updateMilestone(
        frozenPlan(),
        {
          milestoneId: 'm-security',
          patch: {
            description: 'SOC 2 + pen test',
            buyerOwnerId: 's-legal',
            visibility: 'internal',
            successCriteria: 'Approved by CISO',
            weight: 2,
            phase: 'Security',
          },
        },
        testContext(),
      ),
    );
    expect(byId(out.plan, 'm-security')).toEqual(
      expect.objectContaining({
        description: 'SOC 2 + pen test',
        buyerOwnerId: 's-legal',
        visibility: 'internal',
        successCriteria: 'Approved by CISO',
        weight: 2,
        phase: 'Security',
      }),
    );
    expect(lastText(out)).toBe(
      'Updated milestone “Security review”: changed the description, moved it to the phase “Security”, made “Lee Counsel” the buyer-side owner, made it internal (hidden from the buyer), changed the success criteria and set its weight to 2.',
    );
  });

  it('refuses a due-date change and points to “Move due date”', () => {
    const problems = refused(
      updateMilestone(
        frozenPlan(),
        { milestoneId: 'm-security', patch: { title: 'X', dueDate: '2026-12-08' } },
        testContext(),
      ),
    );
    expect(problems).toEqual([
      {
        path: 'patch.dueDate',
        code: 'use_move_due_date',
        message:
          'The due date cannot be changed here: move it with “Move due date”, which keeps the agreed date and records the reason.',
      },
    ]);
  });

  it('refuses status and completion date changes and points to “Set status”', () => {
    const problems = refused(
      updateMilestone(
        frozenPlan(),
        { milestoneId: 'm-security', patch: { status: 'done', completedDate: '2026-11-16' } },
        testContext(),
      ),
    );
    expect(problems.map((p) => p.path)).toEqual(['patch.status', 'patch.completedDate']);
    expect(problems[0]?.message).toContain('“Set status”');
  });

  it('moves the close flag to the milestone marked as close, and refuses unmarking the only close', () => {
    const out = applied(
      updateMilestone(frozenPlan(), { milestoneId: 'm-kickoff', patch: { isClose: true } }, testContext()),
    );
    expect(out.plan.milestones.filter((m) => m.isClose).map((m) => m.id)).toEqual(['m-kickoff']);
    expect(lastText(out)).toBe(
      'Updated milestone “Onboarding kickoff”: made it the close milestone instead of “Contract signed”.',
    );
    const problems = refused(
      updateMilestone(frozenPlan(), { milestoneId: 'm-signature', patch: { isClose: false } }, testContext()),
    );
    expect(problems).toEqual([expect.objectContaining({ code: 'no_close_milestone' })]);
  });

  it('refuses a dependency change that creates a loop', () => {
    const problems = refused(
      updateMilestone(
        frozenPlan(),
        { milestoneId: 'm-discovery', patch: { dependsOn: ['m-kickoff'] } },
        testContext(),
      ),
    );
    expect(problems.map((p) => p.code)).toContain('dependency_cycle');
  });

  it('returns the same plan and no entry when the patch changes nothing', () => {
    const plan = frozenPlan();
    const out = applied(
      updateMilestone(
        plan,
        {
          milestoneId: 'm-security',
          patch: { title: 'Security review', dependsOn: ['m-discovery'], isClose: false },
        },
        testContext(),
      ),
    );
    expect(out.plan).toBe(plan);
    expect(out.activity).toEqual([]);
  });

  it('reports an unknown milestone id', () => {
    expect(
      refused(updateMilestone(frozenPlan(), { milestoneId: 'm-gone', patch: { title: 'X' } }, testContext())),
    ).toEqual([expect.objectContaining({ path: 'milestoneId', code: 'not_found' })]);
  });
});

describe('removeMilestone', () => {
  it('removes a milestone nothing depends on and logs it', () => {
    const out = applied(removeMilestone(frozenPlan(), { milestoneId: 'm-kickoff' }, testContext()));
    expect(byId(out.plan, 'm-kickoff')).toBeUndefined();
    expect(out.activity).toEqual([
      expect.objectContaining({
        kind: 'milestone_removed',
        milestoneId: 'm-kickoff',
        text: 'Removed milestone “Onboarding kickoff”.',
      }),
    ]);
  });

  it('refuses removing a milestone others depend on, naming them', () => {
    expect(refused(removeMilestone(frozenPlan(), { milestoneId: 'm-discovery' }, testContext()))).toEqual([
      {
        path: 'milestoneId',
        code: 'milestone_has_dependents',
        message:
          'Milestone “Discovery workshop” cannot be removed because “Security review” and “Legal sign-off” depend on it; remove those dependencies first.',
      },
    ]);
  });

  it('refuses removing the close milestone while other milestones remain', () => {
    const plan = frozenPlan({
      milestones: [aMilestone({ id: 'a', title: 'A' }), aMilestone({ id: 'b', title: 'B', isClose: true })],
    });
    expect(refused(removeMilestone(plan, { milestoneId: 'b' }, testContext()))).toEqual([
      expect.objectContaining({ code: 'no_close_milestone' }),
    ]);
  });

  it('reports an unknown milestone id', () => {
    expect(refused(removeMilestone(frozenPlan(), { milestoneId: 'nope' }, testContext()))[0]?.code).toBe(
      'not_found',
    );
  });
});

describe('reorderMilestones', () => {
  it('sets each order from the position in the list and logs once', () => {
    const ids = ['m-kickoff', 'm-discovery', 'm-legal', 'm-security', 'm-signature'];
    const out = applied(reorderMilestones(frozenPlan(), { milestoneIds: ids }, testContext()));
    expect([...out.plan.milestones].sort((a, b) => a.order - b.order).map((m) => m.id)).toEqual(ids);
    expect(out.activity).toEqual([
      expect.objectContaining({
        kind: 'milestones_reordered',
        text: 'Reordered the milestones.',
        milestoneId: null,
      }),
    ]);
  });

  it('changes nothing when the order is the current one', () => {
    const plan = frozenPlan();
    const out = applied(
      reorderMilestones(plan, { milestoneIds: plan.milestones.map((m) => m.id) }, testContext()),
    );
    expect(out.plan).toBe(plan);
    expect(out.activity).toEqual([]);
  });

  it('refuses a list that is not a permutation of the milestones, saying what is wrong', () => {
    const problems = refused(
      reorderMilestones(
        frozenPlan(),
        { milestoneIds: ['m-kickoff', 'm-kickoff', 'm-x', 'm-legal', 'm-security', 'm-signature'] },
        testContext(),
      ),
    );
    expect(problems).toEqual([
      {
        path: 'milestoneIds',
        code: 'invalid_value',
        message:
          'The new order must list every milestone of the plan exactly once: “Discovery workshop” is missing; “Onboarding kickoff” listed more than once; m-x is not in the plan.',
      },
    ]);
  });
});

describe('setMilestoneStatus', () => {
  it('marks a milestone done today', () => {
    const out = applied(
      setMilestoneStatus(frozenPlan(), { milestoneId: 'm-security', status: 'done' }, testContext()),
    );
    expect(byId(out.plan, 'm-security')).toEqual(
      expect.objectContaining({ status: 'done', completedDate: TEST_TODAY }),
    );
    expect(out.activity).toEqual([
      expect.objectContaining({
        kind: 'status_changed',
        milestoneId: 'm-security',
        text: 'Marked “Security review” as done.',
      }),
    ]);
  });

  it('takes a completion date in the past and refuses one in the future', () => {
    const out = applied(
      setMilestoneStatus(
        frozenPlan(),
        { milestoneId: 'm-security', status: 'done', completedDate: '2026-11-13' },
        testContext(),
      ),
    );
    expect(byId(out.plan, 'm-security')?.completedDate).toBe('2026-11-13');
    expect(lastText(out)).toBe('Marked “Security review” as done (completed 2026-11-13).');
    expect(
      refused(
        setMilestoneStatus(
          frozenPlan(),
          { milestoneId: 'm-security', status: 'done', completedDate: '2026-11-17' },
          testContext(),
        ),
      ),
    ).toEqual([
      {
        path: 'completedDate',
        code: 'completed_date_in_future',
        message: 'The completion date 2026-11-17 is in the future; today is 2026-11-16.',
      },
    ]);
  });

  it('clears the completion date when a done milestone is reopened', () => {
    const out = applied(
      setMilestoneStatus(frozenPlan(), { milestoneId: 'm-discovery', status: 'in_progress' }, testContext()),
    );
    expect(byId(out.plan, 'm-discovery')).toEqual(
      expect.objectContaining({ status: 'in_progress', completedDate: null }),
    );
    expect(lastText(out)).toBe('Reopened “Discovery workshop” (now in progress).');
  });

  it('keeps the completion date of a milestone already done, and changes it when a new one is given', () => {
    const plan = frozenPlan();
    const same = applied(
      setMilestoneStatus(plan, { milestoneId: 'm-discovery', status: 'done' }, testContext()),
    );
    expect(same.plan).toBe(plan);
    const moved = applied(
      setMilestoneStatus(
        plan,
        { milestoneId: 'm-discovery', status: 'done', completedDate: '2026-11-11' },
        testContext(),
      ),
    );
    expect(lastText(moved)).toBe('Changed the completion date of “Discovery workshop” to 2026-11-11.');
  });

  it('logs a change between open statuses', () => {
    const out = applied(
      setMilestoneStatus(frozenPlan(), { milestoneId: 'm-security', status: 'blocked' }, testContext()),
    );
    expect(lastText(out)).toBe('Changed the status of “Security review” from in progress to blocked.');
  });

  it('refuses a completion date with a status other than done', () => {
    expect(
      refused(
        setMilestoneStatus(
          frozenPlan(),
          { milestoneId: 'm-security', status: 'skipped', completedDate: '2026-11-13' },
          testContext(),
        ),
      ),
    ).toEqual([expect.objectContaining({ path: 'completedDate', code: 'invalid_value' })]);
  });
});

describe('moveDueDate', () => {
  it('moves the due date, keeps the baseline and logs the old date, the new date and the reason', () => {
    const plan = frozenPlan();
    const out = applied(
      moveDueDate(
        plan,
        { milestoneId: 'm-security', dueDate: '2026-12-03', reason: "buyer's CISO on leave" },
        testContext(),
      ),
    );
    expect(byId(out.plan, 'm-security')).toEqual(
      expect.objectContaining({ dueDate: '2026-12-03', baselineDueDate: '2026-12-01' }),
    );
    expect(out.activity).toEqual([
      {
        at: TEST_NOW,
        actor: TEST_ACTOR,
        kind: 'due_date_moved',
        milestoneId: 'm-security',
        text: "Moved “Security review” from 2026-12-01 to 2026-12-03: buyer's CISO on leave.",
      },
    ]);
  });

  it('requires a non-empty reason', () => {
    expect(
      refused(
        moveDueDate(
          frozenPlan(),
          { milestoneId: 'm-security', dueDate: '2026-12-03', reason: '  ' },
          testContext(),
        ),
      ),
    ).toEqual([{ path: 'reason', code: 'required', message: 'The reason must not be empty.' }]);
    expect(
      refused(moveDueDate(frozenPlan(), { milestoneId: 'm-security', dueDate: '2026-12-03' }, testContext())),
    ).toEqual([{ path: 'reason', code: 'required', message: 'The reason is missing.' }]);
  });

  it('refuses a move that puts a milestone after one that depends on it', () => {
    const problems = refused(
      moveDueDate(
        frozenPlan(),
        { milestoneId: 'm-security', dueDate: '2026-12-14', reason: 'Holidays' },
        testContext(),
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: 'milestones[3].dueDate', code: 'due_before_dependency' }),
    ]);
  });

  it('changes nothing when the date is the same', () => {
    const plan = frozenPlan();
    expect(
      applied(
        moveDueDate(
          plan,
          { milestoneId: 'm-security', dueDate: '2026-12-01', reason: 'No change' },
          testContext(),
        ),
      ).plan,
    ).toBe(plan);
  });
});

describe('stakeholder edits', () => {
  it('adds a stakeholder with a fresh id, an empty email as none, and logs it', () => {
    const out = applied(
      addStakeholder(
        frozenPlan(),
        { side: 'buyer', name: 'Cy Sec', email: '', title: 'CISO', role: 'security' },
        testContext(),
      ),
    );
    expect(out.plan.stakeholders.at(-1)).toEqual({
      id: 'id-1',
      side: 'buyer',
      name: 'Cy Sec',
      email: null,
      title: 'CISO',
      role: 'security',
      crmContactId: null,
      ownerId: null,
    });
    expect(out.activity).toEqual([
      expect.objectContaining({
        kind: 'stakeholder_added',
        text: 'Added “Cy Sec” as a stakeholder (security, buyer side).',
      }),
    ]);
  });

  it('refuses an email address that is not one', () => {
    expect(
      refused(
        addStakeholder(frozenPlan(), { side: 'buyer', name: 'Cy Sec', email: 'cy at acme' }, testContext()),
      ),
    ).toEqual([
      {
        path: 'email',
        code: 'invalid_value',
        message: 'The email must be an email address such as name@company.com.',
      },
    ]);
  });

  it('treats a retried create with the same client id as done', () => {
    const plan = frozenPlan();
    const out = applied(
      addStakeholder(plan, { id: 's-legal', side: 'buyer', name: 'Lee Counsel' }, testContext()),
    );
    expect(out.plan).toBe(plan);
  });

  it('updates a stakeholder and lists the changed fields', () => {
    const out = applied(
      updateStakeholder(
        frozenPlan(),
        { stakeholderId: 's-legal', patch: { email: 'lee@acme.example', title: 'Deputy GC', role: 'legal' } },
        testContext(),
      ),
    );
    expect(out.plan.stakeholders[2]).toEqual(
      expect.objectContaining({ email: 'lee@acme.example', title: 'Deputy GC' }),
    );
    expect(out.activity).toEqual([
      expect.objectContaining({
        kind: 'stakeholder_updated',
        text: 'Updated stakeholder “Lee Counsel”: changed the email and the job title.',
      }),
    ]);
  });

  it('refuses moving a stakeholder to the other side while they own milestones on this side', () => {
    const problems = refused(
      updateStakeholder(frozenPlan(), { stakeholderId: 's-legal', patch: { side: 'seller' } }, testContext()),
    );
    expect(problems.map((p) => p.code)).toEqual(['owner_wrong_side', 'owner_wrong_side']);
  });

  it('changes nothing when the patch repeats the current values', () => {
    const plan = frozenPlan();
    expect(
      applied(
        updateStakeholder(plan, { stakeholderId: 's-legal', patch: { name: 'Lee Counsel' } }, testContext()),
      ).plan,
    ).toBe(plan);
  });

  it('removes a stakeholder who owns nothing', () => {
    const plan = frozenPlan();
    const withExtra = applied(
      addStakeholder(plan, { id: 's-extra', side: 'buyer', name: 'Extra' }, testContext()),
    ).plan;
    const out = applied(
      removeStakeholder(deepFreeze(withExtra), { stakeholderId: 's-extra' }, testContext()),
    );
    expect(out.plan.stakeholders.map((s) => s.id)).toEqual(['s-seller', 's-champion', 's-legal']);
    expect(lastText(out)).toBe('Removed stakeholder “Extra”.');
  });

  it('refuses removing a stakeholder who owns milestones, naming them', () => {
    expect(refused(removeStakeholder(frozenPlan(), { stakeholderId: 's-legal' }, testContext()))).toEqual([
      {
        path: 'stakeholderId',
        code: 'stakeholder_owns_milestones',
        message:
          '“Lee Counsel” cannot be removed while they own milestones “Legal sign-off” and “Contract signed”; give them another owner first.',
      },
    ]);
  });
});

describe('plan header edits', () => {
  it('sets the value summary and logs it; the same text changes nothing', () => {
    const plan = frozenPlan();
    const out = applied(setValueSummary(plan, { valueSummary: 'Books closed in 5 days.' }, testContext()));
    expect(out.plan.valueSummary).toBe('Books closed in 5 days.');
    expect(out.activity).toEqual([
      expect.objectContaining({ kind: 'value_summary_edited', text: 'Edited the value summary.' }),
    ]);
    expect(applied(setValueSummary(plan, { valueSummary: plan.valueSummary }, testContext())).plan).toBe(
      plan,
    );
  });

  it('refuses a value summary over its limit with the limit and the current length', () => {
    expect(
      refused(
        setValueSummary(frozenPlan(), { valueSummary: 'x'.repeat(LIMITS.valueSummary + 1) }, testContext()),
      ),
    ).toEqual([
      {
        path: 'valueSummary',
        code: 'too_long',
        message: `The value summary is ${LIMITS.valueSummary + 1} characters long; the limit is ${LIMITS.valueSummary}.`,
      },
    ]);
  });

  it('replaces the goals, giving new goals fresh ids, and summarises the change', () => {
    const out = applied(
      setGoals(
        frozenPlan(),
        {
          goals: [
            { id: 'g-1', description: 'Close the books in 4 days', metric: 'Days', target: '4' },
            { description: 'One audited process' },
          ],
        },
        testContext(),
      ),
    );
    expect(out.plan.goals.map((g) => g.id)).toEqual(['g-1', 'id-1']);
    expect(out.plan.goals[1]).toEqual({
      id: 'id-1',
      description: 'One audited process',
      metric: '',
      target: '',
      byDate: null,
    });
    expect(out.activity).toEqual([
      expect.objectContaining({ kind: 'goals_edited', text: 'Edited the goals: 1 added and 1 changed.' }),
    ]);
  });

  it('refuses goals with a repeated id', () => {
    const problems = refused(
      setGoals(
        frozenPlan(),
        {
          goals: [
            { id: 'g', description: 'A' },
            { id: 'g', description: 'B' },
          ],
        },
        testContext(),
      ),
    );
    expect(problems).toEqual([expect.objectContaining({ path: 'goals[1].id', code: 'duplicate_id' })]);
  });

  it('replaces the risks and logs removals; the same list changes nothing', () => {
    const plan = frozenPlan();
    const out = applied(setRisks(plan, { risks: [] }, testContext()));
    expect(out.plan.risks).toEqual([]);
    expect(lastText(out)).toBe('Edited the risks: 1 removed.');
    expect(applied(setRisks(plan, { risks: plan.risks }, testContext())).plan).toBe(plan);
  });

  it('refuses a risk without a description, naming its position', () => {
    expect(
      refused(setRisks(frozenPlan(), { risks: [{ description: ' ', ownerSide: 'buyer' }] }, testContext())),
    ).toEqual([
      {
        path: 'risks[0].description',
        code: 'required',
        message: 'The description of risk 1 must not be empty.',
      },
    ]);
  });

  it('sets, changes and clears the target close date, logging each', () => {
    const cleared = applied(setTargetCloseDate(frozenPlan(), { targetCloseDate: null }, testContext()));
    expect(lastText(cleared)).toBe('Cleared the target close date (was 2026-12-11).');
    const set = applied(
      setTargetCloseDate(deepFreeze(cleared.plan), { targetCloseDate: '2026-12-18' }, testContext()),
    );
    expect(lastText(set)).toBe('Set the target close date to 2026-12-18.');
    const changed = applied(
      setTargetCloseDate(deepFreeze(set.plan), { targetCloseDate: '2026-12-21' }, testContext()),
    );
    expect(changed.plan.targetCloseDate).toBe('2026-12-21');
    expect(lastText(changed)).toBe('Changed the target close date from 2026-12-18 to 2026-12-21.');
    expect(
      refused(setTargetCloseDate(frozenPlan(), { targetCloseDate: '21/12/2026' }, testContext()))[0]?.path,
    ).toBe('targetCloseDate');
  });

  it('renames the plan, and allows an empty title', () => {
    const out = applied(setPlanTitle(frozenPlan(), { title: 'Acme 2027 rollout' }, testContext()));
    expect(out.plan.title).toBe('Acme 2027 rollout');
    expect(out.activity).toEqual([
      expect.objectContaining({
        kind: 'plan_title_changed',
        text: 'Renamed the plan to “Acme 2027 rollout”.',
      }),
    ]);
    expect(applied(setPlanTitle(frozenPlan(), { title: '' }, testContext())).plan.title).toBe('');
  });
});

describe('activity log', () => {
  it('keeps the newest LIMITS.activity entries, dropping the oldest first', () => {
    const activity = Array.from({ length: LIMITS.activity }, (_, i) =>
      anActivityEntry({ text: `entry ${i}` }),
    );
    const out = applied(setPlanTitle(frozenPlan({ activity }), { title: 'New title' }, testContext()));
    expect(out.plan.activity).toHaveLength(LIMITS.activity);
    expect(out.plan.activity[0]?.text).toBe('entry 1');
    expect(out.plan.activity.at(-1)?.text).toBe('Renamed the plan to “New title”.');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Properties: any edit, with any input, leaves its input plan untouched and returns either a valid plan or
// problems, never a half-changed plan.

const base = aPlan();
const milestoneIds = base.milestones.map((m) => m.id);
const stakeholderIds = base.stakeholders.map((s) => s.id);
const often = <T>(likely: fc.Arbitrary<T>, rarely: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 4, arbitrary: likely }, { weight: 1, arbitrary: rarely });
const anyMilestoneId = often(fc.constantFrom(...milestoneIds), fc.string({ maxLength: 5 }));
const anyStakeholderId = often(fc.constantFrom(...stakeholderIds), fc.string({ maxLength: 5 }));
const anyDate = often(
  fc.constantFrom('2026-11-02', '2026-11-16', '2026-12-01', '2026-12-11', '2026-12-20', '2027-01-15'),
  fc.constantFrom('2026-11-17', '2027-02-30', 'soon'),
);
const anyText = often(
  fc.constantFrom('Reference call', 'Pilot readout', 'Security review'),
  fc.oneof(fc.string({ maxLength: 20 }), fc.constant('   ')),
);

const inputFor: Record<EditName, fc.Arbitrary<unknown>> = {
  addMilestone: fc.record(
    {
      id: often(fc.uuid(), fc.constantFrom(...milestoneIds)),
      title: anyText,
      dueDate: anyDate,
      dependsOn: fc.subarray(milestoneIds, { maxLength: 2 }),
      sellerOwnerId: often(fc.constant('s-seller'), fc.constantFrom(...stakeholderIds, null)),
      isClose: often(fc.constant(false), fc.constant(true)),
      order: fc.nat(8),
    },
    { requiredKeys: ['title', 'dueDate', 'sellerOwnerId'] },
  ),
  updateMilestone: fc.record({
    milestoneId: anyMilestoneId,
    patch: often(
      fc.record(
        {
          title: anyText,
          description: fc.string({ maxLength: 10 }),
          weight: fc.integer({ min: 1, max: 5 }),
          visibility: fc.constantFrom('shared', 'internal'),
        },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          dependsOn: fc.subarray(milestoneIds),
          isClose: fc.boolean(),
          buyerOwnerId: fc.constantFrom(...stakeholderIds, null),
          dueDate: anyDate,
          weight: fc.double(),
        },
        { requiredKeys: [] },
      ),
    ),
  }),
  removeMilestone: fc.record({ milestoneId: anyMilestoneId }),
  reorderMilestones: fc.record({
    milestoneIds: often(
      fc.shuffledSubarray(milestoneIds, { minLength: 5 }),
      fc.array(anyMilestoneId, { maxLength: 6 }),
    ),
  }),
  setMilestoneStatus: fc.record(
    {
      milestoneId: anyMilestoneId,
      status: often(
        fc.constantFrom('not_started', 'in_progress', 'blocked', 'done', 'skipped'),
        fc.constant('late'),
      ),
      completedDate: anyDate,
    },
    { requiredKeys: ['milestoneId', 'status'] },
  ),
  moveDueDate: fc.record({ milestoneId: anyMilestoneId, dueDate: anyDate, reason: anyText }),
  addStakeholder: fc.record(
    {
      side: often(fc.constantFrom('buyer', 'seller'), fc.constant('both')),
      name: anyText,
      email: fc.constantFrom('', 'a@b.co', 'nope', null),
    },
    { requiredKeys: ['side', 'name'] },
  ),
  updateStakeholder: fc.record({
    stakeholderId: anyStakeholderId,
    patch: fc.record(
      { side: fc.constantFrom('buyer', 'seller'), name: anyText, title: anyText },
      { requiredKeys: [] },
    ),
  }),
  removeStakeholder: fc.record({ stakeholderId: anyStakeholderId }),
  setValueSummary: fc.record({ valueSummary: anyText }),
  setGoals: fc.record({
    goals: fc.array(
      fc.record(
        { id: often(fc.uuid(), fc.constant('g-1')), description: anyText },
        { requiredKeys: ['description'] },
      ),
      { maxLength: 3 },
    ),
  }),
  setRisks: fc.record({
    risks: fc.array(
      fc.record({ description: anyText, ownerSide: fc.constantFrom('buyer', 'seller', 'joint') }),
      { maxLength: 3 },
    ),
  }),
  setTargetCloseDate: fc.record({ targetCloseDate: fc.oneof(anyDate, fc.constant(null)) }),
  setPlanTitle: fc.record({ title: anyText }),
};

const editNames = Object.keys(EDITS) as EditName[];
const editAndInput = fc
  .constantFrom(...editNames)
  .chain((name) =>
    fc.tuple(
      fc.constant(name),
      fc.oneof({ weight: 4, arbitrary: inputFor[name] }, { weight: 1, arbitrary: fc.jsonValue() }),
    ),
  );

describe('edits (properties)', () => {
  it('never mutate their input plan, and return a valid plan or problems', () => {
    fc.assert(
      fc.property(fc.array(editAndInput, { minLength: 1, maxLength: 6 }), (steps) => {
        let plan = deepFreeze(aPlan());
        for (const [name, input] of steps) {
          const snapshot = structuredClone(plan);
          const result = EDITS[name](plan, input, testContext());
          expect(plan).toEqual(snapshot);
          if (!result.ok) {
            expect(result.error.length).toBeGreaterThan(0);
            continue;
          }
          expect(checkPlan(result.value.plan)).toEqual([]);
          expect(result.value.plan.version).toBe(plan.version);
          if (result.value.activity.length === 0) expect(result.value.plan).toBe(plan);
          else
            expect(result.value.plan.activity.slice(-result.value.activity.length)).toEqual(
              result.value.activity,
            );
          plan = deepFreeze(result.value.plan);
        }
      }),
      { numRuns: 400 },
    );
  });
});
