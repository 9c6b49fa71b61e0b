/**
 * The Mutual Action Plan model. Every type is derived from a zod schema so that each boundary (request
 * bodies, the stored `map_plan` document, templates) parses with the same definition.
 *
 * The schemas here check structure only: types, enumerations and date formats (every date from MIN_DATE to
 * MAX_DATE), with generous hard caps so that a payload can never be unbounded. The business rules (lengths a rep sees, owners, dependencies,
 * the close milestone, ...) live in validate.ts, which reports every problem at once.
 */
import { z } from 'zod';
import { DATE_RANGE_TEXT, isCalendarDate, isDateInRange } from './dates.js';

/** Limits a rep sees in validation messages. */
export const LIMITS = {
  milestones: 100,
  stakeholders: 50,
  goals: 20,
  risks: 50,
  activity: 200,
  dependsOn: 20,
  title: 200,
  name: 120,
  email: 254,
  phase: 80,
  description: 2_000,
  valueSummary: 2_000,
  successCriteria: 1_000,
  goalText: 500,
  riskText: 1_000,
  activityText: 1_000,
  id: 64,
  maxWeight: 100,
} as const;

/** Structural caps: far above LIMITS, only there so that no payload is unbounded. */
const HARD = { text: 20_000, list: 1_000, id: 200 } as const;

/**
 * A calendar date written YYYY-MM-DD, from MIN_DATE to MAX_DATE (dates.ts). Its messages are predicates:
 * validation puts the field's name in front ("The due date must be between 1 January 1970 and ...").
 */
export const isoDateSchema = z.string().superRefine((value, ctx) => {
  if (!isCalendarDate(value)) ctx.addIssue({ code: 'custom', message: 'must be a calendar date written YYYY-MM-DD', input: value });
  else if (!isDateInRange(value)) ctx.addIssue({ code: 'custom', message: `must be ${DATE_RANGE_TEXT}; ${value} is not`, input: value });
});
/** An ISO 8601 instant with an offset, whose day lies in the same range as every date. */
export const isoDateTimeSchema = z.iso
  .datetime({ offset: true })
  .refine((value) => isDateInRange(value.slice(0, 10)), { message: `must be a time ${DATE_RANGE_TEXT}` });
const text = z.string().max(HARD.text);
const idSchema = z.string().min(1).max(HARD.id);

export const SIDES = ['buyer', 'seller'] as const;
export const sideSchema = z.enum(SIDES);
export type Side = z.infer<typeof sideSchema>;

export const OWNER_SIDES = ['buyer', 'seller', 'joint'] as const;
export const ownerSideSchema = z.enum(OWNER_SIDES);
export type OwnerSide = z.infer<typeof ownerSideSchema>;

export const STAKEHOLDER_ROLES = [
  'decision_maker',
  'economic_buyer',
  'champion',
  'influencer',
  'technical_evaluator',
  'legal',
  'procurement',
  'security',
  'executive_sponsor',
  'end_user',
  // Seller-side roles, so that templates can name the seller's team without overloading buyer roles.
  'account_executive',
  'solutions_engineer',
  'customer_success_manager',
  'other',
] as const;
export const stakeholderRoleSchema = z.enum(STAKEHOLDER_ROLES);
export type StakeholderRole = z.infer<typeof stakeholderRoleSchema>;

export const MILESTONE_STATUSES = ['not_started', 'in_progress', 'blocked', 'done', 'skipped'] as const;
export const milestoneStatusSchema = z.enum(MILESTONE_STATUSES);
export type MilestoneStatus = z.infer<typeof milestoneStatusSchema>;

export const VISIBILITIES = ['shared', 'internal'] as const;
export const visibilitySchema = z.enum(VISIBILITIES);
export type Visibility = z.infer<typeof visibilitySchema>;

export const RISK_STATUSES = ['open', 'mitigated', 'realized'] as const;
export const riskStatusSchema = z.enum(RISK_STATUSES);
export type RiskStatus = z.infer<typeof riskStatusSchema>;

export const CRMS = ['hubspot', 'salesforce'] as const;
export const dealRefSchema = z.strictObject({
  crm: z.enum(CRMS),
  /** HubSpot portal id or Salesforce org id. */
  portalId: idSchema,
  dealId: idSchema,
});
export type DealRef = z.infer<typeof dealRefSchema>;

