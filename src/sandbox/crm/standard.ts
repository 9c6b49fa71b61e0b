/**
 * HubSpot's standard objects as a new portal has them. Only the properties that matter to a sales plan are
 * defined; a real portal has a few hundred more (mostly read-only analytics).
 */
import type { AssociationCategory, FieldType, ObjectTypeDef, PropertyOption, PropertyType } from './model.js';

export interface StandardObject {
  readonly objectTypeId: string;
  readonly name: string;
  readonly singular: string;
  readonly def: ObjectTypeDef;
  readonly group: { readonly name: string; readonly label: string };
  /** Properties returned when a read asks for none (HubSpot's per-object defaults). */
  readonly defaultProperties: readonly string[];
  /** Properties returned with every read, asked for or not. */
  readonly alwaysProperties: readonly string[];
  /** The property that holds the creation time (`createdate`, or `hs_createdate` on custom objects). */
  readonly createdateProperty: string;
  /** Properties holding the last modification time. */
  readonly lastModifiedProperties: readonly string[];
}

export const DEALS: StandardObject = {
  objectTypeId: '0-3',
  name: 'deals',
  singular: 'deal',
  def: {
    labels: { singular: 'Deal', plural: 'Deals' },
    requiredProperties: [],
    searchableProperties: ['dealname'],
    primaryDisplayProperty: 'dealname',
    secondaryDisplayProperties: [],
  },
  group: { name: 'dealinformation', label: 'Deal information' },
  defaultProperties: [
    'amount',
    'closedate',
    'createdate',
    'dealname',
    'dealstage',
    'hs_lastmodifieddate',
    'hs_object_id',
    'pipeline',
  ],
  alwaysProperties: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  createdateProperty: 'createdate',
  lastModifiedProperties: ['hs_lastmodifieddate'],
};

export const CONTACTS: StandardObject = {
  objectTypeId: '0-1',
  name: 'contacts',
  singular: 'contact',
  def: {
    labels: { singular: 'Contact', plural: 'Contacts' },
    requiredProperties: [],
    searchableProperties: ['firstname', 'lastname', 'email', 'phone', 'company'],
    primaryDisplayProperty: 'firstname',
    secondaryDisplayProperties: ['lastname', 'email'],
  },
  group: { name: 'contactinformation', label: 'Contact information' },
  defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  alwaysProperties: ['createdate', 'hs_object_id', 'lastmodifieddate'],
  createdateProperty: 'createdate',
  lastModifiedProperties: ['lastmodifieddate', 'hs_lastmodifieddate'],
};

export const COMPANIES: StandardObject = {
  objectTypeId: '0-2',
  name: 'companies',
  singular: 'company',
  def: {
    labels: { singular: 'Company', plural: 'Companies' },
    requiredProperties: [],
    searchableProperties: ['name', 'domain', 'phone'],
    primaryDisplayProperty: 'name',
    secondaryDisplayProperties: ['domain'],
  },
  group: { name: 'companyinformation', label: 'Company information' },
  defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  alwaysProperties: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  createdateProperty: 'createdate',
  lastModifiedProperties: ['hs_lastmodifieddate'],
};

/**
 * Tasks (an activity object, type 0-27): a to-do for an owner with a due time (`hs_timestamp`, required on
 * create as HubSpot documents it), shown on the records it is associated with. Reads and writes need the
 * contacts scopes (crm-tasks-v3.json); HubSpot names its creation time `hs_createdate` as on custom objects.
 */
export const TASKS: StandardObject = {
  objectTypeId: '0-27',
  name: 'tasks',
  singular: 'task',
  def: {
    labels: { singular: 'Task', plural: 'Tasks' },
    requiredProperties: ['hs_timestamp'],
    searchableProperties: ['hs_task_subject', 'hs_task_body'],
    primaryDisplayProperty: 'hs_task_subject',
    secondaryDisplayProperties: [],
  },
  group: { name: 'task', label: 'Task information' },
  defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  alwaysProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  createdateProperty: 'hs_createdate',
  lastModifiedProperties: ['hs_lastmodifieddate'],
};

export const STANDARD_OBJECTS: readonly StandardObject[] = [CONTACTS, COMPANIES, DEALS, TASKS];

/** Custom objects: HubSpot's defaults for every custom object type. */
export const CUSTOM_OBJECT_DEFAULTS = {
  defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  alwaysProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  createdateProperty: 'hs_createdate',
  lastModifiedProperties: ['hs_lastmodifieddate'],
} as const;

