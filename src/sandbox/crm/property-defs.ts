/**
 * Property and property-group definitions: HubSpot's rules for creating and changing them, and their public
 * shape (spec: crm-properties-v3.json, Property and PropertyGroup). Shared by the properties API and by
 * custom object schemas, whose `properties` are created through the same rules.
 */
import { z } from 'zod';
import type { CallerContext } from '../context.js';
import {
  alreadyExists,
  DATA_SENSITIVITIES,
  failure,
  FIELD_TYPES,
  FIELD_TYPES_BY_TYPE,
  NUMBER_DISPLAY_HINTS,
  PROPERTY_TYPES,
  success,
  TEXT_DISPLAY_HINTS,
  validation,
  type CrmFailure,
  type Outcome,
  type PropertyDef,
  type PropertyOption,
} from './model.js';
import type { TypeInfo } from './object-types.js';
import type { PortalStore } from './store.js';

export const NAME_RULE = /^[a-z][a-z0-9_]*$/;
export const MAX_NAME_LENGTH = 100;
/** HubSpot allows at most 10 unique-value properties per object type. */
export const MAX_UNIQUE_PROPERTIES = 10;

const optionInputSchema = z.object({
  label: z.string().min(1),
  value: z.string().min(1),
  description: z.string().optional(),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean().default(false),
});

export const propertyCreateSchema = z.object({
  name: z.string(),
  label: z.string().min(1),
  type: z.enum(PROPERTY_TYPES),
  fieldType: z.enum(FIELD_TYPES),
  groupName: z.string().optional(),
  description: z.string().optional(),
  displayOrder: z.number().int().optional(),
  options: z.array(optionInputSchema).optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
  externalOptions: z.boolean().optional(),
  numberDisplayHint: z.enum(NUMBER_DISPLAY_HINTS).optional(),
  textDisplayHint: z.enum(TEXT_DISPLAY_HINTS).optional(),
  showCurrencySymbol: z.boolean().optional(),
  referencedObjectType: z.string().optional(),
  dataSensitivity: z.enum(DATA_SENSITIVITIES).optional(),
  calculationFormula: z.string().optional(),
  currencyPropertyName: z.string().optional(),
});
export type PropertyCreate = z.infer<typeof propertyCreateSchema>;

/**
 * PropertyUpdate of crm-properties-v3.json has no `hasUniqueValue` (PropertyCreate: "Once set, this can't be
 * changed"). It is parsed here only so that a PATCH carrying it is refused instead of silently ignored.
 */
export const propertyUpdateSchema = propertyCreateSchema
  .omit({ name: true, externalOptions: true })
  .partial();
export type PropertyUpdate = z.infer<typeof propertyUpdateSchema>;

/** PropertyUpdate fields that change a property's definition (everything but its options). */
const DEFINITION_FIELDS = [
  'label',
  'type',
  'fieldType',
  'groupName',
  'description',
  'displayOrder',
  'hidden',
  'formField',
  'numberDisplayHint',
  'textDisplayHint',
  'showCurrencySymbol',
  'referencedObjectType',
  'dataSensitivity',
  'calculationFormula',
  'currencyPropertyName',
] as const satisfies readonly (keyof PropertyUpdate)[];

/** Whether a property's options are HubSpot's to manage (the spec's `modificationMetadata.readOnlyOptions`). */
export const readOnlyOptions = (def: PropertyDef): boolean => def.readOnlyDefinition && def.externalOptions;

export const ENUMERATION_NEEDS_OPTIONS = (name: string): CrmFailure =>
  validation(
    `Property ${name} is an enumeration and needs at least one option: send "options" with a label and a value for each choice (crm-properties-v3 PropertyCreate: options "is required for enumerated properties").`,
  );
export const UNIQUE_VALUE_IS_FINAL = (name: string): CrmFailure =>
  validation(
    `hasUniqueValue of property ${name} cannot be changed after the property is created. To change it, archive the property and create a new one.`,
  );
export const READ_ONLY_DEFINITION = (name: string, fields: readonly string[]): CrmFailure =>
  validation(
    `Property ${name} is HubSpot-defined and its definition is read-only (readOnlyDefinition); ${fields.join(', ')} cannot be changed.`,
  );

export function checkName(kind: string, name: string): CrmFailure | undefined {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    return validation(
      `${kind} name must be 1 to ${MAX_NAME_LENGTH} characters long; "${name}" has ${name.length}.`,
    );
  }
  if (!NAME_RULE.test(name)) {
    return validation(
      `${kind} name "${name}" is not valid: use lowercase letters, digits and underscores, starting with a letter.`,
    );
  }
  return undefined;
}

