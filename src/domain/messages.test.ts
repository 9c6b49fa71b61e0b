/**
 * Every problem the domain reports is a sentence a rep can read: a capital letter (or an opening quote, when
 * it starts with a name) first, a full stop last, and none of zod's own wording.
 */
import fc from 'fast-check';
import { EDITS } from './edits.js';
import type { EditName } from './edits.js';
import type { Problem } from './result.js';
import { checkTemplate, templateSchema } from './template-model.js';
import { applyTemplate, getTemplate, scheduleTemplate } from './templates.js';
import { aPlan, deepFreeze, TEST_TODAY, testContext } from './test-factories.js';
import { validatePlan } from './validate.js';
import { zodErrorToProblems } from './zod-problems.js';

/** zod's wording and the signs of a message assembled from the wrong parts. */
const NOT_OURS = [
  /regex/i,
  /Invalid (input|string|option|type|key|element|union)/,
  /expected \w+, received/i,
  /Too (big|small)/,
  /Unrecognized key/,
  /\bin \w+ format\b/,
  /must be (record|nan|bigint|map|set|tuple|symbol|undefined|unknown|never|literal)\b/,
  /\bundefined\b|\bnull\b(?! \()|\[object Object\]|\bNaN\b/,
];
/** Plural subjects take a plural verb. */
const PLURAL_WITH_IS =
  /^The (goals|risks|milestones|stakeholders|phases|stakeholder slots|assignees|dependencies|milestone ids) is\b/;

/** Why a message is not a sentence of ours; empty when it is. */
function flaws(message: string): string[] {
  const out: string[] = [];
  // What the input said is quoted (“…”) and may be anything; the sentence around it is ours.
  const ours = message.replace(/“[^”]*”/g, '“…”');
  if (!/^[A-Z“]/.test(ours)) out.push('does not start with a capital letter');
  if (!/[.!?]$/.test(ours)) out.push('does not end with a full stop');
  if (/\s{2,}|\s[.,;:]/.test(ours)) out.push('has stray spaces');
  for (const re of NOT_OURS) if (re.test(ours)) out.push(`matches ${String(re)}`);
  if (PLURAL_WITH_IS.test(ours)) out.push('a plural subject with "is"');
  return out;
}

const flawed = (problems: readonly Problem[]): string[] =>
  problems.flatMap((p) => flaws(p.message).map((f) => `${p.path}: ${JSON.stringify(p.message)} ${f}`));

const refusal = (result: { ok: boolean; error?: readonly Problem[] }): readonly Problem[] =>
  result.ok ? [] : (result.error ?? []);

const template = (id: string) => {
  const t = getTemplate(id);
  if (!t) throw new Error(`no template ${id}`);
  return structuredClone(t);
};

describe('every problem message reads as a sentence', () => {
  const BAD_INPUTS: [label: string, problems: () => readonly Problem[]][] = [
    [
      'a template key that breaks its pattern',
      () => {
        const input = { ...template('smb-quick-close'), id: 'Quick Close' };
        const parsed = templateSchema.safeParse(input);
        return parsed.success ? [] : zodErrorToProblems(parsed.error, input);
      },
    ],
    [
      'a template without its lists',
      () => {
        const input = { id: 'x', name: 'X', description: '' };
        const parsed = templateSchema.safeParse(input);
        return parsed.success ? [] : zodErrorToProblems(parsed.error, input);
      },
    ],
    [
      'a template with a loop and no close',
      () => {
        const t = template('smb-quick-close');
        t.milestones = t.milestones.map((m) => ({
          ...m,
          isClose: false,
          dependsOn: [t.milestones[1]!.key],
          offsetWorkingDays: 0,
        }));
        return checkTemplate(t);
      },
    ],
    [
      'a title given as a list',
      () => refusal(EDITS.addMilestone(aPlan(), { title: [], dueDate: '2026-12-01' }, testContext())),
    ],
    [
      'a title given as a boxed string',
      () =>
        refusal(
          EDITS.addMilestone(
            aPlan(),
            { title: Object('x') as unknown, dueDate: '2026-12-01' },
            testContext(),
          ),
        ),
    ],
    ['no goals', () => refusal(EDITS.setGoals(aPlan(), {}, testContext()))],
    ['no risks', () => refusal(EDITS.setRisks(aPlan(), { risks: 'none' }, testContext()))],
    ['milestone ids missing', () => refusal(EDITS.reorderMilestones(aPlan(), {}, testContext()))],
    [
      'assignees that are not an object',
      () =>
        refusal(
          applyTemplate(
            aPlan({ milestones: [] }),
            { templateId: 'smb-quick-close', targetCloseDate: '2026-12-11', assignees: 'ae' },
            testContext(),
          ),
        ),
    ],
    [
      'assignees with odd keys and values',
      () =>
        refusal(
          applyTemplate(
            aPlan({ milestones: [] }),
            {
              templateId: 'smb-quick-close',
              targetCloseDate: '2026-12-11',
              assignees: { '': 's-legal', '!/x y': 3, champion: '' },
            },
            testContext(),
          ),
        ),
    ],
    [
      'a date out of range',
      () => refusal(EDITS.setTargetCloseDate(aPlan(), { targetCloseDate: '9999-12-31' }, testContext())),
    ],
    [
      'a date that does not exist',
      () =>
        refusal(
          EDITS.moveDueDate(
            aPlan(),
            { milestoneId: 'm-kickoff', dueDate: '2026-02-30', reason: 'x' },
            testContext(),
          ),
        ),
    ],
    [
      'a bad email',
      () =>
        refusal(
          EDITS.addStakeholder(aPlan(), { side: 'buyer', name: 'Ada', email: 'ada at acme' }, testContext()),
        ),
    ],
    [
      'a target too soon',
      () => refusal(scheduleTemplate(template('enterprise-deal'), '2026-11-20', TEST_TODAY)),
    ],
    [
      'a target too late',
      () => refusal(scheduleTemplate(template('enterprise-deal'), '2100-12-31', TEST_TODAY)),
    ],
    [
      'a stored plan with wrong types everywhere',
      () =>
        refusal(
          validatePlan({
            ...aPlan(),
            goals: null,
            risks: {},
            milestones: [{ title: 5 }],
            stakeholders: 'x',
            version: -1,
            deal: [],
            activity: [{}],
          }),
        ),
    ],
    ['a stored plan missing its lists', () => refusal(validatePlan({ deal: aPlan().deal, title: 'T' }))],
  ];

  it.each(BAD_INPUTS)('%s', (_label, problems) => {
    const found = problems();
    expect(found.length).toBeGreaterThan(0);
    expect(flawed(found)).toEqual([]);
  });

  it('reports a field of the wrong type once, as a wrong type', () => {
    expect(refusal(EDITS.addMilestone(aPlan(), { title: [], dueDate: '2026-12-01' }, testContext()))).toEqual(
      [{ path: 'title', code: 'invalid_value', message: 'The title must be text.' }],
    );
  });

  it('names a template key that breaks its pattern with the rule it breaks', () => {
    const input = { ...template('smb-quick-close'), id: 'Quick Close' };
    const parsed = templateSchema.safeParse(input);
    expect(parsed.success ? [] : zodErrorToProblems(parsed.error, input)).toEqual([
      {
        path: 'id',
        code: 'invalid_value',
        message: 'The id must be written in lowercase words joined by hyphens, such as security-review.',
      },
    ]);
  });

  it('names an assignee by its slot, whatever the key', () => {
    const problems = refusal(
      applyTemplate(
        aPlan({ milestones: [] }),
        { templateId: 'smb-quick-close', targetCloseDate: '2026-12-11', assignees: { '!/x y': 3 } },
        testContext(),
      ),
    );
    expect(problems).toEqual([
      {
        path: 'assignees.!/x y',
        code: 'invalid_value',
        message: 'The assignee for the slot “!/x y” must be text.',
      },
    ]);
  });

  const KEYS = [
    'title',
    'dueDate',
    'milestoneId',
    'stakeholderId',
    'status',
    'patch',
    'goals',
    'risks',
    'name',
    'side',
    'email',
    'templateId',
    'targetCloseDate',
    'assignees',
    'valueSummary',
    'completedDate',
    'reason',
    'milestoneIds',
    'id',
    'description',
    'byDate',
    'weight',
    'order',
  ];
  const fuzz = fc.oneof(
    fc.anything(),
    fc.dictionary(
      fc.constantFrom(...KEYS),
      fc.oneof(fc.anything(), fc.constantFrom('', '9999-12-31', 'm-security', 's-champion', 'done')),
    ),
  );
  const EDIT_NAMES = Object.keys(EDITS) as EditName[];

  it('for any input to any edit, applying a template or reading a plan', () => {
    const plan = deepFreeze(aPlan());
    fc.assert(
      fc.property(fuzz, (input) => {
        for (const name of EDIT_NAMES)
          expect(flawed(refusal(EDITS[name](plan, input, testContext())))).toEqual([]);
        expect(flawed(refusal(applyTemplate(plan, input, testContext())))).toEqual([]);
        expect(flawed(refusal(validatePlan(input)))).toEqual([]);
        const parsed = templateSchema.safeParse(input);
        if (!parsed.success) expect(flawed(zodErrorToProblems(parsed.error, input))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
