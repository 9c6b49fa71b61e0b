import fc from 'fast-check';
import {
  addDays,
  addWorkingDays,
  isIsoDate,
  isWorkingDay,
  MAX_DATE,
  MIN_DATE,
  workingDaysBetween,
} from './dates.js';
import type { EditResult } from './edits.js';
import { emptyPlan } from './model.js';
import type { Plan } from './model.js';
import type { Problem } from './result.js';
import { checkTemplate, templateSchema } from './template-model.js';
import type { Template, TemplateMilestone } from './template-model.js';
import {
  applyTemplate,
  earliestFeasibleCloseDate,
  getTemplate,
  latestFeasibleCloseDate,
  listTemplates,
  placeholderName,
  scheduleTemplate,
  workingDaysAfterClose,
  workingDaysNeeded,
} from './templates.js';
import { aPlan, deepFreeze, TEST_DEAL, TEST_TODAY, testContext } from './test-factories.js';
import { checkPlan } from './validate.js';

function applied(result: EditResult) {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}
function refused(result: { ok: boolean; error?: Problem[] }): Problem[] {
  if (result.ok || !result.error) throw new Error('expected a refusal');
  return result.error;
}
const template = (id: string): Template => {
  const t = getTemplate(id);
  if (!t) throw new Error(`no template ${id}`);
  return t;
};
const emptyTestPlan = (): Plan => deepFreeze(emptyPlan(TEST_DEAL, 'Acme'));

describe('built-in templates', () => {
  it('offers at least the four built-in templates, each found by id', () => {
    const ids = listTemplates().map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining(['smb-quick-close', 'mid-market-saas', 'enterprise-deal', 'renewal-expansion']),
    );
    for (const id of ids) expect(getTemplate(id)?.id).toBe(id);
    expect(getTemplate('nope')).toBeUndefined();
  });

  it('cannot be changed by a caller', () => {
    const t = template('smb-quick-close');
    expect(() => {
      (t.milestones[0] as { title: string }).title = 'Changed';
    }).toThrow(TypeError);
  });

  describe.each(listTemplates().map((t) => [t.id, t] as const))('%s', (_id, t) => {
    it('matches the template schema and passes every template rule', () => {
      expect(templateSchema.safeParse(t).success).toBe(true);
      expect(checkTemplate(t)).toEqual([]);
    });

    it('has 6–20 milestones with dependencies and exactly one close milestone at offset 0', () => {
      expect(t.milestones.length).toBeGreaterThanOrEqual(6);
      expect(t.milestones.length).toBeLessThanOrEqual(20);
      expect(t.milestones.filter((m) => m.dependsOn.length > 0).length).toBeGreaterThanOrEqual(
        t.milestones.length - 1,
      );
      expect(t.milestones.filter((m) => m.isClose).map((m) => m.offsetWorkingDays)).toEqual([0]);
    });

    it('plans onboarding, first value and an ROI review after signature', () => {
      for (const phase of ['Onboarding', 'First value', 'ROI review']) {
        expect(t.phases.find((p) => p.name === phase)?.sellerStage).toBe('post_sale');
        expect(t.milestones.some((m) => m.phase === phase && m.offsetWorkingDays > 0)).toBe(true);
      }
    });

    it('names every milestone, description and success criterion', () => {
      for (const m of t.milestones) {
        expect(m.title.length).toBeGreaterThan(10);
        expect(m.description.length).toBeGreaterThan(20);
        expect(m.successCriteria.length).toBeGreaterThan(10);
      }
    });
  });
});

