/**
 * Provisioning: makes a portal ready for the app, idempotently. It reads what exists first, creates what is
 * missing, repairs what HubSpot lets us change (labels, descriptions, groups, field types within a type,
 * enumeration options, schema display settings), and reports in plain words what it cannot change: a
 * property's type or unique-value flag (fixed at creation: PropertyCreate.hasUniqueValue "Once set, this can't
 * be changed"), and the definition of a property HubSpot marks read-only (modificationMetadata.readOnlyDefinition,
 * readOnlyOptions), which it never tries to PATCH. A run on a portal that is already right makes no write at all.
 *
 * It also decides the storage mode: milestones as `map_milestone` records when the portal can have custom
 * objects (the optional custom-object scopes were granted, the limits endpoint allows at least one type,
 * and the schemas endpoint does not answer 403), otherwise inside the deal's `map_plan` document.
 *
 * Specs: crm-properties-v3.json, crm-object-schemas-v3.json, crm-limits-tracking-v3.json.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../domain/result.js';
import type { CrmError } from '../../ports/crm-error.js';
import type { StorageMode } from '../../ports/installation-store.js';
import type { ProvisionProblem, ProvisionReport, ProvisionTenant } from '../../ports/provisioning.js';
import { chunks } from './crm-objects.js';
import {
  DEAL_PROPERTIES,
  DEAL_PROPERTY_GROUP,
  MILESTONE_OBJECT,
  MILESTONE_PROPERTIES,
  type PropertyDefinition,
} from './definitions.js';
import type { HubSpotTransport } from './transport.js';

/** The optional scopes without which the app cannot keep milestones as custom-object records. */
export const CUSTOM_OBJECT_SCOPES = [
  'crm.schemas.custom.read',
  'crm.schemas.custom.write',
  'crm.objects.custom.read',
  'crm.objects.custom.write',
] as const;

export interface ProvisionOptions {
  /** The scopes the installation was granted. */
  readonly scopes: readonly string[];
}

export type { ProvisionProblem, ProvisionReport } from '../../ports/provisioning.js';

const optionSchema = z
  .object({
    label: z.string(),
    value: z.string(),
    displayOrder: z.number().optional(),
    hidden: z.boolean().optional(),
  })
  .loose();
const propertySchema = z
  .object({
    name: z.string(),
    label: z.string(),
    type: z.string(),
    fieldType: z.string(),
    description: z.string().optional(),
    groupName: z.string().optional(),
    options: z.array(optionSchema).optional(),
    hasUniqueValue: z.boolean().optional(),
    formField: z.boolean().optional(),
    modificationMetadata: z
      .object({ readOnlyDefinition: z.boolean().optional(), readOnlyOptions: z.boolean().optional() })
      .loose()
      .optional(),
  })
  .loose();