function options(input: readonly z.infer<typeof optionInputSchema>[]): Outcome<PropertyOption[]> {
  const seen = new Set<string>();
  const out: PropertyOption[] = [];
  for (const [i, o] of input.entries()) {
    if (seen.has(o.value)) return failure(validation(`Option value "${o.value}" appears more than once.`));
    seen.add(o.value);
    const option: PropertyOption = {
      label: o.label,
      value: o.value,
      displayOrder: o.displayOrder ?? i,
      hidden: o.hidden,
    };
    if (o.description !== undefined) option.description = o.description;
    out.push(option);
  }
  return success(out);
}

const BOOL_OPTIONS: PropertyOption[] = [
  { label: 'Yes', value: 'true', displayOrder: 0, hidden: false },
  { label: 'No', value: 'false', displayOrder: 1, hidden: false },
];

function checkPair(type: PropertyDef['type'], fieldType: PropertyDef['fieldType']): CrmFailure | undefined {
  return FIELD_TYPES_BY_TYPE[type].includes(fieldType)
    ? undefined
    : validation(
        `fieldType "${fieldType}" is not valid for type "${type}"; use one of: ${FIELD_TYPES_BY_TYPE[type].join(', ')}.`,
      );
}

/** Builds a new custom property from a create request, applying HubSpot's rules. */
export function newProperty(
  store: PortalStore,
  info: TypeInfo,
  input: PropertyCreate,
  now: number,
  defaultGroup: string,
): Outcome<PropertyDef> {
  const nameProblem = checkName('Property', input.name);
  if (nameProblem) return failure(nameProblem);
  if (input.name.startsWith('hs_'))
    return failure(
      validation(`Property names starting with "hs_" are reserved for HubSpot; got "${input.name}".`),
    );
  const pair = checkPair(input.type, input.fieldType);
  if (pair) return failure(pair);
  const existing = store.getProperty(info.type.objectTypeId, input.name);
  if (existing && !existing.archived)
    return failure(alreadyExists(`Property named '${input.name}' already exists.`));
  const groupName = input.groupName ?? defaultGroup;
  const group = store.getGroup(info.type.objectTypeId, groupName);
  if (!group || group.archived)
    return failure(validation(`Property group "${groupName}" does not exist on ${info.type.name}.`));
  if (input.hasUniqueValue) {
    if (input.type !== 'string' && input.type !== 'number') {
      return failure(
        validation(
          `Only string and number properties can have unique values; "${input.name}" is ${input.type}.`,
        ),
      );
    }
    const uniques = store
      .listProperties(info.type.objectTypeId, false)
      .filter((p) => p.hasUniqueValue).length;
    if (uniques >= MAX_UNIQUE_PROPERTIES) {
      return failure(
        validation(
          `${info.type.name} already has ${MAX_UNIQUE_PROPERTIES} unique-value properties, the most HubSpot allows.`,
        ),
      );
    }
  }
  let opts: PropertyOption[] = [];
  // A bool (single checkbox) without options gets HubSpot's Yes/No pair; an enumeration must bring its own.
  if (input.type === 'bool') {
    opts = input.options && input.options.length > 0 ? [] : BOOL_OPTIONS;
  }
  if (input.options && input.options.length > 0) {
    if (input.type !== 'enumeration' && input.type !== 'bool') {
      return failure(
        validation(`Options are only valid for enumeration properties; "${input.name}" is ${input.type}.`),
      );
    }
    const parsed = options(input.options);
    if (!parsed.ok) return parsed;
    opts = parsed.value;
  }
  if (input.type === 'enumeration' && opts.length === 0 && !input.externalOptions)
    return failure(ENUMERATION_NEEDS_OPTIONS(input.name));
  const def: PropertyDef = {
    name: input.name,
    label: input.label,
    type: input.type,
    fieldType: input.fieldType,
    groupName,
    description: input.description ?? '',
    displayOrder: input.displayOrder ?? -1,
    options: opts,
    hasUniqueValue: input.hasUniqueValue ?? false,
    hidden: input.hidden ?? false,
    formField: input.formField ?? false,
    calculated: false,
    externalOptions: input.externalOptions ?? false,
    hubspotDefined: false,
    readOnlyValue: false,
    readOnlyDefinition: false,
    archivable: true,
    createdAt: now,
    updatedAt: now,
  };
  if (input.numberDisplayHint) def.numberDisplayHint = input.numberDisplayHint;
  if (input.textDisplayHint) def.textDisplayHint = input.textDisplayHint;
  if (input.showCurrencySymbol !== undefined) def.showCurrencySymbol = input.showCurrencySymbol;
  if (input.referencedObjectType) def.referencedObjectType = input.referencedObjectType;
  if (input.dataSensitivity) def.dataSensitivity = input.dataSensitivity;
  return success(def);
}