describe('checkTemplate', () => {
  const base = (): Template => structuredClone(template('smb-quick-close'));
  const withMilestone = (key: string, change: Partial<TemplateMilestone>): Template => {
    const t = base();
    t.milestones = t.milestones.map((m) => (m.key === key ? { ...m, ...change } : m));
    return t;
  };
  const found = (t: Template) => checkTemplate(t).map((p) => [p.path, p.code]);

  it('reports a repeated milestone key', () => {
    expect(found(withMilestone('demo', { key: 'trial' }))).toContainEqual([
      'milestones[2].key',
      'duplicate_id',
    ]);
  });
  it('reports a dependency on an unknown key and on itself', () => {
    expect(found(withMilestone('demo', { dependsOn: ['nope'] }))).toEqual([
      ['milestones[1].dependsOn[0]', 'unknown_dependency'],
    ]);
    expect(found(withMilestone('demo', { dependsOn: ['demo'] }))).toEqual([
      ['milestones[1].dependsOn[0]', 'self_dependency'],
    ]);
  });
  it('reports a dependency loop', () => {
    expect(found(withMilestone('discovery-call', { dependsOn: ['demo'], offsetWorkingDays: -8 }))).toEqual([
      ['milestones[0].dependsOn', 'dependency_cycle'],
    ]);
  });
  it('reports a missing close milestone, two close milestones, and a close not at offset 0', () => {
    expect(found(withMilestone('signature', { isClose: false }))).toEqual([
      ['milestones', 'no_close_milestone'],
    ]);
    expect(found(withMilestone('proposal', { isClose: true }))).toEqual([
      ['milestones[3].offsetWorkingDays', 'invalid_template'],
      ['milestones', 'several_close_milestones'],
    ]);
  });
  it('reports a milestone scheduled before one it depends on', () => {
    expect(found(withMilestone('demo', { offsetWorkingDays: -11 }))).toEqual([
      ['milestones[1].offsetWorkingDays', 'invalid_template'],
    ]);
  });
  it('reports unknown phases, unknown slots, slots on the wrong side and unused slots', () => {
    expect(found(withMilestone('demo', { phase: 'Nowhere' }))).toEqual([
      ['milestones[1].phase', 'invalid_template'],
    ]);
    expect(found(withMilestone('demo', { sellerSlot: 'ghost' }))).toEqual([
      ['milestones[1].sellerSlot', 'invalid_template'],
    ]);
    expect(found(withMilestone('demo', { buyerSlot: 'ae' }))).toEqual([
      ['milestones[1].buyerSlot', 'invalid_template'],
    ]);
    const unused = base();
    unused.stakeholderSlots.push({ key: 'spare', side: 'buyer', role: 'other', label: 'Spare' });
    expect(found(unused)).toEqual([['stakeholderSlots[4]', 'invalid_template']]);
  });
  it('reports a shared milestone without an owner slot', () => {
    const t = base();
    const { sellerSlot: _s, buyerSlot: _b, ...ownerless } = t.milestones[1]!;
    t.milestones[1] = ownerless;
    expect(found(t)).toEqual([['milestones[1]', 'no_owner']]);
    t.milestones[1] = { ...ownerless, visibility: 'internal' };
    expect(found(t)).toEqual([]);
  });
});