export const stakeholderSchema = z.strictObject({
  id: idSchema,
  side: sideSchema,
  name: text,
  email: z.string().max(HARD.id).nullable(),
  title: text,
  role: stakeholderRoleSchema,
  /** Buyer side: the CRM contact this stakeholder is. */
  crmContactId: idSchema.nullable(),
  /** Seller side: the CRM owner (user) this stakeholder is. */
  ownerId: idSchema.nullable(),
});
export type Stakeholder = z.infer<typeof stakeholderSchema>;

export const milestoneSchema = z.strictObject({
  id: idSchema,
  title: text,
  description: text,
  /** Named in the buyer's language ("Validate the solution"), not the seller's stage names. */
  phase: text,
  sellerOwnerId: idSchema.nullable(),
  buyerOwnerId: idSchema.nullable(),
  dueDate: isoDateSchema,
  /** The date first agreed; moving the due date keeps it. */
  baselineDueDate: isoDateSchema,
  status: milestoneStatusSchema,
  completedDate: isoDateSchema.nullable(),
  dependsOn: z.array(idSchema).max(HARD.list),
  isClose: z.boolean(),
  visibility: visibilitySchema,
  successCriteria: text,
  weight: z.number().positive().finite(),
  order: z.number().int().nonnegative(),
});
export type Milestone = z.infer<typeof milestoneSchema>;

export const goalSchema = z.strictObject({
  id: idSchema,
  description: text,
  metric: text,
  target: text,
  byDate: isoDateSchema.nullable(),
});
export type Goal = z.infer<typeof goalSchema>;

export const riskSchema = z.strictObject({
  id: idSchema,
  description: text,
  mitigation: text,
  ownerSide: ownerSideSchema,
  status: riskStatusSchema,
});
export type Risk = z.infer<typeof riskSchema>;

export const ACTIVITY_KINDS = [
  'plan_created',
  'template_applied',
  'milestone_added',
  'milestone_updated',
  'milestone_removed',
  'milestones_reordered',
  'status_changed',
  'due_date_moved',
  'stakeholder_added',
  'stakeholder_updated',
  'stakeholder_removed',
  'value_summary_edited',
  'goals_edited',
  'risks_edited',
  'target_close_date_changed',
  'plan_title_changed',
] as const;
export const activityKindSchema = z.enum(ACTIVITY_KINDS);
export type ActivityKind = z.infer<typeof activityKindSchema>;

export const activityEntrySchema = z.strictObject({
  at: isoDateTimeSchema,
  /** Who did it: a user id or email of the CRM user, or "buyer:<stakeholder id>" later. */
  actor: z.string().max(HARD.id),
  kind: activityKindSchema,
  text,
  milestoneId: idSchema.nullable(),
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

export const planSchema = z.strictObject({
  deal: dealRefSchema,
  title: text,
  /** Buyer-centric summary of the value; 3–4 sentences recommended. */
  valueSummary: text,
  goals: z.array(goalSchema).max(HARD.list),
  stakeholders: z.array(stakeholderSchema).max(HARD.list),
  milestones: z.array(milestoneSchema).max(HARD.list),
  risks: z.array(riskSchema).max(HARD.list),
  targetCloseDate: isoDateSchema.nullable(),
  templateId: idSchema.nullable(),
  /** Optimistic-concurrency version; the store increments it on each save, edits leave it alone. */
  version: z.number().int().nonnegative(),
  /** Newest last; bounded to LIMITS.activity entries, oldest dropped first. */
  activity: z.array(activityEntrySchema).max(HARD.list),
});
export type Plan = z.infer<typeof planSchema>;

/** What every edit needs from its caller: the domain never reads the clock or makes ids itself. */
export interface EditContext {
  /** The rep's "today" (YYYY-MM-DD). */
  readonly today: string;
  /** The current instant, ISO 8601, for the activity log. */
  readonly now: string;
  /** Who makes the edit. */
  readonly actor: string;
  /** A fresh unique id for new milestones, stakeholders, goals and risks. */
  readonly newId: () => string;
}

/** An empty plan for a deal: what a deal with no plan yet shows. */
export function emptyPlan(deal: DealRef, title = ''): Plan {
  return {
    deal,
    title,
    valueSummary: '',
    goals: [],
    stakeholders: [],
    milestones: [],
    risks: [],
    targetCloseDate: null,
    templateId: null,
    version: 0,
    activity: [],
  };
}

/** Open means still to do: not done and not skipped. */
export const isOpen = (m: Pick<Milestone, 'status'>): boolean => m.status !== 'done' && m.status !== 'skipped';
