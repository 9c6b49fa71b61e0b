/**
 * Built-in plan templates, scheduling a template against a target close date, and applying it to a plan.
 *
 * Scheduling counts working days (Monday–Friday; public holidays are not known here). A target close date
 * on a weekend rolls back to the Friday before: the close milestone lands there, every other milestone is
 * counted from it, and the plan's target close date becomes that Friday (the activity entry says so). Every
 * date lies from MIN_DATE to MAX_DATE (dates.ts): a target or a "today" outside that range, or a target so
 * late that a milestone after the close would fall past MAX_DATE, is refused. Each call is O(1) per milestone.
 */
import { z } from 'zod';
import {
  addWorkingDays,
  dateOutOfRangeMessage,
  formatLongDate,
  isCalendarDate,
  isDateInRange,
  isWorkingDay,
  MAX_DATE,
  workingDaysBetween,
} from './dates.js';
import { activityEntry, finishEdit, parseInput } from './edits.js';
import type { EditResult } from './edits.js';
import { isoDateSchema, LIMITS } from './model.js';
import type { EditContext, Milestone, Plan, Stakeholder } from './model.js';
import { err, ok, problem } from './result.js';
import type { Problem, Result } from './result.js';
import type { Template } from './template-model.js';
import { enterpriseDeal } from './templates/enterprise.js';
import { midMarketSaas } from './templates/mid-market-saas.js';
import { renewalExpansion } from './templates/renewal-expansion.js';
import { smbQuickClose } from './templates/smb-quick-close.js';
import { listNames, quote } from './wording.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Frozen: a caller that changes a template by mistake gets an error instead of changing it for everyone. */
const BUILT_IN: readonly Template[] = deepFreeze([
  smbQuickClose,
  midMarketSaas,
  enterpriseDeal,
  renewalExpansion,
]);

/** The built-in templates, shortest cycle first. */
export function listTemplates(): readonly Template[] {
  return BUILT_IN;
}

export function getTemplate(id: string): Template | undefined {
  return BUILT_IN.find((t) => t.id === id);
}

// ---------------------------------------------------------------------------------------------------------
// Scheduling

export interface TemplateSchedule {
  /** Where the close milestone lands: the target, or the Friday before when the target is on a weekend. */
  readonly closeDate: string;
  /** True when the target fell on a weekend and the close moved to the working day before. */
  readonly targetAdjusted: boolean;
  /** Due date of each template milestone, by key. */
  readonly dueDates: ReadonlyMap<string, string>;
  /** Working days the template needs between its first milestone and the close. */
  readonly workingDaysBeforeClose: number;
}

/** Working days the template's earliest milestone comes before the close (0 when none comes before). */
export const workingDaysNeeded = (template: Template): number =>
  Math.max(0, ...template.milestones.map((m) => -m.offsetWorkingDays));

/** Working days the template's latest milestone comes after the close (0 when none comes after). */
export const workingDaysAfterClose = (template: Template): number =>
  Math.max(0, ...template.milestones.map((m) => m.offsetWorkingDays));

/** The first working day on or after `date`. */
const workingDayOnOrAfter = (date: string): string => (isWorkingDay(date) ? date : addWorkingDays(date, 1));

/** The earliest target close date that leaves the template's first milestone on or after `today`. */
export function earliestFeasibleCloseDate(template: Template, today: string): string {
  return addWorkingDays(workingDayOnOrAfter(today), workingDaysNeeded(template));
}

/** The latest target close date that keeps the template's last milestone on or before MAX_DATE. */
export function latestFeasibleCloseDate(template: Template): string {
  return addWorkingDays(addWorkingDays(MAX_DATE, 0), -workingDaysAfterClose(template));
}

/** A date given to scheduling must be a calendar date within the accepted range. */
function dateProblem(path: string, subject: string, value: string): Problem | null {
  if (!isCalendarDate(value))
    return problem(path, 'invalid_value', `${subject} must be a calendar date written YYYY-MM-DD.`);
  if (!isDateInRange(value)) return problem(path, 'invalid_value', dateOutOfRangeMessage(value, subject));
  return null;
}

const workingDays = (n: number): string => `${n} working ${n === 1 ? 'day' : 'days'}`;

/**
 * Due dates for every milestone of a template: each one `offsetWorkingDays` working days from the close.
 * Refuses (target_too_soon) when the first milestone would be due before `today`, rather than squeezing
 * the plan: the rep chooses a later date or a shorter template. Refuses (target_too_late) when a milestone
 * after the close would fall past MAX_DATE.
 */
