/**
 * Plan templates: a reusable set of milestones, dated relative to the target close date in working days,
 * with stakeholder slots that become the milestones' owners when the template is applied.
 */
import { z } from 'zod';
import {
  LIMITS,
  multiLineTextSchema,
  sideSchema,
  singleLineTextSchema,
  stakeholderRoleSchema,
  visibilitySchema,
} from './model.js';
import { problem } from './result.js';
import type { Problem } from './result.js';
import { findDependencyCycles } from './validate.js';
import { listNames, quote } from './wording.js';

/** Seller-side stages, for reporting; phases themselves are named in the buyer's language. */
export const SELLER_STAGES = [
  'qualification',
  'discovery',
  'solution',
  'proposal',
  'negotiation',
  'closed_won',
  'post_sale',
] as const;
export const sellerStageSchema = z.enum(SELLER_STAGES);
export type SellerStage = z.infer<typeof sellerStageSchema>;

/** Working days a template may reach before or after the close: about a year either way. */
export const MAX_TEMPLATE_OFFSET = 260;

const KEY_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// A refinement rather than .regex(): its message reaches the rep (a regex failure would read "in regex format").
const keySchema = z
  .string()
  .min(1)
  .max(LIMITS.id)
  .refine((key) => KEY_RE.test(key), {
    message: 'must be written in lowercase words joined by hyphens, such as security-review',
  });

export const templatePhaseSchema = z.strictObject({
  /** In the buyer's language: "Validate the solution", not "Technical win". */
  name: singleLineTextSchema().trim().min(1).max(LIMITS.phase),
  sellerStage: sellerStageSchema,
});
export type TemplatePhase = z.infer<typeof templatePhaseSchema>;

export const stakeholderSlotSchema = z.strictObject({
  key: keySchema,
  side: sideSchema,
  role: stakeholderRoleSchema,
  /** What the slot is called; a placeholder stakeholder is named "<label> (to be named)". */
  label: singleLineTextSchema()
    .trim()
    .min(1)
    .max(LIMITS.name - 20),
});
export type StakeholderSlot = z.infer<typeof stakeholderSlotSchema>;

export const templateMilestoneSchema = z.strictObject({
  key: keySchema,
  title: singleLineTextSchema().trim().min(1).max(LIMITS.title),
  description: multiLineTextSchema().max(LIMITS.description),
  /** The name of one of the template's phases. */
  phase: singleLineTextSchema().max(LIMITS.phase),
  /** Key of a seller-side slot that owns the milestone. */
  sellerSlot: keySchema.optional(),
  /** Key of a buyer-side slot that owns the milestone. */
  buyerSlot: keySchema.optional(),
  /** Working days from the target close date: negative before, 0 the close itself, positive after signature. */
  offsetWorkingDays: z.number().int().min(-MAX_TEMPLATE_OFFSET).max(MAX_TEMPLATE_OFFSET),
  /** Keys of the milestones this one waits for. */
  dependsOn: z.array(keySchema).max(LIMITS.dependsOn),
  isClose: z.boolean(),
  visibility: visibilitySchema,
  successCriteria: multiLineTextSchema().max(LIMITS.successCriteria),
  weight: z.number().positive().max(LIMITS.maxWeight),
});
export type TemplateMilestone = z.infer<typeof templateMilestoneSchema>;

export const templateSchema = z.strictObject({
  id: keySchema,
  name: singleLineTextSchema().trim().min(1).max(LIMITS.title),
  description: multiLineTextSchema().max(LIMITS.description),
  phases: z.array(templatePhaseSchema).min(1).max(20),
  stakeholderSlots: z.array(stakeholderSlotSchema).max(LIMITS.stakeholders),
  milestones: z.array(templateMilestoneSchema).min(1).max(LIMITS.milestones),
});
export type Template = z.infer<typeof templateSchema>;

/**
 * The rules a template must follow beyond its structure, so that applying it always gives a valid plan:
 * unique keys, known phases, slots and dependencies, no dependency loop, exactly one close milestone at
 * offset 0, no milestone scheduled before one it depends on, an owner slot on the matching side for every
 * shared milestone, and every slot used.
 */