export function standardObject(objectTypeId: string): StandardObject | undefined {
  return STANDARD_OBJECTS.find((o) => o.objectTypeId === objectTypeId);
}

/** The task status HubSpot reads as done; it stamps `hs_task_completion_date` when a task reaches it. */
export const TASK_COMPLETED = 'COMPLETED';

/** Contacts are deduplicated by email in HubSpot even though `email` is not flagged hasUniqueValue. */
export function implicitlyUniqueProperties(objectTypeId: string): readonly string[] {
  return objectTypeId === CONTACTS.objectTypeId ? ['email'] : [];
}

export interface PropertySeed {
  readonly name: string;
  readonly label: string;
  readonly type: PropertyType;
  readonly fieldType: FieldType;
  readonly options?: readonly PropertyOption[];
  readonly readOnlyValue?: boolean;
  readonly numberDisplayHint?: 'currency' | 'probability' | 'unformatted';
  readonly externalOptions?: boolean;
  readonly referencedObjectType?: string;
  readonly textDisplayHint?: 'email' | 'domain_name' | 'phone_number';
}

const opts = (...pairs: [string, string][]): PropertyOption[] =>
  pairs.map(([value, label], displayOrder) => ({ value, label, displayOrder, hidden: false }));

export const DEAL_STAGES = opts(
  ['appointmentscheduled', 'Appointment Scheduled'],
  ['qualifiedtobuy', 'Qualified To Buy'],
  ['presentationscheduled', 'Presentation Scheduled'],
  ['decisionmakerboughtin', 'Decision Maker Bought-In'],
  ['contractsent', 'Contract Sent'],
  ['closedwon', 'Closed Won'],
  ['closedlost', 'Closed Lost'],
);

/** Each stage's win probability in HubSpot's default sales pipeline. */
export const DEAL_STAGE_PROBABILITY: Readonly<Record<string, string>> = {
  appointmentscheduled: '0.2',
  qualifiedtobuy: '0.4',
  presentationscheduled: '0.6',
  decisionmakerboughtin: '0.8',
  contractsent: '0.9',
  closedwon: '1',
  closedlost: '0',
};

const owner: PropertySeed = {
  name: 'hubspot_owner_id',
  label: 'Owner',
  type: 'enumeration',
  fieldType: 'select',
  externalOptions: true,
  referencedObjectType: 'OWNER',
};
const objectId: PropertySeed = {
  name: 'hs_object_id',
  label: 'Record ID',
  type: 'number',
  fieldType: 'number',
  readOnlyValue: true,
};
const createdate: PropertySeed = {
  name: 'createdate',
  label: 'Create Date',
  type: 'datetime',
  fieldType: 'date',
};
const lastModified: PropertySeed = {
  name: 'hs_lastmodifieddate',
  label: 'Last Modified Date',
  type: 'datetime',
  fieldType: 'date',
  readOnlyValue: true,
};