export function scheduleTemplate(
  template: Template,
  targetCloseDate: string,
  today: string,
): Result<TemplateSchedule, Problem[]> {
  const problems = [
    dateProblem('targetCloseDate', 'The target close date', targetCloseDate),
    dateProblem('today', 'Today', today),
  ].filter((p): p is Problem => p !== null);
  if (problems.length > 0) return err(problems);

  const closeDate = addWorkingDays(targetCloseDate, 0);
  const needed = workingDaysNeeded(template);
  const dueDates = new Map(
    template.milestones.map((m) => [m.key, addWorkingDays(closeDate, m.offsetWorkingDays)] as const),
  );
  const earliest = [...dueDates.values()].reduce((a, b) => (a <= b ? a : b), closeDate);
  const latest = [...dueDates.values()].reduce((a, b) => (a >= b ? a : b), closeDate);
  const name = quote(template.name);
  if (earliest < today) {
    const available = Math.max(0, workingDaysBetween(workingDayOnOrAfter(today), closeDate));
    const leaves = available === 0 ? 'leaves no working days' : `leaves only ${workingDays(available)}`;
    const feasible = earliestFeasibleCloseDate(template, today);
    const advice =
      feasible <= latestFeasibleCloseDate(template)
        ? `The earliest feasible target close date is ${feasible}; choose a later date or a shorter template.`
        : `From today the template cannot fit before ${formatLongDate(MAX_DATE)}, the last date a plan can hold; choose a shorter template.`;
    return err([
      problem(
        'targetCloseDate',
        'target_too_soon',
        `The ${name} template needs ${workingDays(needed)} before the close, but a close on ${targetCloseDate} ${leaves} from today (${today}). ${advice}`,
      ),
    ]);
  }
  if (latest > MAX_DATE) {
    const after = workingDaysAfterClose(template);
    const last = template.milestones.find((m) => m.offsetWorkingDays === after);
    return err([
      problem(
        'targetCloseDate',
        'target_too_late',
        `The ${name} template plans ${quote(last?.title ?? '')} ${workingDays(after)} after the close, on ${latest}, past ${formatLongDate(MAX_DATE)}, the last date a plan can hold. The latest feasible target close date is ${latestFeasibleCloseDate(template)}; choose an earlier date.`,
      ),
    ]);
  }
  return ok({
    closeDate,
    targetAdjusted: closeDate !== targetCloseDate,
    dueDates,
    workingDaysBeforeClose: needed,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Applying

const slotKeySchema = z.string().min(1).max(LIMITS.id);

export const applyTemplateInputSchema = z.strictObject({
  templateId: z.string().min(1).max(LIMITS.id),
  targetCloseDate: isoDateSchema,
  /** Needed to apply a template to a plan that already has milestones: they are replaced. */
  replaceExisting: z.boolean().default(false),
  /** Stakeholder id for a template slot, by slot key; other slots are filled automatically. */
  assignees: z
    .record(slotKeySchema, z.string().min(1).max(LIMITS.id))
    .refine((r) => Object.keys(r).length <= LIMITS.stakeholders, {
      message: `must name at most ${LIMITS.stakeholders} slots`,
    })
    .default({}),
});
export type ApplyTemplateInput = z.input<typeof applyTemplateInputSchema>;

/** The name a placeholder stakeholder gets until the rep names the real person. */
export const placeholderName = (label: string): string => `${label} (to be named)`;

/**
 * Replaces the plan's milestones with the template's, dated from the target close date. Each slot is filled
 * by the assignee given, else by an existing stakeholder with the same side and role, else by a clearly
 * labelled placeholder stakeholder (no email, no CRM link) — never by an invented person.
 */
export function applyTemplate(plan: Plan, rawInput: unknown, ctx: EditContext): EditResult {
  const parsed = parseInput(applyTemplateInputSchema, rawInput);
  if (!parsed.ok) return parsed;
  const input = parsed.value;
  const template = getTemplate(input.templateId);
  if (!template) {
    const known = listNames(BUILT_IN.map((t) => t.id));
    return err([
      problem(
        'templateId',
        'not_found',
        `There is no template ${quote(input.templateId)}; the templates are ${known}.`,
      ),
    ]);
  }
  if (plan.milestones.length > 0 && !input.replaceExisting) {
    const n = plan.milestones.length;
    return err([
      problem(
        'replaceExisting',
        'plan_not_empty',
        `The plan already has ${n} ${n === 1 ? 'milestone' : 'milestones'}; applying ${quote(template.name)} replaces ${n === 1 ? 'it' : 'them'}. Confirm to replace them.`,
      ),
    ]);
  }

  // Assignees: every key must be a slot of this template, and the stakeholder must be on the slot's side.
  const problems: Problem[] = [];
  const slots = new Map(template.stakeholderSlots.map((s) => [s.key, s] as const));
  for (const [key, stakeholderId] of Object.entries(input.assignees)) {
    const slot = slots.get(key);
    const person = plan.stakeholders.find((s) => s.id === stakeholderId);
    if (!slot) {
      problems.push(
        problem(
          `assignees.${key}`,
          'invalid_value',
          `The template ${quote(template.name)} has no stakeholder slot ${quote(key)}.`,
        ),
      );
    } else if (!person) {
      problems.push(
        problem(
          `assignees.${key}`,
          'unknown_owner',
          `The stakeholder chosen as ${slot.label} is not one of the plan's stakeholders.`,
        ),
      );
    } else if (person.side !== slot.side) {
      problems.push(
        problem(
          `assignees.${key}`,
          'owner_wrong_side',
          `${quote(person.name)} is on the ${person.side} side and cannot fill the ${slot.side}-side slot ${slot.label}.`,
        ),
      );
    }
  }
  if (problems.length > 0) return err(problems);

  const schedule = scheduleTemplate(template, input.targetCloseDate, ctx.today);
  if (!schedule.ok) return schedule;
  const { closeDate, dueDates, targetAdjusted } = schedule.value;

  const stakeholders: Stakeholder[] = [...plan.stakeholders];
  const placeholders: string[] = [];
  const filled = new Map<string, string>();
  for (const slot of template.stakeholderSlots) {
    const assigned = input.assignees[slot.key];
    const existing = plan.stakeholders.find((s) => s.side === slot.side && s.role === slot.role);
    if (assigned !== undefined) filled.set(slot.key, assigned);
    else if (existing) filled.set(slot.key, existing.id);
    else {
      const placeholder: Stakeholder = {
        id: ctx.newId(),
        side: slot.side,
        name: placeholderName(slot.label),
        email: null,
        title: '',
        role: slot.role,
        crmContactId: null,
        ownerId: null,
      };
      stakeholders.push(placeholder);
      placeholders.push(placeholder.name);
      filled.set(slot.key, placeholder.id);
    }
  }

  const ids = new Map(template.milestones.map((m) => [m.key, ctx.newId()] as const));
  const created = template.milestones.map((m, index): { milestone: Milestone; index: number } => {
    const dueDate = dueDates.get(m.key) ?? closeDate;
    return {
      index,
      milestone: {
        id: ids.get(m.key) ?? m.key,
        title: m.title,
        description: m.description,
        phase: m.phase,
        sellerOwnerId: m.sellerSlot === undefined ? null : (filled.get(m.sellerSlot) ?? null),
        buyerOwnerId: m.buyerSlot === undefined ? null : (filled.get(m.buyerSlot) ?? null),
        dueDate,
        baselineDueDate: dueDate,
        status: 'not_started',
        completedDate: null,
        dependsOn: m.dependsOn.map((key) => ids.get(key) ?? key),
        isClose: m.isClose,
        visibility: m.visibility,
        successCriteria: m.successCriteria,
        weight: m.weight,
        order: 0,
      },
    };
  });
  // By due date; on the same day, in the template's order (which lists dependencies first).
  created.sort((a, b) =>
    a.milestone.dueDate === b.milestone.dueDate
      ? a.index - b.index
      : a.milestone.dueDate < b.milestone.dueDate
        ? -1
        : 1,
  );
  const milestones = created.map(({ milestone }, order) => ({ ...milestone, order }));

  const details = [
    `${milestones.length} milestones`,
    targetAdjusted
      ? `close planned on ${closeDate}, the working day before the target ${input.targetCloseDate}, which falls on a weekend`
      : `close planned on ${closeDate}`,
    ...(placeholders.length > 0
      ? [`placeholder stakeholders added for ${listNames(placeholders.map(quote))}`]
      : []),
    ...(plan.milestones.length > 0
      ? [
          `replaced ${plan.milestones.length} earlier ${plan.milestones.length === 1 ? 'milestone' : 'milestones'}`,
        ]
      : []),
  ];
  const text = `Applied the template ${quote(template.name)}: ${details.join('; ')}.`;
  const after: Plan = {
    ...plan,
    stakeholders,
    milestones,
    targetCloseDate: closeDate,
    templateId: template.id,
  };
  return finishEdit(plan, after, [activityEntry(ctx, 'template_applied', text)]);
}