describe('scheduleTemplate', () => {
  const smb = template('smb-quick-close');

  it('dates each milestone by working days from the close, skipping weekends', () => {
    // 2026-12-11 is a Friday; 10 working days before is Friday 2026-11-27.
    const result = scheduleTemplate(smb, '2026-12-11', TEST_TODAY);
    if (!result.ok) throw new Error('expected a schedule');
    const { dueDates, closeDate, targetAdjusted, workingDaysBeforeClose } = result.value;
    expect(closeDate).toBe('2026-12-11');
    expect(targetAdjusted).toBe(false);
    expect(workingDaysBeforeClose).toBe(10);
    expect(Object.fromEntries(dueDates)).toEqual({
      'discovery-call': '2026-11-27',
      demo: '2026-12-01',
      trial: '2026-12-04',
      proposal: '2026-12-08',
      signature: '2026-12-11',
      kickoff: '2026-12-15',
      'first-workflow-live': '2026-12-25',
      'value-check-in': '2027-01-12',
    });
  });

  it('rolls a weekend target back to the Friday before and says so', () => {
    const result = scheduleTemplate(smb, '2026-12-13', TEST_TODAY);
    if (!result.ok) throw new Error('expected a schedule');
    expect(result.value.closeDate).toBe('2026-12-11');
    expect(result.value.targetAdjusted).toBe(true);
    expect(result.value.dueDates.get('discovery-call')).toBe('2026-11-27');
  });

  it('refuses a target that leaves too few working days, with what is needed and the earliest feasible date', () => {
    // Today is Monday 2026-11-16; the template needs 10 working days; Friday 2026-11-27 leaves 9.
    expect(refused(scheduleTemplate(smb, '2026-11-27', TEST_TODAY))).toEqual([
      {
        path: 'targetCloseDate',
        code: 'target_too_soon',
        message:
          'The “Quick SMB close” template needs 10 working days before the close, but a close on 2026-11-27 leaves only 9 working days from today (2026-11-16). The earliest feasible target close date is 2026-11-30; choose a later date or a shorter template.',
      },
    ]);
    expect(scheduleTemplate(smb, '2026-11-30', TEST_TODAY).ok).toBe(true);
  });

  it('refuses a target in the past', () => {
    const problems = refused(scheduleTemplate(smb, '2026-11-02', TEST_TODAY));
    expect(problems[0]?.message).toContain('leaves no working days');
  });

  it('refuses dates that are not calendar dates', () => {
    expect(refused(scheduleTemplate(smb, '2026-11-31', 'today')).map((p) => p.path)).toEqual([
      'targetCloseDate',
      'today',
    ]);
  });

  it('for any feasible target: working days only, nothing before today, dependencies first, close on the target working day', () => {
    const days = fc.integer({ min: 0, max: 400 });
    fc.assert(
      fc.property(fc.constantFrom(...listTemplates()), days, days, (t, todayOffset, extra) => {
        const today = addDays('2026-01-01', todayOffset);
        const target = addDays(earliestFeasibleCloseDate(t, today), extra);
        const result = scheduleTemplate(t, target, today);
        if (!result.ok) throw new Error(JSON.stringify(result.error));
        const { dueDates, closeDate } = result.value;
        expect(closeDate <= target && workingDaysBetween(closeDate, target) === 0).toBe(true);
        for (const m of t.milestones) {
          const due = dueDates.get(m.key)!;
          expect(isWorkingDay(due)).toBe(true);
          expect(due >= today).toBe(true);
          expect(workingDaysBetween(closeDate, due)).toBe(m.offsetWorkingDays);
          for (const dep of m.dependsOn) expect(dueDates.get(dep)! <= due).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('for any target earlier than the earliest feasible one: refuses and names that date', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...listTemplates()),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 30 }),
        (t, todayOffset, early) => {
          const today = addDays('2026-01-01', todayOffset);
          const earliest = earliestFeasibleCloseDate(t, today);
          const target = addWorkingDays(earliest, -early);
          const problems = refused(scheduleTemplate(t, target, today));
          expect(problems).toEqual([
            expect.objectContaining({ code: 'target_too_soon', message: expect.stringContaining(earliest) }),
          ]);
          expect(problems[0]?.message).toContain(`needs ${workingDaysNeeded(t)} working days`);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('scheduleTemplate with far dates (dates are bounded to 1970–2100)', () => {
  const smb = template('smb-quick-close');
  const FAR = ['9999-12-31', '2101-01-01', '1969-12-31', '0001-01-01', MAX_DATE, MIN_DATE, '2100-10-01'];
  /** A problem message reads as a sentence: a capital letter (or an opening quote) first, a full stop last. */
  const isSentence = (message: string): boolean => /^[A-Z“]/.test(message) && /[.!?]$/.test(message);

  it('refuses a target close date outside 1970–2100 at once, in a sentence', () => {
    expect(refused(scheduleTemplate(smb, '9999-12-31', TEST_TODAY))).toEqual([
      {
        path: 'targetCloseDate',
        code: 'invalid_value',
        message:
          'The target close date must be between 1 January 1970 and 31 December 2100; 9999-12-31 is not.',
      },
    ]);
    expect(refused(scheduleTemplate(smb, '2026-12-11', '1969-12-31'))).toEqual([
      {
        path: 'today',
        code: 'invalid_value',
        message: 'Today must be between 1 January 1970 and 31 December 2100; 1969-12-31 is not.',
      },
    ]);
  });

  it('refuses, through applyTemplate, a target of 9999-12-31 with the same sentence and changes nothing', () => {
    const ctx = testContext();
    expect(
      refused(
        applyTemplate(emptyTestPlan(), { templateId: 'enterprise-deal', targetCloseDate: '9999-12-31' }, ctx),
      ),
    ).toEqual([
      {
        path: 'targetCloseDate',
        code: 'invalid_value',
        message:
          'The target close date must be between 1 January 1970 and 31 December 2100; 9999-12-31 is not.',
      },
    ]);
    expect(ctx.issuedIds()).toEqual([]);
  });

  it('refuses a target so late that a milestone after the close would fall past 2100-12-31, naming the latest feasible date', () => {
    // The last milestone of the template comes 22 working days after the close; 2100-12-31 is a Friday.
    expect(workingDaysAfterClose(smb)).toBe(22);
    const latest = latestFeasibleCloseDate(smb);
    expect(latest).toBe('2100-12-01');
    expect(refused(scheduleTemplate(smb, MAX_DATE, TEST_TODAY))).toEqual([
      {
        path: 'targetCloseDate',
        code: 'target_too_late',
        message: `The “Quick SMB close” template plans “30-day value check-in” 22 working days after the close, on 2101-02-01, past 31 December 2100, the last date a plan can hold. The latest feasible target close date is ${latest}; choose an earlier date.`,
      },
    ]);
    const ok = scheduleTemplate(smb, latest, TEST_TODAY);
    expect(ok.ok && [...ok.value.dueDates.values()].every((d) => d <= MAX_DATE)).toBe(true);
  });

  it('schedules or refuses far dates in well under 50 ms, for every template', () => {
    const started = performance.now();
    for (const t of listTemplates()) {
      for (const target of FAR) {
        scheduleTemplate(t, target, TEST_TODAY);
        scheduleTemplate(t, target, MIN_DATE);
        applyTemplate(emptyTestPlan(), { templateId: t.id, targetCloseDate: target }, testContext());
      }
    }
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('for any today and target of the range: dates stay in the range and every refusal is a short sentence', () => {
    const day = fc
      .integer({ min: 0, max: workingDaysBetween(MIN_DATE, MAX_DATE) })
      .map((n) => addWorkingDays(MIN_DATE, n));
    const anyDate = fc.oneof(
      day,
      day.map((d) => addDays(d, 1)).filter(isIsoDate),
      fc.constantFrom(MIN_DATE, MAX_DATE),
    );
    fc.assert(
      fc.property(fc.constantFrom(...listTemplates()), anyDate, anyDate, (t, target, today) => {
        const result = scheduleTemplate(t, target, today);
        if (result.ok) {
          for (const due of result.value.dueDates.values()) expect(isIsoDate(due) && due >= today).toBe(true);
          return;
        }
        for (const p of result.error) {
          expect(isSentence(p.message)).toBe(true);
          // Counts of working days in a refusal are what the template needs or what is left: never thousands.
          for (const [, n] of p.message.matchAll(/(\d+) working days?/g))
            expect(Number(n)).toBeLessThanOrEqual(260);
          for (const [date] of p.message.matchAll(/\d{4}-\d{2}-\d{2}/g)) expect(date.length).toBe(10);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('applyTemplate', () => {
  it('creates the template’s milestones with fresh ids, baseline = due date, in due-date order, and logs it', () => {
    const ctx = testContext();
    const out = applied(
      applyTemplate(emptyTestPlan(), { templateId: 'smb-quick-close', targetCloseDate: '2026-12-11' }, ctx),
    );
    const { plan } = out;
    expect(checkPlan(plan)).toEqual([]);
    expect(plan.templateId).toBe('smb-quick-close');
    expect(plan.targetCloseDate).toBe('2026-12-11');
    expect(plan.milestones).toHaveLength(8);
    const ids = plan.milestones.map((m) => m.id);
    expect(ctx.issuedIds()).toEqual(expect.arrayContaining(ids));
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of plan.milestones) {
      expect(m.baselineDueDate).toBe(m.dueDate);
      expect(m.status).toBe('not_started');
    }
    const byOrder = [...plan.milestones].sort((a, b) => a.order - b.order).map((m) => m.dueDate);
    expect(byOrder).toEqual([...byOrder].sort());
    const close = plan.milestones.find((m) => m.isClose);
    expect(close).toEqual(expect.objectContaining({ title: 'Order form signed', dueDate: '2026-12-11' }));
    const demo = plan.milestones.find((m) => m.title === 'Tailored demo for the team');
    const discovery = plan.milestones.find((m) => m.title.startsWith('Discovery call'));
    expect(demo?.dependsOn).toEqual([discovery?.id]);
    expect(out.activity).toEqual([
      expect.objectContaining({
        kind: 'template_applied',
        text: 'Applied the template “Quick SMB close”: 8 milestones; close planned on 2026-12-11; placeholder stakeholders added for “Account executive (to be named)”, “Onboarding specialist (to be named)”, “Decision maker (to be named)” and “Champion (to be named)”.',
      }),
    ]);
  });

  it('fills each slot with the assignee given, else a stakeholder with the same side and role, else a labelled placeholder', () => {
    const plan = deepFreeze(aPlan({ milestones: [] }));
    const out = applied(
      applyTemplate(
        plan,
        {
          templateId: 'smb-quick-close',
          targetCloseDate: '2026-12-11',
          assignees: { 'decision-maker': 's-legal' },
        },
        testContext(),
      ),
    );
    const ownerOf = (title: string) => out.plan.milestones.find((m) => m.title === title);
    // The account executive exists (s-seller), the champion exists (s-champion), the decision maker is assigned.
    expect(ownerOf('Order form signed')).toEqual(
      expect.objectContaining({ sellerOwnerId: 's-seller', buyerOwnerId: 's-legal' }),
    );
    expect(ownerOf('Tailored demo for the team')?.buyerOwnerId).toBe('s-champion');
    // Nobody has the onboarding role: a placeholder, never an invented person.
    const added = out.plan.stakeholders.slice(plan.stakeholders.length);
    expect(added).toEqual([
      {
        id: 'id-1',
        side: 'seller',
        name: placeholderName('Onboarding specialist'),
        email: null,
        title: '',
        role: 'customer_success_manager',
        crmContactId: null,
        ownerId: null,
      },
    ]);
    expect(ownerOf('Onboarding kickoff and account set-up')?.sellerOwnerId).toBe('id-1');
  });

  it('refuses a plan that already has milestones unless asked to replace them', () => {
    const plan = deepFreeze(aPlan());
    expect(
      refused(
        applyTemplate(plan, { templateId: 'smb-quick-close', targetCloseDate: '2026-12-11' }, testContext()),
      ),
    ).toEqual([
      {
        path: 'replaceExisting',
        code: 'plan_not_empty',
        message:
          'The plan already has 5 milestones; applying “Quick SMB close” replaces them. Confirm to replace them.',
      },
    ]);
    const out = applied(
      applyTemplate(
        plan,
        { templateId: 'smb-quick-close', targetCloseDate: '2026-12-11', replaceExisting: true },
        testContext(),
      ),
    );
    expect(out.plan.milestones.map((m) => m.id)).not.toContain('m-security');
    expect(out.plan.milestones).toHaveLength(8);
    expect(out.activity[0]?.text).toContain('replaced 5 earlier milestones');
    expect(out.plan.stakeholders.slice(0, 3)).toEqual(plan.stakeholders);
  });

  it('refuses assignees for unknown slots, unknown stakeholders and the wrong side', () => {
    const problems = refused(
      applyTemplate(
        deepFreeze(aPlan({ milestones: [] })),
        {
          templateId: 'smb-quick-close',
          targetCloseDate: '2026-12-11',
          assignees: { cfo: 's-legal', champion: 's-nobody', ae: 's-champion' },
        },
        testContext(),
      ),
    );
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['assignees.cfo', 'invalid_value'],
      ['assignees.champion', 'unknown_owner'],
      ['assignees.ae', 'owner_wrong_side'],
    ]);
    expect(problems[2]?.message).toBe(
      '“Bea Buyer” is on the buyer side and cannot fill the seller-side slot Account executive.',
    );
  });

  it('refuses an unknown template, naming the ones there are', () => {
    const problems = refused(
      applyTemplate(emptyTestPlan(), { templateId: 'unicorn', targetCloseDate: '2026-12-11' }, testContext()),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'templateId',
        code: 'not_found',
        message: expect.stringContaining('smb-quick-close'),
      }),
    ]);
  });

  it('refuses a target close date too soon for the template, changing nothing', () => {
    const ctx = testContext();
    const problems = refused(
      applyTemplate(emptyTestPlan(), { templateId: 'enterprise-deal', targetCloseDate: '2026-12-11' }, ctx),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'target_too_soon',
        message: expect.stringContaining('needs 70 working days'),
      }),
    ]);
    expect(ctx.issuedIds()).toEqual([]);
  });

  it('sets the target close date to the Friday before a weekend target and says so in the log', () => {
    const out = applied(
      applyTemplate(
        emptyTestPlan(),
        { templateId: 'smb-quick-close', targetCloseDate: '2026-12-12' },
        testContext(),
      ),
    );
    expect(out.plan.targetCloseDate).toBe('2026-12-11');
    expect(out.activity[0]?.text).toContain(
      'close planned on 2026-12-11, the working day before the target 2026-12-12, which falls on a weekend',
    );
  });

  it('refuses input that breaks its schema', () => {
    const problems = refused(
      applyTemplate(
        emptyTestPlan(),
        { templateId: 'smb-quick-close', targetCloseDate: 'next month', replace: true },
        testContext(),
      ),
    );
    expect(problems.map((p) => p.path)).toEqual(['targetCloseDate', 'replace']);
  });

  it.each(listTemplates().map((t) => [t.id]))(
    'gives a valid plan from %s, leaving the input plan unchanged',
    (id) => {
      const plan = emptyTestPlan();
      const out = applied(
        applyTemplate(plan, { templateId: id, targetCloseDate: '2027-06-30' }, testContext()),
      );
      expect(checkPlan(out.plan)).toEqual([]);
      expect(out.plan.milestones).toHaveLength(template(id).milestones.length);
      expect(out.plan.stakeholders.every((s) => s.name.endsWith('(to be named)') && s.email === null)).toBe(
        true,
      );
      expect(plan).toEqual(emptyPlan(TEST_DEAL, 'Acme'));
    },
  );
});