export function checkTemplate(template: Template): Problem[] {
  const out: Problem[] = [];
  const bad = (path: string, message: string): void => {
    out.push(problem(path, 'invalid_template', message));
  };
  const ms = template.milestones;

  const phaseNames = new Set<string>();
  template.phases.forEach((p, i) => {
    if (phaseNames.has(p.name)) bad(`phases[${i}].name`, `The phase ${quote(p.name)} is listed twice.`);
    phaseNames.add(p.name);
  });

  const slots = new Map<string, (typeof template.stakeholderSlots)[number]>();
  template.stakeholderSlots.forEach((s, i) => {
    if (slots.has(s.key))
      out.push(
        problem(
          `stakeholderSlots[${i}].key`,
          'duplicate_id',
          `The stakeholder slot ${s.key} is listed twice.`,
        ),
      );
    else slots.set(s.key, s);
  });

  const byKey = new Map<string, TemplateMilestone>();
  ms.forEach((m, i) => {
    if (byKey.has(m.key))
      out.push(problem(`milestones[${i}].key`, 'duplicate_id', `The milestone key ${m.key} is used twice.`));
    else byKey.set(m.key, m);
  });

  const usedSlots = new Set<string>();
  ms.forEach((m, i) => {
    const at = `milestones[${i}]`;
    const name = quote(m.title);
    if (!phaseNames.has(m.phase))
      bad(
        `${at}.phase`,
        `Milestone ${name} is in the phase ${quote(m.phase)}, which the template does not list.`,
      );
    for (const [field, key, side] of [
      ['sellerSlot', m.sellerSlot, 'seller'],
      ['buyerSlot', m.buyerSlot, 'buyer'],
    ] as const) {
      if (key === undefined) continue;
      usedSlots.add(key);
      const slot = slots.get(key);
      if (!slot)
        bad(
          `${at}.${field}`,
          `Milestone ${name} is owned by the slot ${key}, which the template does not list.`,
        );
      else if (slot.side !== side)
        bad(
          `${at}.${field}`,
          `Milestone ${name} has the ${slot.side}-side slot ${key} as its ${side}-side owner.`,
        );
    }
    if (m.sellerSlot === undefined && m.buyerSlot === undefined && m.visibility !== 'internal') {
      out.push(
        problem(
          at,
          'no_owner',
          `Milestone ${name} has no owner slot; only internal milestones may have none.`,
        ),
      );
    }
    if (m.isClose && m.offsetWorkingDays !== 0) {
      bad(
        `${at}.offsetWorkingDays`,
        `The close milestone ${name} must be at offset 0 (the target close date), not ${m.offsetWorkingDays}.`,
      );
    }
    m.dependsOn.forEach((depKey, d) => {
      const dep = byKey.get(depKey);
      if (depKey === m.key)
        out.push(problem(`${at}.dependsOn[${d}]`, 'self_dependency', `Milestone ${name} depends on itself.`));
      else if (!dep)
        out.push(
          problem(
            `${at}.dependsOn[${d}]`,
            'unknown_dependency',
            `Milestone ${name} depends on ${depKey}, which the template does not list.`,
          ),
        );
      else if (dep.offsetWorkingDays > m.offsetWorkingDays) {
        bad(
          `${at}.offsetWorkingDays`,
          `Milestone ${name} (offset ${m.offsetWorkingDays}) is scheduled before ${quote(dep.title)} (offset ${dep.offsetWorkingDays}), which it depends on.`,
        );
      }
    });
  });

  template.stakeholderSlots.forEach((s, i) => {
    if (!usedSlots.has(s.key))
      bad(`stakeholderSlots[${i}]`, `The slot ${s.key} (${s.label}) owns no milestone; remove it.`);
  });

  const { cycles } = findDependencyCycles(ms.map((m) => ({ id: m.key, dependsOn: m.dependsOn })));
  for (const cycle of cycles) {
    const names = [...cycle, cycle[0] ?? 0].map((k) => quote(ms[k]?.title ?? ''));
    out.push(
      problem(
        `milestones[${cycle[0] ?? 0}].dependsOn`,
        'dependency_cycle',
        `The template's milestones depend on each other in a loop: ${names.join(' → ')}.`,
      ),
    );
  }

  const closes = ms.filter((m) => m.isClose);
  if (closes.length === 0)
    out.push(problem('milestones', 'no_close_milestone', 'The template has no close milestone.'));
  if (closes.length > 1) {
    out.push(
      problem(
        'milestones',
        'several_close_milestones',
        `The template has ${closes.length} close milestones: ${listNames(closes.map((m) => quote(m.title)))}.`,
      ),
    );
  }
  return out;
}