export const STANDARD_PROPERTIES: Readonly<Record<string, readonly PropertySeed[]>> = {
  [DEALS.objectTypeId]: [
    { name: 'dealname', label: 'Deal Name', type: 'string', fieldType: 'text' },
    { name: 'amount', label: 'Amount', type: 'number', fieldType: 'number', numberDisplayHint: 'currency' },
    { name: 'dealstage', label: 'Deal Stage', type: 'enumeration', fieldType: 'radio', options: DEAL_STAGES },
    {
      name: 'pipeline',
      label: 'Pipeline',
      type: 'enumeration',
      fieldType: 'select',
      options: opts(['default', 'Sales Pipeline']),
    },
    { name: 'closedate', label: 'Close Date', type: 'datetime', fieldType: 'date' },
    {
      name: 'dealtype',
      label: 'Deal Type',
      type: 'enumeration',
      fieldType: 'radio',
      options: opts(['newbusiness', 'New Business'], ['existingbusiness', 'Existing Business']),
    },
    { name: 'description', label: 'Deal Description', type: 'string', fieldType: 'textarea' },
    {
      name: 'hs_priority',
      label: 'Priority',
      type: 'enumeration',
      fieldType: 'select',
      options: opts(['low', 'Low'], ['medium', 'Medium'], ['high', 'High']),
    },
    { name: 'hs_next_step', label: 'Next Step', type: 'string', fieldType: 'textarea' },
    {
      name: 'hs_forecast_probability',
      label: 'Forecast Probability',
      type: 'number',
      fieldType: 'number',
      numberDisplayHint: 'probability',
    },
    {
      name: 'hs_manual_forecast_category',
      label: 'Forecast Category',
      type: 'enumeration',
      fieldType: 'select',
      options: opts(
        ['OMIT', 'Not forecasted'],
        ['PIPELINE', 'Pipeline'],
        ['BEST_CASE', 'Best case'],
        ['COMMIT', 'Commit'],
        ['CLOSED', 'Closed won'],
      ),
    },
    { name: 'closed_lost_reason', label: 'Closed Lost Reason', type: 'string', fieldType: 'textarea' },
    { name: 'closed_won_reason', label: 'Closed Won Reason', type: 'string', fieldType: 'textarea' },
    owner,
    createdate,
    lastModified,
    objectId,
  ],
  [CONTACTS.objectTypeId]: [
    { name: 'firstname', label: 'First Name', type: 'string', fieldType: 'text' },
    { name: 'lastname', label: 'Last Name', type: 'string', fieldType: 'text' },
    { name: 'email', label: 'Email', type: 'string', fieldType: 'text', textDisplayHint: 'email' },
    { name: 'jobtitle', label: 'Job Title', type: 'string', fieldType: 'text' },
    { name: 'company', label: 'Company Name', type: 'string', fieldType: 'text' },
    {
      name: 'phone',
      label: 'Phone Number',
      type: 'string',
      fieldType: 'phonenumber',
      textDisplayHint: 'phone_number',
    },
    {
      name: 'lifecyclestage',
      label: 'Lifecycle Stage',
      type: 'enumeration',
      fieldType: 'radio',
      options: opts(
        ['subscriber', 'Subscriber'],
        ['lead', 'Lead'],
        ['marketingqualifiedlead', 'Marketing Qualified Lead'],
        ['salesqualifiedlead', 'Sales Qualified Lead'],
        ['opportunity', 'Opportunity'],
        ['customer', 'Customer'],
        ['evangelist', 'Evangelist'],
        ['other', 'Other'],
      ),
    },
    owner,
    createdate,
    {
      name: 'lastmodifieddate',
      label: 'Last Modified Date',
      type: 'datetime',
      fieldType: 'date',
      readOnlyValue: true,
    },
    lastModified,
    objectId,
  ],
  [TASKS.objectTypeId]: [
    { name: 'hs_task_subject', label: 'Task Title', type: 'string', fieldType: 'text' },
    { name: 'hs_task_body', label: 'Task notes', type: 'string', fieldType: 'html' },
    { name: 'hs_timestamp', label: 'Due date', type: 'datetime', fieldType: 'date' },
    {
      name: 'hs_task_status',
      label: 'Task Status',
      type: 'enumeration',
      fieldType: 'select',
      options: opts(
        ['NOT_STARTED', 'Not started'],
        ['IN_PROGRESS', 'In progress'],
        ['WAITING', 'Waiting'],
        [TASK_COMPLETED, 'Completed'],
        ['DEFERRED', 'Deferred'],
      ),
    },
    {
      name: 'hs_task_priority',
      label: 'Priority',
      type: 'enumeration',
      fieldType: 'select',
      options: opts(['NONE', 'None'], ['LOW', 'Low'], ['MEDIUM', 'Medium'], ['HIGH', 'High']),
    },
    {
      name: 'hs_task_type',
      label: 'Task Type',
      type: 'enumeration',
      fieldType: 'select',
      options: opts(['TODO', 'To-do'], ['CALL', 'Call'], ['EMAIL', 'Email']),
    },
    {
      name: 'hs_task_completion_date',
      label: 'Completed at',
      type: 'datetime',
      fieldType: 'date',
      readOnlyValue: true,
    },
    owner,
    {
      name: 'hs_createdate',
      label: 'Create date',
      type: 'datetime',
      fieldType: 'date',
      readOnlyValue: true,
    },
    lastModified,
    objectId,
  ],
  [COMPANIES.objectTypeId]: [
    { name: 'name', label: 'Company name', type: 'string', fieldType: 'text' },
    {
      name: 'domain',
      label: 'Company Domain Name',
      type: 'string',
      fieldType: 'text',
      textDisplayHint: 'domain_name',
    },
    { name: 'industry', label: 'Industry', type: 'string', fieldType: 'text' },
    { name: 'city', label: 'City', type: 'string', fieldType: 'text' },
    { name: 'phone', label: 'Phone Number', type: 'string', fieldType: 'phonenumber' },
    { name: 'numberofemployees', label: 'Number of Employees', type: 'number', fieldType: 'number' },
    {
      name: 'annualrevenue',
      label: 'Annual Revenue',
      type: 'number',
      fieldType: 'number',
      numberDisplayHint: 'currency',
    },
    { name: 'description', label: 'Description', type: 'string', fieldType: 'textarea' },
    owner,
    createdate,
    lastModified,
    objectId,
  ],
};

