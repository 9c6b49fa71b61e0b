import fc from 'fast-check';
import { EDITS } from './edits.js';
import type { EditName } from './edits.js';
import { cleanMultiLineText, cleanSingleLineText, planSchema } from './model.js';
import type { Plan } from './model.js';
import { aPlan, deepFreeze, testContext } from './test-factories.js';

// ---------------------------------------------------------------------------------------------------------
// Text: no bidirectional controls and no other control characters (line feeds and tabs only where a text
// may have several lines).

const BIDI = [
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200E',
  '\u200F',
  '\u061C',
];
const CONTROLS = [
  '\u0000',
  '\u0007',
  '\u0008',
  '\u000B',
  '\u000C',
  '\r',
  '\u001B',
  '\u001F',
  '\u007F',
  '\u0080',
  '\u0085',
  '\u009B',
  '\u009F',
];
const BREAKS = ['\n', '\t', '\r\n', '\u2028', '\u2029'];
const BIDI_RE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
const BREAK_RE = /[\n\t\u2028\u2029]/;

/** Text a person (or an attacker) might send: ordinary characters mixed with spoofing and control characters. */
const hostileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...BIDI, ...CONTROLS, ...BREAKS),
      fc.string({ maxLength: 4 }),
      fc.constantFrom('Acme', 'CFO', ' ', 'é', '👩‍💼'),
    ),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((parts) => `A${parts.join('')}`);

/** Every string in a value, with its path. */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => strings(v, path === '' ? k : `${path}.${k}`));
  return [];
}

/** Fields of one line: a line break or tab there would also let text pretend to be something else. */
const SINGLE_LINE_PATH = /(^title$|\.(name|title|email|phase|metric|target|actor)$)/;

/** The strings of a plan that could spoof or hide text, with their paths; empty when the plan is clean. */
function unsafeStrings(plan: Plan): string[] {
  return strings(plan)
    .filter(
      ([path, s]) =>
        BIDI_RE.test(s) || CONTROL_RE.test(s) || (SINGLE_LINE_PATH.test(path) && BREAK_RE.test(s)),
    )
    .map(([path, s]) => `${path}: ${JSON.stringify(s)}`);
}

describe('cleaning text', () => {
  it('drops bidirectional controls and control characters from single-line text, a line break or tab becoming a space', () => {
    expect(cleanSingleLineText('Bea \u202Egnp.exe\u202C Buyer')).toBe('Bea gnp.exe Buyer');
    expect(cleanSingleLineText('Head of\nOperations\t(EMEA)\u0007\u001B[31m')).toBe(
      'Head of Operations (EMEA)[31m',
    );
    expect(cleanSingleLineText('\u2067Bea\u2069 \u200Fand\u200E \u061CLee')).toBe('Bea and Lee');
  });

  it('keeps line feeds and tabs in multi-line text, and turns CR LF and a lone CR into a line feed', () => {
    expect(cleanMultiLineText('Step 1\r\nStep 2\rStep\t3\u0000\u202E\u0085')).toBe('Step 1\nStep 2\nStep\t3');
  });

  it('leaves ordinary text alone, accents and emoji included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        fc.pre(!BIDI_RE.test(s) && !CONTROL_RE.test(s) && !BREAK_RE.test(s));
        expect(cleanSingleLineText(s)).toBe(s);
        expect(cleanMultiLineText(s)).toBe(s);
      }),
    );
  });
});

describe('free text in edits and stored plans carries no spoofing or control characters', () => {
  /** Each edit with text a rep types, and where that text goes. */
  const TEXT_EDITS: [name: EditName, input: (text: string) => unknown][] = [
    [
      'addMilestone',
      (t) => ({
        title: t,
        description: t,
        phase: t,
        successCriteria: t,
        dueDate: '2026-12-20',
        dependsOn: ['m-signature'],
        sellerOwnerId: 's-seller',
      }),
    ],
    [
      'updateMilestone',
      (t) => ({
        milestoneId: 'm-security',
        patch: { title: t, description: t, phase: t, successCriteria: t },
      }),
    ],
    ['moveDueDate', (t) => ({ milestoneId: 'm-kickoff', dueDate: '2026-12-18', reason: t })],
    ['addStakeholder', (t) => ({ side: 'buyer', name: t, title: t })],
    [
      'addStakeholder',
      (t) => ({ side: 'buyer', name: 'Ada', email: `${t.replace(/[\s@]/g, '')}@buyer.example` }),
    ],
    ['updateStakeholder', (t) => ({ stakeholderId: 's-champion', patch: { name: t, title: t } })],
    ['setValueSummary', (t) => ({ valueSummary: t })],
    ['setGoals', (t) => ({ goals: [{ description: t, metric: t, target: t }] })],
    ['setRisks', (t) => ({ risks: [{ description: t, mitigation: t }] })],
    ['setPlanTitle', (t) => ({ title: t })],
  ];

  it.each(TEXT_EDITS.map(([name, input], i) => [name, i, input] as const))(
    '%s (case %#) stores only clean text',
    (name, _i, input) => {
      let accepted = 0;
      fc.assert(
        fc.property(hostileText, (text) => {
          const result = EDITS[name](deepFreeze(aPlan()), input(text), testContext());
          if (!result.ok) return;
          accepted += 1;
          expect(unsafeStrings(result.value.plan)).toEqual([]);
        }),
        { numRuns: 200 },
      );
      expect(accepted).toBeGreaterThan(100);
    },
  );

  it('an RLO in a stakeholder name cannot reorder the words of the activity log', () => {
    const result = EDITS.addStakeholder(
      aPlan(),
      { side: 'buyer', name: 'Eve \u202Eecnanif fo daeH\u202C' },
      testContext(),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.plan.stakeholders.at(-1)?.name).toBe('Eve ecnanif fo daeH');
    expect(result.value.activity[0]?.text).toBe(
      'Added “Eve ecnanif fo daeH” as a stakeholder (other, buyer side).',
    );
  });

  it('a stored plan read back (planSchema) comes out clean, whatever text it held, and its ids unchanged', () => {
    const TEXT_PATHS: ((p: Plan, t: string) => Plan)[] = [
      (p, t) => ({ ...p, title: t }),
      (p, t) => ({ ...p, valueSummary: t }),
      (p, t) => ({ ...p, stakeholders: p.stakeholders.map((s) => ({ ...s, name: t, title: t, email: t })) }),
      (p, t) => ({
        ...p,
        milestones: p.milestones.map((m) => ({
          ...m,
          title: t,
          description: t,
          phase: t,
          successCriteria: t,
        })),
      }),
      (p, t) => ({ ...p, goals: p.goals.map((g) => ({ ...g, description: t, metric: t, target: t })) }),
      (p, t) => ({ ...p, risks: p.risks.map((r) => ({ ...r, description: t, mitigation: t })) }),
      (p, t) => ({ ...p, activity: p.activity.map((a) => ({ ...a, text: t, actor: t })) }),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...TEXT_PATHS), hostileText, (inject, text) => {
        const stored = inject(aPlan(), text);
        const read = planSchema.parse(JSON.parse(JSON.stringify(stored)));
        expect(unsafeStrings(read)).toEqual([]);
        expect(read.milestones.map((m) => m.id)).toEqual(stored.milestones.map((m) => m.id));
        expect(read.stakeholders.map((s) => s.id)).toEqual(stored.stakeholders.map((s) => s.id));
      }),
      { numRuns: 500 },
    );
  });

  it('a stored plan without such characters reads back unchanged', () => {
    expect(planSchema.parse(aPlan())).toEqual(aPlan());
  });
});
