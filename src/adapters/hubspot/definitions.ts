/**
 * What provisioning creates in a portal: the deal property group and `map_*` properties (DESIGN.md's
 * contract), and the `map_milestone` custom object. Labels and descriptions are written for the sales
 * leaders and admins who meet them in HubSpot's reports, views and workflow builders.
 *
 * Shapes follow PropertyCreate (crm-properties-v3.json) and ObjectSchemaEgg (crm-object-schemas-v3.json).
 */
import { HEALTHS, MAP_DEAL_PROPERTIES, type ProjectionField } from '../../domain/project.js';
import { MILESTONE_STATUSES, OWNER_SIDES, VISIBILITIES } from '../../domain/model.js';

export const DEAL_PROPERTY_GROUP = {
  name: 'mutual_action_plan',
  label: 'Mutual Action Plan',
  displayOrder: -1,
} as const;

export type HubSpotPropertyType = 'bool' | 'date' | 'datetime' | 'enumeration' | 'number' | 'string';
export type HubSpotFieldType =
  'booleancheckbox' | 'date' | 'number' | 'radio' | 'select' | 'text' | 'textarea';

export interface PropertyOption {
  readonly label: string;
  readonly value: string;
  readonly displayOrder: number;
  readonly hidden: false;
}

export interface PropertyDefinition {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly type: HubSpotPropertyType;
  readonly fieldType: HubSpotFieldType;
  readonly groupName: string;
  readonly options?: readonly PropertyOption[];
  readonly hasUniqueValue?: boolean;
  readonly displayOrder?: number;
  /** Only our app writes it; hidden from HubSpot's forms so reps edit the plan on the card instead. */
  readonly formField: boolean;
}

const label = (value: string): string => value.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
const options = (values: readonly string[], labels: Record<string, string> = {}): PropertyOption[] =>
  values.map((value, displayOrder) => ({
    label: labels[value] ?? label(value),
    value,
    displayOrder,
    hidden: false,
  }));

const GROUP = DEAL_PROPERTY_GROUP.name;

/** The forecast fields, keyed by the projection field each one carries. */
const projectionProperties: Record<
  ProjectionField,
  Omit<PropertyDefinition, 'name' | 'groupName' | 'formField'>
> = {
  progress: {
    label: 'MAP progress (%)',
    description:
      'Share of the mutual action plan completed, weighted by milestone; skipped milestones are left out.',
    type: 'number',
    fieldType: 'number',
  },
  health: {
    label: 'MAP health',
    description:
      'Complete, on track, at risk (a step 1–6 days overdue, a blocked step, or 1–13 days of slip), off track (7+ days overdue or 14+ days of slip), or not started.',
    type: 'enumeration',
    fieldType: 'select',
    options: options(HEALTHS, {
      on_track: 'On track',
      at_risk: 'At risk',
      off_track: 'Off track',
      not_started: 'Not started',
    }),
  },
  phase: {
    label: 'MAP phase',
    description: "The plan's current phase, named as the buyer names it.",
    type: 'string',
    fieldType: 'text',
  },
  nextStep: {
    label: 'MAP next step',
    description: 'The next open milestone whose prerequisites are done, earliest due first.',
    type: 'string',
    fieldType: 'text',
  },
  nextStepDue: {
    label: 'MAP next step due',
    description: 'Due date of the next step.',
    type: 'date',
    fieldType: 'date',
  },
  nextStepOwnerSide: {
    label: 'MAP next step owner',
    description: 'Who owns the next step: the buyer, the seller, or both (joint).',
    type: 'enumeration',
    fieldType: 'select',
    options: options(OWNER_SIDES),
  },
  overdueCount: {
    label: 'MAP overdue steps',
    description: 'Open milestones past their due date.',
    type: 'number',
    fieldType: 'number',
  },
  buyerOverdueCount: {
    label: 'MAP overdue buyer steps',
    description: 'Overdue milestones that have an owner on the buyer side.',
    type: 'number',
    fieldType: 'number',
  },
  slipDays: {
    label: 'MAP slip (days)',
    description: 'Days the projected close date is later than the close date first agreed with the buyer.',
    type: 'number',
    fieldType: 'number',
  },
  projectedCloseDate: {
    label: 'MAP projected close date',
    description:
      'When the close milestone will be done at the current pace: overdue steps are assumed to finish today and push the steps that depend on them.',
    type: 'date',
    fieldType: 'date',
  },
  closeProbability: {
    label: 'MAP close probability (%)',
    description:
      "Plan-implied chance to close (0–100): rises with progress, falls with overdue steps, blocked steps and slip. See the app's forecast documentation for the formula.",
    type: 'number',
    fieldType: 'number',
  },
  milestonesTotal: {
    label: 'MAP milestones',
    description: 'Milestones in the plan, skipped ones left out.',
    type: 'number',
    fieldType: 'number',
  },
  milestonesDone: {
    label: 'MAP milestones done',
    description: 'Milestones completed.',
    type: 'number',
    fieldType: 'number',
  },
  updatedAt: {
    label: 'MAP last updated',
    description: 'When the plan last changed.',
    type: 'datetime',
    fieldType: 'date',
  },
};

/** The plan header kept on the deal itself. */
export const PLAN_HEADER_PROPERTIES = {
  valueSummary: 'map_value_summary',
  plan: 'map_plan',
  version: 'map_plan_version',
} as const;

