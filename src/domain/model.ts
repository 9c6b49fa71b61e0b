/**
 * The Mutual Action Plan model. Every type is derived from a zod schema so that each boundary (request
 * bodies, the stored `map_plan` document, templates) parses with the same definition.
 *
 * The schemas here check structure only: types, enumerations and date formats (every date from MIN_DATE to
 * MAX_DATE), with generous hard caps so that a payload can never be unbounded. Free text is cleaned as it
 * is parsed: no bidirectional or other control characters (cleanSingleLineText, cleanMultiLineText), so a
 * stored plan read back is as safe to display as a new edit. The business rules (lengths a rep sees, owners, dependencies,
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
  if (!isCalendarDate(value))
    ctx.addIssue({ code: 'custom', message: 'must be a calendar date written YYYY-MM-DD', input: value });
  else if (!isDateInRange(value))
    ctx.addIssue({ code: 'custom', message: `must be ${DATE_RANGE_TEXT}; ${value} is not`, input: value });
});
/** An ISO 8601 instant with an offset, whose day lies in the same range as every date. */
export const isoDateTimeSchema = z.iso
  .datetime({ offset: true })
  .refine((value) => isDateInRange(value.slice(0, 10)), { message: `must be a time ${DATE_RANGE_TEXT}` });

// ---------------------------------------------------------------------------------------------------------
// Text a person types

/**
 * Characters that reorder or hide text (bidirectional embeddings, overrides and isolates, the directional
 * marks, the Arabic letter mark): with them a name can make the words around it read backwards, or show a
 * file name or amount that is not the one stored.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
/** C0 and C1 control characters except tab and line feed, and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS_BUT_TAB_AND_LF = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** What ends a line or moves to a tab stop, among the controls and beyond them (NEL, U+2028, U+2029). */
const LINE_BREAKS_AND_TABS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;

/**
 * Multi-line text (descriptions, the value summary, notes): without bidirectional controls and without
 * control characters other than line feeds and tabs; CR LF and a lone CR become a line feed.
 */
export function cleanMultiLineText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(BIDI_CONTROLS, '').replace(CONTROLS_BUT_TAB_AND_LF, '');
}

/**
 * Single-line text (names, titles, emails): without bidirectional controls and without any control
 * character; a line break or tab becomes one space, so that words stay apart.
 */
export function cleanSingleLineText(value: string): string {
  return value
    .replace(LINE_BREAKS_AND_TABS, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(CONTROLS_BUT_TAB_AND_LF, '');
}

// zod runs checks even on a value of the wrong type (after reporting it): clean strings only.
const ifString =
  (clean: (value: string) => string) =>
  <T>(value: T): T =>
    (typeof value === 'string' ? clean(value) : value) as T;

/** A string schema that stores single-line text cleaned (cleanSingleLineText); chain trim/min/max after it. */
export const singleLineTextSchema = (): z.ZodString => z.string().overwrite(ifString(cleanSingleLineText));
/** A string schema that stores multi-line text cleaned (cleanMultiLineText); chain trim/min/max after it. */
export const multiLineTextSchema = (): z.ZodString => z.string().overwrite(ifString(cleanMultiLineText));

const line = singleLineTextSchema().max(HARD.text);
const paragraph = multiLineTextSchema().max(HARD.text);
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
export type Crm = (typeof CRMS)[number];

/** Each CRM's name as its users write it, for sentences that name it. */
export const CRM_NAMES: Readonly<Record<Crm, string>> = { hubspot: 'HubSpot', salesforce: 'Salesforce' };

/**
 * One customer account of one CRM, the unit everything is kept apart by: a HubSpot portal (its hub id, in
 * decimal) or a Salesforce org (its 18-character org id).
 */
const tenantShape = { crm: z.enum(CRMS), accountId: idSchema };

/** How each CRM writes an account id: a HubSpot hub id in decimal; a Salesforce org id (15 or 18 characters). */
const ACCOUNT_ID: Readonly<Record<Crm, { pattern: RegExp; what: string }>> = {
  hubspot: { pattern: /^[1-9]\d{0,15}$/, what: 'a HubSpot account id: digits, not starting with 0' },
  salesforce: {
    pattern: /^00D[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?$/,
    what: 'a Salesforce org id: 15 or 18 letters and digits starting with 00D',
  },
};

function checkAccountId(value: { crm: Crm; accountId: string }, ctx: z.RefinementCtx): void {
  const rule = ACCOUNT_ID[value.crm];
  if (!rule.pattern.test(value.accountId))
    ctx.addIssue({ code: 'custom', path: ['accountId'], message: `must be ${rule.what}` });
}

export const tenantSchema = z.strictObject(tenantShape).superRefine(checkAccountId);
export type Tenant = z.infer<typeof tenantSchema>;

/** A deal (HubSpot) or opportunity (Salesforce) of one tenant; its id as the CRM writes it. */
export const dealRefSchema = z.strictObject({ ...tenantShape, dealId: idSchema }).superRefine(checkAccountId);
export type DealRef = z.infer<typeof dealRefSchema>;

/** The tenant a deal belongs to. */
export const tenantOf = (deal: Tenant): Tenant => ({ crm: deal.crm, accountId: deal.accountId });

/** A tenant as one string, for keys and logs: `hubspot:123456`. */
export const tenantKey = (tenant: Tenant): string => `${tenant.crm}:${tenant.accountId}`;

export const stakeholderSchema = z.strictObject({
  id: idSchema,
  side: sideSchema,
  name: line,
  email: singleLineTextSchema().max(HARD.id).nullable(),
  title: line,
  role: stakeholderRoleSchema,
  /** Buyer side: the CRM contact this stakeholder is. */
  crmContactId: idSchema.nullable(),
  /** Seller side: the CRM owner (user) this stakeholder is. */
  ownerId: idSchema.nullable(),
});
export type Stakeholder = z.infer<typeof stakeholderSchema>;

export const milestoneSchema = z.strictObject({
  id: idSchema,
  title: line,
  description: paragraph,
  /** Named in the buyer's language ("Validate the solution"), not the seller's stage names. */
  phase: line,
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
  successCriteria: paragraph,
  weight: z.number().positive().finite(),
  order: z.number().int().nonnegative(),
});
export type Milestone = z.infer<typeof milestoneSchema>;

export const goalSchema = z.strictObject({
  id: idSchema,
  description: paragraph,
  metric: line,
  target: line,
  byDate: isoDateSchema.nullable(),
});
export type Goal = z.infer<typeof goalSchema>;

export const riskSchema = z.strictObject({
  id: idSchema,
  description: paragraph,
  mitigation: paragraph,
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
  actor: singleLineTextSchema().max(HARD.id),
  kind: activityKindSchema,
  text: paragraph,
  milestoneId: idSchema.nullable(),
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

export const planSchema = z.strictObject({
  deal: dealRefSchema,
  title: line,
  /** Buyer-centric summary of the value; 3–4 sentences recommended. */
  valueSummary: paragraph,
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
export const isOpen = (m: Pick<Milestone, 'status'>): boolean =>
  m.status !== 'done' && m.status !== 'skipped';