export function updatedProperty(
  store: PortalStore,
  info: TypeInfo,
  def: PropertyDef,
  input: PropertyUpdate,
  now: number,
): Outcome<PropertyDef> {
  if (input.hasUniqueValue !== undefined) return failure(UNIQUE_VALUE_IS_FINAL(def.name));
  if (def.readOnlyDefinition) {
    // Strict: any definition field in the body is refused, even one equal to the current value.
    const fields: string[] = DEFINITION_FIELDS.filter((f) => input[f] !== undefined);
    if (input.options !== undefined && readOnlyOptions(def)) fields.push('options');
    if (fields.length > 0) return failure(READ_ONLY_DEFINITION(def.name, fields));
  }
  const type = input.type ?? def.type;
  const fieldType = input.fieldType ?? def.fieldType;
  const pair = checkPair(type, fieldType);
  if (pair) return failure(pair);
  if (def.hasUniqueValue && type !== def.type) {
    return failure(validation(`The type of unique-value property "${def.name}" cannot be changed.`));
  }
  if (input.groupName !== undefined) {
    const group = store.getGroup(info.type.objectTypeId, input.groupName);
    if (!group || group.archived)
      return failure(validation(`Property group "${input.groupName}" does not exist on ${info.type.name}.`));
  }
  const next: PropertyDef = { ...def, type, fieldType, updatedAt: now };
  if (input.label !== undefined) next.label = input.label;
  if (input.description !== undefined) next.description = input.description;
  if (input.groupName !== undefined) next.groupName = input.groupName;
  if (input.displayOrder !== undefined) next.displayOrder = input.displayOrder;
  if (input.hidden !== undefined) next.hidden = input.hidden;
  if (input.formField !== undefined) next.formField = input.formField;
  if (input.numberDisplayHint !== undefined) next.numberDisplayHint = input.numberDisplayHint;
  if (input.textDisplayHint !== undefined) next.textDisplayHint = input.textDisplayHint;
  if (input.showCurrencySymbol !== undefined) next.showCurrencySymbol = input.showCurrencySymbol;
  if (input.options !== undefined) {
    if (type !== 'enumeration' && type !== 'bool')
      return failure(validation(`Options are only valid for enumeration properties.`));
    const parsed = options(input.options);
    if (!parsed.ok) return parsed;
    next.options = parsed.value;
  }
  if (type === 'bool' && next.options.length === 0) next.options = BOOL_OPTIONS;
  if (type !== def.type && type !== 'enumeration' && type !== 'bool') next.options = [];
  if (type === 'enumeration' && next.options.length === 0 && !def.externalOptions)
    return failure(ENUMERATION_NEEDS_OPTIONS(def.name));
  return success(next);
}

/** The public Property of the spec. */
export function publicProperty(def: PropertyDef, archived: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType,
    description: def.description,
    groupName: def.groupName,
    options: def.options.map((o, i) => ({ ...o, displayOrder: o.displayOrder ?? i })),
    displayOrder: def.displayOrder,
    calculated: def.calculated,
    externalOptions: def.externalOptions,
    hasUniqueValue: def.hasUniqueValue,
    hidden: def.hidden,
    hubspotDefined: def.hubspotDefined,
    formField: def.formField,
    modificationMetadata: {
      archivable: def.archivable,
      readOnlyDefinition: def.readOnlyDefinition,
      readOnlyValue: def.readOnlyValue,
      readOnlyOptions: readOnlyOptions(def),
    },
    createdAt: new Date(def.createdAt).toISOString(),
    updatedAt: new Date(def.updatedAt).toISOString(),
    archived,
  };
  if (def.archivedAt !== undefined) out.archivedAt = new Date(def.archivedAt).toISOString();
  if (def.numberDisplayHint) out.numberDisplayHint = def.numberDisplayHint;
  if (def.textDisplayHint) out.textDisplayHint = def.textDisplayHint;
  if (def.showCurrencySymbol !== undefined) out.showCurrencySymbol = def.showCurrencySymbol;
  if (def.referencedObjectType) out.referencedObjectType = def.referencedObjectType;
  if (def.dataSensitivity) out.dataSensitivity = def.dataSensitivity;
  return out;
}

/** The default property group of a type (where a property without `groupName` goes). */
export function defaultGroupOf(info: TypeInfo): string {
  if (info.type.objectTypeId === '0-3') return 'dealinformation';
  if (info.type.objectTypeId === '0-1') return 'contactinformation';
  if (info.type.objectTypeId === '0-2') return 'companyinformation';
  return `${info.type.name}_information`;
}

/** Custom object types' definitions need `crm.schemas.custom.*`; standard objects' scopes are not checked. */
export function requireSchemaScope(
  caller: CallerContext,
  info: TypeInfo | undefined,
  access: 'read' | 'write',
): CrmFailure | undefined {
  if (info?.type.standard) return undefined;
  const scope = `crm.schemas.custom.${access}`;
  return caller.scopes.has(scope) ? undefined : { kind: 'missing_scopes', requiredScopes: [scope] };
}