export const DEAL_PROPERTIES: readonly PropertyDefinition[] = [
  {
    name: PLAN_HEADER_PROPERTIES.valueSummary,
    label: 'MAP value summary',
    description: 'The value the buyer gets, in their words (3–4 sentences), from the mutual action plan.',
    type: 'string',
    fieldType: 'textarea',
    groupName: GROUP,
    formField: false,
  },
  {
    name: PLAN_HEADER_PROPERTIES.plan,
    label: 'MAP plan (app data)',
    description:
      'The mutual action plan as the app stores it (JSON). Edit the plan on the deal card, not here.',
    type: 'string',
    fieldType: 'textarea',
    groupName: GROUP,
    formField: false,
  },
  {
    name: PLAN_HEADER_PROPERTIES.version,
    label: 'MAP plan version',
    description:
      'Increases with every saved change to the plan; the app uses it to avoid overwriting a colleague’s edit.',
    type: 'number',
    fieldType: 'number',
    groupName: GROUP,
    formField: false,
  },
  ...(Object.keys(projectionProperties) as ProjectionField[]).map((field, i) => ({
    name: MAP_DEAL_PROPERTIES[field],
    ...projectionProperties[field],
    groupName: GROUP,
    displayOrder: i,
    formField: false,
  })),
];

/** The custom object that holds one milestone per record (Enterprise portals). */
export const MILESTONE_OBJECT = {
  name: 'map_milestone',
  labels: { singular: 'MAP milestone', plural: 'MAP milestones' },
  primaryDisplayProperty: 'map_title',
  secondaryDisplayProperties: ['map_due_date', 'map_status'],
  searchableProperties: ['map_title', 'map_key', 'map_deal_id'],
  requiredProperties: ['map_key', 'map_title'],
  description: 'A milestone of a mutual action plan, kept by the Mutual Action Plan app.',
} as const;

const milestoneProperty = (
  name: string,
  lbl: string,
  type: HubSpotPropertyType,
  fieldType: HubSpotFieldType,
  description: string,
  extra: Partial<PropertyDefinition> = {},
): PropertyDefinition => ({
  name,
  label: lbl,
  type,
  fieldType,
  description,
  groupName: 'map_milestone_information',
  formField: false,
  ...extra,
});

export const MILESTONE_PROPERTIES: readonly PropertyDefinition[] = [
  milestoneProperty(
    'map_key',
    'Key',
    'string',
    'text',
    'Deal id and milestone id; unique, so a retried create cannot make a duplicate.',
    { hasUniqueValue: true },
  ),
  milestoneProperty('map_title', 'Title', 'string', 'text', 'What gets done.'),
  milestoneProperty(
    'map_deal_id',
    'Deal id',
    'string',
    'text',
    'The deal whose plan this milestone belongs to.',
  ),
  milestoneProperty(
    'map_milestone_id',
    'Milestone id',
    'string',
    'text',
    'The id of the milestone inside its plan.',
  ),
  milestoneProperty('map_description', 'Description', 'string', 'textarea', 'Details of the milestone.'),
  milestoneProperty('map_phase', 'Phase', 'string', 'text', 'The plan phase, named as the buyer names it.'),
  milestoneProperty(
    'map_seller_owner_id',
    'Seller owner',
    'string',
    'text',
    'The seller-side stakeholder who owns it.',
  ),
  milestoneProperty(
    'map_buyer_owner_id',
    'Buyer owner',
    'string',
    'text',
    'The buyer-side stakeholder who owns it.',
  ),
  milestoneProperty('map_due_date', 'Due date', 'date', 'date', 'When it is due now.'),
  milestoneProperty(
    'map_baseline_due_date',
    'Agreed due date',
    'date',
    'date',
    'The due date first agreed with the buyer.',
  ),
  milestoneProperty(
    'map_status',
    'Status',
    'enumeration',
    'select',
    'Not started, in progress, blocked, done or skipped.',
    {
      options: options(MILESTONE_STATUSES),
    },
  ),
  milestoneProperty('map_completed_date', 'Completed date', 'date', 'date', 'When it was done.'),
  milestoneProperty(
    'map_depends_on',
    'Depends on',
    'string',
    'text',
    'Ids of the milestones that must be done first (a JSON list).',
  ),
  milestoneProperty(
    'map_is_close',
    'Close milestone',
    'bool',
    'booleancheckbox',
    'The milestone that marks signature.',
    {
      options: [
        { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
        { label: 'No', value: 'false', displayOrder: 1, hidden: false },
      ],
    },
  ),
  milestoneProperty(
    'map_visibility',
    'Visibility',
    'enumeration',
    'select',
    'Shared with the buyer, or internal to the seller team.',
    {
      options: options(VISIBILITIES),
    },
  ),
  milestoneProperty(
    'map_success_criteria',
    'Success criteria',
    'string',
    'textarea',
    'How both sides know it is done.',
  ),
  milestoneProperty(
    'map_weight',
    'Weight',
    'number',
    'number',
    'How much it counts toward progress (default 1).',
  ),
  milestoneProperty('map_order', 'Order', 'number', 'number', 'Position in the plan.'),
  milestoneProperty(
    'map_write_stamp',
    'Write stamp (app data)',
    'string',
    'text',
    'Which save of the plan last wrote this record; the deal’s plan names the stamp it trusts.',
  ),
  milestoneProperty(
    'map_previous',
    'Previous content (app data)',
    'string',
    'textarea',
    'The milestone as it was before the last write, kept until the plan confirms that write (JSON).',
  ),
];