/** Properties every custom object type gets at creation. */
export const CUSTOM_OBJECT_PROPERTIES: readonly PropertySeed[] = [
  objectId,
  {
    name: 'hs_createdate',
    label: 'Object create date/time',
    type: 'datetime',
    fieldType: 'date',
    readOnlyValue: true,
  },
  lastModified,
];

export interface AssociationTypeSeed {
  readonly typeId: number;
  readonly inverseTypeId: number;
  readonly category: AssociationCategory;
  readonly fromType: string;
  readonly toType: string;
  readonly name: string;
  readonly label: string | null;
}

/**
 * HubSpot-defined association types between the standard objects (HubSpot's association type id table).
 * Primary company associations carry the label "Primary"; every labelled association also has the
 * unlabelled type, which is also the default type of the pair.
 */
export const STANDARD_ASSOCIATION_TYPES: readonly AssociationTypeSeed[] = [
  {
    typeId: 279,
    inverseTypeId: 280,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-1',
    toType: '0-2',
    name: 'contact_to_company_unlabeled',
    label: null,
  },
  {
    typeId: 280,
    inverseTypeId: 279,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-2',
    toType: '0-1',
    name: 'company_to_contact_unlabeled',
    label: null,
  },
  {
    typeId: 1,
    inverseTypeId: 2,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-1',
    toType: '0-2',
    name: 'contact_to_company',
    label: 'Primary',
  },
  {
    typeId: 2,
    inverseTypeId: 1,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-2',
    toType: '0-1',
    name: 'company_to_contact',
    label: 'Primary',
  },
  {
    typeId: 3,
    inverseTypeId: 4,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-3',
    toType: '0-1',
    name: 'deal_to_contact',
    label: null,
  },
  {
    typeId: 4,
    inverseTypeId: 3,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-1',
    toType: '0-3',
    name: 'contact_to_deal',
    label: null,
  },
  {
    typeId: 341,
    inverseTypeId: 342,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-3',
    toType: '0-2',
    name: 'deal_to_company_unlabeled',
    label: null,
  },
  {
    typeId: 342,
    inverseTypeId: 341,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-2',
    toType: '0-3',
    name: 'company_to_deal_unlabeled',
    label: null,
  },
  {
    typeId: 5,
    inverseTypeId: 6,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-3',
    toType: '0-2',
    name: 'deal_to_company',
    label: 'Primary',
  },
  {
    typeId: 6,
    inverseTypeId: 5,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-2',
    toType: '0-3',
    name: 'company_to_deal',
    label: 'Primary',
  },
  // Tasks (HubSpot's association type id table: deal to task 215, task to deal 216, contact to task 203,
  // task to contact 204). https://developers.hubspot.com/docs/api/crm/associations#association-type-id-values
  {
    typeId: 215,
    inverseTypeId: 216,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-3',
    toType: '0-27',
    name: 'deal_to_task',
    label: null,
  },
  {
    typeId: 216,
    inverseTypeId: 215,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-27',
    toType: '0-3',
    name: 'task_to_deal',
    label: null,
  },
  {
    typeId: 203,
    inverseTypeId: 204,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-1',
    toType: '0-27',
    name: 'contact_to_task',
    label: null,
  },
  {
    typeId: 204,
    inverseTypeId: 203,
    category: 'HUBSPOT_DEFINED',
    fromType: '0-27',
    toType: '0-1',
    name: 'task_to_contact',
    label: null,
  },
];

/** Primary types: an object has at most one association of each (a new one replaces the old). */
export const PRIMARY_TYPE_IDS: ReadonlySet<number> = new Set([1, 5]);

/** User-defined association type ids start here, clear of HubSpot's own ids. */
export const FIRST_USER_DEFINED_TYPE_ID = 1000;
/** Object ids start here in every portal; HubSpot's ids are large numbers too. */
export const FIRST_OBJECT_ID = 10_000_001;
/** Custom object type ids (`2-{n}`) start here. */
export const FIRST_CUSTOM_OBJECT_TYPE_NUMBER = 1_000_001;