type Property = z.infer<typeof propertySchema>;
const propertiesSchema = z.object({ results: z.array(propertySchema) }).loose();
const batchPropertiesSchema = z
  .object({
    results: z.array(propertySchema),
    errors: z
      .array(
        z
          .object({
            message: z.string().optional(),
            context: z.record(z.string(), z.array(z.string())).optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();
const groupSchema = z.object({ name: z.string(), label: z.string() }).loose();
const limitSchema = z.object({ limit: z.number(), usage: z.number() }).loose();
const associationDefinitionSchema = z
  .object({ id: z.string(), fromObjectTypeId: z.string(), toObjectTypeId: z.string() })
  .loose();
const objectSchemaSchema = z
  .object({
    objectTypeId: z.string(),
    name: z.string(),
    archived: z.boolean().optional(),
    labels: z.object({ singular: z.string().optional(), plural: z.string().optional() }).loose(),
    description: z.string().optional(),
    primaryDisplayProperty: z.string().optional(),
    secondaryDisplayProperties: z.array(z.string()).optional(),
    searchableProperties: z.array(z.string()).optional(),
    requiredProperties: z.array(z.string()).optional(),
    properties: z.array(propertySchema).optional(),
    associations: z.array(associationDefinitionSchema).optional(),
  })
  .loose();
type ObjectSchema = z.infer<typeof objectSchemaSchema>;
const schemasSchema = z.object({ results: z.array(objectSchemaSchema) }).loose();
const anySchema = z.unknown();

const DEALS = '0-3';
const CONTACTS = '0-1';
const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'number',
  date: 'date',
  datetime: 'date and time',
  enumeration: 'drop-down (enumeration)',
  bool: 'yes/no',
};
const typeWord = (type: string): string => TYPE_WORDS[type] ?? type;

class Report {
  readonly created: string[] = [];
  readonly updated: { subject: string; changes: string[] }[] = [];
  readonly unchanged: string[] = [];
  readonly problems: ProvisionProblem[] = [];
  problem(subject: string, message: string, blocking: boolean): void {
    this.problems.push({ subject, message, blocking });
  }
}

export interface PropertyRepair {
  /** The PATCH body; empty when HubSpot lets the app change none of what differs. */
  readonly body: Record<string, unknown>;
  /** What the body changes, in words. */
  readonly changes: string[];
  /** What differs but HubSpot marks read-only, in words: never sent. */
  readonly locked: string[];
}

/**
 * The PATCH that brings an existing property in line with ours, or null when it already is. A property whose
 * definition HubSpot marks read-only (readOnlyDefinition) gets no definition change, and no option change
 * when its options are read-only too: HubSpot refuses them, so they are returned as `locked` instead.
 */
export function propertyRepair(existing: Property, wanted: PropertyDefinition): PropertyRepair | null {
  const body: Record<string, unknown> = {};
  const changes: string[] = [];
  const locked: string[] = [];
  const definitionLocked = existing.modificationMetadata?.readOnlyDefinition === true;
  const optionsLocked = definitionLocked && existing.modificationMetadata?.readOnlyOptions === true;
  const change = (field: string, value: unknown, words: string, isLocked: boolean): void => {
    if (isLocked) {
      locked.push(words);
      return;
    }
    body[field] = value;
    changes.push(words);
  };
  if (existing.label !== wanted.label) change('label', wanted.label, 'label', definitionLocked);
  if ((existing.description ?? '') !== wanted.description)
    change('description', wanted.description, 'description', definitionLocked);
  if (existing.groupName !== wanted.groupName)
    change('groupName', wanted.groupName, 'group', definitionLocked);
  if (existing.fieldType !== wanted.fieldType)
    change('fieldType', wanted.fieldType, 'field type', definitionLocked);
  if (wanted.options && wanted.options.length > 0) {
    const theirs = new Map((existing.options ?? []).map((o) => [o.value, o] as const));
    const differs = wanted.options.some(
      (o) => theirs.get(o.value)?.label !== o.label || theirs.get(o.value)?.hidden === true,
    );
    if (differs) {
      // HubSpot replaces the whole option list on PATCH: keep the options an admin added after ours.
      const ours = new Set(wanted.options.map((o) => o.value));
      const extra = (existing.options ?? []).filter((o) => !ours.has(o.value));
      const options = [
        ...wanted.options,
        ...extra.map((o, i) => ({
          label: o.label,
          value: o.value,
          displayOrder: wanted.options!.length + i,
          hidden: o.hidden ?? false,
        })),
      ];
      change('options', options, 'options', optionsLocked);
    }
  }
  return changes.length === 0 && locked.length === 0 ? null : { body, changes, locked };
}

/** Whether some of our option values are missing (or hidden) on the existing property: the app cannot write them. */
function lacksOptions(existing: Property, wanted: PropertyDefinition): boolean {
  const theirs = new Map((existing.options ?? []).map((o) => [o.value, o] as const));
  return (wanted.options ?? []).some(
    (o) => theirs.get(o.value) === undefined || theirs.get(o.value)?.hidden === true,
  );
}

function createBody(p: PropertyDefinition): Record<string, unknown> {
  return {
    name: p.name,
    label: p.label,
    description: p.description,
    type: p.type,
    fieldType: p.fieldType,
    groupName: p.groupName,
    formField: p.formField,
    ...(p.options ? { options: p.options } : {}),
    ...(p.hasUniqueValue ? { hasUniqueValue: true } : {}),
    ...(p.displayOrder !== undefined ? { displayOrder: p.displayOrder } : {}),
  };
}

/**
 * Compares existing properties with ours: creates the missing ones (batch), PATCHes the repairable ones,
 * reports the rest. Returns the names that are unusable (wrong type, unique flag missing).
 */
async function syncProperties(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  what: string,
  existing: readonly Property[],
  wanted: readonly PropertyDefinition[],
  report: Report,
  /** Properties the object type requires: HubSpot refuses to delete them until they are no longer required. */
  required: ReadonlySet<string> = new Set(),
): Promise<Result<Set<string>, CrmError>> {
  const byName = new Map(existing.map((p) => [p.name, p] as const));
  const missing: PropertyDefinition[] = [];
  const unusable = new Set<string>();
  const repairs: { name: string; body: Record<string, unknown>; changes: string[] }[] = [];
  for (const p of wanted) {
    const found = byName.get(p.name);
    const subject = `${what} property ${p.name}`;
    if (!found) {
      missing.push(p);
      continue;
    }
    if (found.type !== p.type) {
      unusable.add(p.name);
      report.problem(
        subject,
        `${subject} already exists as a ${typeWord(found.type)} property, but the app needs a ${typeWord(p.type)} property. HubSpot would lose its values if the app changed the type, so it was left alone. An admin should delete or rename it (Settings › Properties), then run provisioning again.`,
        true,
      );
      continue;
    }
    if (p.hasUniqueValue && found.hasUniqueValue !== true) {
      unusable.add(p.name);
      const steps = required.has(p.name)
        ? `An admin should first remove it from the ${what} object's required properties (Settings › Objects › Custom objects), then delete it (Settings › Properties), then run provisioning again, which creates it with unique values and makes it required again.`
        : 'An admin should delete it (Settings › Properties), then run provisioning again, which creates it with unique values.';
      report.problem(
        subject,
        `${subject} exists without “unique values”, which HubSpot cannot switch on afterwards; the app needs it so that a retried save cannot create a duplicate milestone. ${steps}`,
        true,
      );
      continue;
    }
    const repair = propertyRepair(found, p);
    if (!repair) {
      report.unchanged.push(subject);
      continue;
    }
    if (repair.locked.length > 0) {
      const optionsMissing = repair.locked.includes('options') && lacksOptions(found, p);
      if (optionsMissing) unusable.add(p.name);
      report.problem(
        subject,
        optionsMissing
          ? `${subject} is marked read-only by HubSpot, so the app cannot add the choices it writes (${(p.options ?? []).map((o) => o.value).join(', ')}). An admin should find the app or integration that owns it, remove that property (Settings › Properties), then run provisioning again.`
          : `${subject} is marked read-only by HubSpot, so the app left its ${repair.locked.join(', ')} as they are; the app still works, but HubSpot shows that wording instead of the app's.`,
        optionsMissing,
      );
    }
    if (repair.changes.length > 0) repairs.push({ name: p.name, body: repair.body, changes: repair.changes });
    else if (repair.locked.length > 0 && !unusable.has(p.name)) report.unchanged.push(subject);
  }

  for (const chunk of chunks(missing)) {
    // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/batch/post-crm-v3-properties-objectType-batch-create
    const res = await t.request({
      portalId,
      method: 'POST',
      path: `/crm/v3/properties/${objectType}/batch/create`,
      body: { inputs: chunk.map(createBody) },
      idempotent: false,
      schema: batchPropertiesSchema,
    });
    if (!res.ok) return res;
    for (const p of res.value.results) report.created.push(`${what} property ${p.name}`);
    for (const e of res.value.errors ?? []) {
      const names = Object.values(e.context ?? {}).flat();
      for (const name of names) unusable.add(name);
      report.problem(
        `${what} properties ${names.join(', ')}`,
        `HubSpot refused to create them: ${e.message ?? 'no reason given'}.`,
        true,
      );
    }
  }

  const patched = await Promise.all(
    repairs.map((r) =>
      // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/patch-crm-v3-properties-objectType-propertyName
      t.request({
        portalId,
        method: 'PATCH',
        path: `/crm/v3/properties/${objectType}/${encodeURIComponent(r.name)}`,
        body: r.body,
        idempotent: true,
        schema: anySchema,
      }),
    ),
  );
  for (const [i, res] of patched.entries()) {
    const r = repairs[i];
    if (!r) continue;
    const subject = `${what} property ${r.name}`;
    if (res.ok) report.updated.push({ subject, changes: r.changes });
    else
      report.problem(
        subject,
        `Its ${r.changes.join(', ')} could not be updated (${res.error.message}); the app still works, but HubSpot shows the old wording.`,
        false,
      );
  }
  return ok(unusable);
}

async function ensureDealGroup(
  t: HubSpotTransport,
  portalId: string,
  report: Report,
): Promise<Result<void, CrmError>> {
  const subject = `deal property group ${DEAL_PROPERTY_GROUP.name}`;
  // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/groups/get-crm-v3-properties-objectType-groups-groupName
  const found = await t.request({
    portalId,
    method: 'GET',
    path: `/crm/v3/properties/deals/groups/${DEAL_PROPERTY_GROUP.name}`,
    idempotent: true,
    schema: groupSchema,
  });
  if (found.ok) {
    if (found.value.label === DEAL_PROPERTY_GROUP.label) {
      report.unchanged.push(subject);
      return ok(undefined);
    }
    // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/groups/patch-crm-v3-properties-objectType-groups-groupName
    const patched = await t.request({
      portalId,
      method: 'PATCH',
      path: `/crm/v3/properties/deals/groups/${DEAL_PROPERTY_GROUP.name}`,
      body: { label: DEAL_PROPERTY_GROUP.label },
      idempotent: true,
      schema: anySchema,
    });
    if (!patched.ok) return patched;
    report.updated.push({ subject, changes: ['label'] });
    return ok(undefined);
  }
  if (found.error.code !== 'CRM_NOT_FOUND') return found;
  // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/groups/post-crm-v3-properties-objectType-groups
  const created = await t.request({
    portalId,
    method: 'POST',
    path: '/crm/v3/properties/deals/groups',
    body: { ...DEAL_PROPERTY_GROUP },
    idempotent: false,
    schema: anySchema,
  });
  // A 409 means another run created it a moment ago: that is the state we want.
  if (!created.ok && created.error.code !== 'CRM_CONFLICT') return created;
  report.created.push(subject);
  return ok(undefined);
}

type Capability =
  | { readonly can: true; readonly schemas: ObjectSchema[]; readonly limit: number; readonly usage: number }
  | { readonly can: false; readonly reason: string };

async function customObjectCapability(
  t: HubSpotTransport,
  portalId: string,
  scopes: readonly string[],
): Promise<Result<Capability, CrmError>> {
  const missing = CUSTOM_OBJECT_SCOPES.filter((s) => !scopes.includes(s));
  if (missing.length > 0) {
    return ok({
      can: false,
      reason: `the app was not granted ${missing.join(', ')} (custom objects need HubSpot Enterprise)`,
    });
  }
  // https://developers.hubspot.com/docs/api-reference/crm-limits-tracking-v3/limits/get-crm-v3-limits-custom-object-types
  const limits = await t.request({
    portalId,
    method: 'GET',
    path: '/crm/v3/limits/custom-object-types',
    idempotent: true,
    schema: limitSchema,
  });
  if (!limits.ok) {
    if (limits.error.code === 'CRM_FORBIDDEN')
      return ok({ can: false, reason: 'HubSpot does not allow this account to use custom objects' });
    return limits;
  }
  if (limits.value.limit <= 0)
    return ok({ can: false, reason: 'this HubSpot account’s subscription allows no custom objects' });
  // https://developers.hubspot.com/docs/api-reference/crm-custom-objects-schemas-v3/core/get-crm-object-schemas-v3-schemas
  const schemas = await t.request({
    portalId,
    method: 'GET',
    path: '/crm-object-schemas/v3/schemas',
    idempotent: true,
    schema: schemasSchema,
  });
  if (!schemas.ok) {
    if (schemas.error.code === 'CRM_FORBIDDEN')
      return ok({ can: false, reason: 'HubSpot refused access to custom object schemas (403)' });
    return schemas;
  }
  return ok({
    can: true,
    schemas: schemas.value.results,
    limit: limits.value.limit,
    usage: limits.value.usage,
  });
}

function schemaRepair(existing: ObjectSchema): { body: Record<string, unknown>; changes: string[] } | null {
  const body: Record<string, unknown> = {};
  const changes: string[] = [];
  const want = MILESTONE_OBJECT;
  if (existing.labels.singular !== want.labels.singular || existing.labels.plural !== want.labels.plural) {
    body.labels = want.labels;
    changes.push('labels');
  }
  if ((existing.description ?? '') !== want.description) {
    body.description = want.description;
    changes.push('description');
  }
  if (existing.primaryDisplayProperty !== want.primaryDisplayProperty) {
    body.primaryDisplayProperty = want.primaryDisplayProperty;
    changes.push('primary display property');
  }
  const lists = [
    [
      'secondaryDisplayProperties',
      'secondary display properties',
      existing.secondaryDisplayProperties,
      want.secondaryDisplayProperties,
    ],
    [
      'searchableProperties',
      'searchable properties',
      existing.searchableProperties,
      want.searchableProperties,
    ],
    ['requiredProperties', 'required properties', existing.requiredProperties, want.requiredProperties],
  ] as const;
  for (const [field, words, theirs, ours] of lists) {
    const have = new Set(theirs ?? []);
    if (ours.some((p) => !have.has(p))) {
      body[field] = [...new Set([...(theirs ?? []), ...ours])];
      changes.push(words);
    }
  }
  return changes.length === 0 ? null : { body, changes };
}

async function ensureMilestoneObject(
  t: HubSpotTransport,
  portalId: string,
  capability: Extract<Capability, { can: true }>,
  report: Report,
): Promise<Result<{ objectTypeId: string | null; reason: string }, CrmError>> {
  const subject = `custom object ${MILESTONE_OBJECT.name}`;
  const existing = capability.schemas.find((s) => s.name === MILESTONE_OBJECT.name && s.archived !== true);
  if (!existing) {
    if (capability.usage >= capability.limit) {
      const message = `This HubSpot account already uses all ${capability.limit} of its custom object types, so the app keeps milestones inside the deal's plan instead. To use MAP milestone records, an admin can delete an unused custom object and run provisioning again.`;
      report.problem(subject, message, false);
      return ok({ objectTypeId: null, reason: 'the account has no custom object type left' });
    }
    // https://developers.hubspot.com/docs/api-reference/crm-custom-objects-schemas-v3/core/post-crm-object-schemas-v3-schemas
    const created = await t.request({
      portalId,
      method: 'POST',
      path: '/crm-object-schemas/v3/schemas',
      body: {
        name: MILESTONE_OBJECT.name,
        labels: MILESTONE_OBJECT.labels,
        description: MILESTONE_OBJECT.description,
        primaryDisplayProperty: MILESTONE_OBJECT.primaryDisplayProperty,
        secondaryDisplayProperties: MILESTONE_OBJECT.secondaryDisplayProperties,
        searchableProperties: MILESTONE_OBJECT.searchableProperties,
        requiredProperties: MILESTONE_OBJECT.requiredProperties,
        properties: MILESTONE_PROPERTIES.map(createBody),
        associatedObjects: [DEALS, CONTACTS],
      },
      idempotent: false,
      schema: objectSchemaSchema,
    });
    if (!created.ok) return created;
    report.created.push(
      subject,
      ...MILESTONE_PROPERTIES.map((p) => `${MILESTONE_OBJECT.name} property ${p.name}`),
    );
    report.created.push(
      `association ${MILESTONE_OBJECT.name} → deals`,
      `association ${MILESTONE_OBJECT.name} → contacts`,
    );
    return ok({
      objectTypeId: created.value.objectTypeId,
      reason: 'the account can have custom objects; the milestone object was created',
    });
  }

  const typeId = existing.objectTypeId;
  // Properties first: the schema's display, searchable and required lists may name properties created here.
  const required = new Set(existing.requiredProperties ?? []);
  const unusable = await syncProperties(
    t,
    portalId,
    typeId,
    MILESTONE_OBJECT.name,
    existing.properties ?? [],
    MILESTONE_PROPERTIES,
    report,
    required,
  );
  if (!unusable.ok) return unusable;

  const repair = schemaRepair(existing);
  if (repair) {
    // https://developers.hubspot.com/docs/api-reference/crm-custom-objects-schemas-v3/core/patch-crm-object-schemas-v3-schemas-objectType
    const patched = await t.request({
      portalId,
      method: 'PATCH',
      path: `/crm-object-schemas/v3/schemas/${typeId}`,
      body: repair.body,
      idempotent: true,
      schema: anySchema,
    });
    if (patched.ok) report.updated.push({ subject, changes: repair.changes });
    else
      report.problem(
        subject,
        `Its ${repair.changes.join(', ')} could not be updated (${patched.error.message}).`,
        false,
      );
  } else {
    report.unchanged.push(subject);
  }

  let linkedToDeals = false;
  for (const [to, words] of [
    [DEALS, 'deals'],
    [CONTACTS, 'contacts'],
  ] as const) {
    const assoc = `association ${MILESTONE_OBJECT.name} → ${words}`;
    const has = (existing.associations ?? []).some(
      (a) =>
        (a.fromObjectTypeId === typeId && a.toObjectTypeId === to) ||
        (a.fromObjectTypeId === to && a.toObjectTypeId === typeId),
    );
    if (has) {
      report.unchanged.push(assoc);
      if (to === DEALS) linkedToDeals = true;
      continue;
    }
    // https://developers.hubspot.com/docs/api-reference/crm-custom-objects-schemas-v3/core/post-crm-object-schemas-v3-schemas-objectType-associations
    const created = await t.request({
      portalId,
      method: 'POST',
      path: `/crm-object-schemas/v3/schemas/${typeId}/associations`,
      body: { fromObjectTypeId: typeId, toObjectTypeId: to },
      idempotent: false,
      schema: anySchema,
    });
    if (created.ok) {
      report.created.push(assoc);
      if (to === DEALS) linkedToDeals = true;
    } else {
      report.problem(assoc, `HubSpot refused to define it (${created.error.message}).`, to === DEALS);
    }
  }

  if (unusable.value.size > 0 || !linkedToDeals) {
    const why =
      unusable.value.size > 0
        ? `its properties ${[...unusable.value].join(', ')} cannot be used`
        : 'it cannot be associated with deals';
    return ok({
      objectTypeId: null,
      reason: `the existing ${MILESTONE_OBJECT.name} object is not usable: ${why}`,
    });
  }
  return ok({
    objectTypeId: typeId,
    reason: 'the account can have custom objects and the milestone object is ready',
  });
}

/** Makes the portal ready and says which storage mode it supports; see the file comment. */
export async function provisionPortal(
  t: HubSpotTransport,
  portalId: string,
  options: ProvisionOptions,
): Promise<Result<ProvisionReport, CrmError>> {
  const report = new Report();

  const group = await ensureDealGroup(t, portalId, report);
  if (!group.ok) return err(group.error);

  // https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/get-crm-v3-properties-objectType
  const dealProps = await t.request({
    portalId,
    method: 'GET',
    path: '/crm/v3/properties/deals',
    idempotent: true,
    schema: propertiesSchema,
  });
  if (!dealProps.ok) return err(dealProps.error);
  const dealSync = await syncProperties(
    t,
    portalId,
    'deals',
    'deal',
    dealProps.value.results,
    DEAL_PROPERTIES,
    report,
  );
  if (!dealSync.ok) return err(dealSync.error);

  const capability = await customObjectCapability(t, portalId, options.scopes);
  if (!capability.ok) return err(capability.error);
  let storageMode: StorageMode = 'document';
  let storageReason: string;
  let milestoneObjectTypeId: string | null = null;
  if (!capability.value.can) {
    storageReason = `Milestones are kept inside each deal's plan: ${capability.value.reason}.`;
  } else {
    const object = await ensureMilestoneObject(t, portalId, capability.value, report);
    if (!object.ok) return err(object.error);
    milestoneObjectTypeId = object.value.objectTypeId;
    storageMode = milestoneObjectTypeId === null ? 'document' : 'custom_object';
    storageReason =
      storageMode === 'custom_object'
        ? `Milestones are kept as MAP milestone records: ${object.value.reason}.`
        : `Milestones are kept inside each deal's plan: ${object.value.reason}.`;
  }

  return ok({
    storageMode,
    storageReason,
    milestoneObjectTypeId,
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    problems: report.problems,
  });
}

/** Provisioning as the port the install use case and the CLI use: the tenant (a portal) and its scopes. */
export const hubSpotProvisioning =
  (t: HubSpotTransport): ProvisionTenant =>
  (input) =>
    provisionPortal(t, input.tenant.accountId, { scopes: input.scopes });

/** The report as lines an admin reads in a terminal. */
export function formatProvisionReport(report: ProvisionReport): string {
  const lines = [`Storage mode: ${report.storageMode}. ${report.storageReason}`];
  if (report.milestoneObjectTypeId) lines.push(`Milestone object type id: ${report.milestoneObjectTypeId}`);
  lines.push(`Created (${report.created.length}):`, ...report.created.map((c) => `  + ${c}`));
  lines.push(
    `Updated (${report.updated.length}):`,
    ...report.updated.map((u) => `  ~ ${u.subject}: ${u.changes.join(', ')}`),
  );
  lines.push(`Unchanged: ${report.unchanged.length}`);
  lines.push(
    `Problems (${report.problems.length}):`,
    ...report.problems.map((p) => `  ${p.blocking ? '!' : '-'} ${p.subject}: ${p.message}`),
  );
  return lines.join('\n');
}
