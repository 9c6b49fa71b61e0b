/**
 * The CRM data plane's own types, its closed set of failures, and HubSpot's standard objects as a new
 * portal has them: deals, contacts and companies with the default properties that matter, their default
 * property groups, and HubSpot's default association types.
 */
import { z } from 'zod';

export const PROPERTY_TYPES = [
  'string',
  'number',
  'date',
  'datetime',
  'enumeration',
  'bool',
  'phone_number',
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export const FIELD_TYPES = [
  'booleancheckbox',
  'calculation_equation',
  'checkbox',
  'date',
  'file',
  'html',
  'number',
  'phonenumber',
  'radio',
  'select',
  'text',
  'textarea',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Which field types each property type may use (HubSpot rejects other pairs). */
export const FIELD_TYPES_BY_TYPE: Readonly<Record<PropertyType, readonly FieldType[]>> = {
  string: ['text', 'textarea', 'html', 'phonenumber', 'file'],
  number: ['number', 'calculation_equation'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  bool: ['booleancheckbox'],
  phone_number: ['phonenumber'],
};

export const NUMBER_DISPLAY_HINTS = [
  'currency',
  'duration',
  'formatted',
  'percentage',
  'probability',
  'unformatted',
] as const;
export const TEXT_DISPLAY_HINTS = [
  'domain_name',
  'email',
  'ip_address',
  'multi_line',
  'phone_number',
  'physical_address',
  'postal_code',
  'unformatted_single_line',
] as const;
export const DATA_SENSITIVITIES = ['highly_sensitive', 'non_sensitive', 'sensitive'] as const;

export const optionSchema = z.object({
  label: z.string(),
  value: z.string(),
  description: z.string().optional(),
  displayOrder: z.number().int().optional(),
  hidden: z.boolean(),
});
export type PropertyOption = z.infer<typeof optionSchema>;

/** A property definition as stored (one JSON document per property). */
export const propertyDefSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(PROPERTY_TYPES),
  fieldType: z.enum(FIELD_TYPES),
  groupName: z.string(),
  description: z.string(),
  displayOrder: z.number().int(),
  options: z.array(optionSchema),
  hasUniqueValue: z.boolean(),
  hidden: z.boolean(),
  formField: z.boolean(),
  calculated: z.boolean(),
  externalOptions: z.boolean(),
  hubspotDefined: z.boolean(),
  readOnlyValue: z.boolean(),
  readOnlyDefinition: z.boolean(),
  archivable: z.boolean(),
  numberDisplayHint: z.enum(NUMBER_DISPLAY_HINTS).optional(),
  textDisplayHint: z.enum(TEXT_DISPLAY_HINTS).optional(),
  showCurrencySymbol: z.boolean().optional(),
  referencedObjectType: z.string().optional(),
  dataSensitivity: z.enum(DATA_SENSITIVITIES).optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
  archivedAt: z.number().optional(),
});
export type PropertyDef = z.infer<typeof propertyDefSchema>;

/** An object type's definition as stored (standard objects have one too, so that resolution is uniform). */
export const objectTypeDefSchema = z.object({
  labels: z.object({ singular: z.string(), plural: z.string() }),
  requiredProperties: z.array(z.string()),
  searchableProperties: z.array(z.string()),
  primaryDisplayProperty: z.string().optional(),
  secondaryDisplayProperties: z.array(z.string()),
  description: z.string().optional(),
});
export type ObjectTypeDef = z.infer<typeof objectTypeDefSchema>;

export interface ObjectType {
  readonly objectTypeId: string;
  /** `deals`, `contacts`, `companies`, or a custom object's name (`map_milestone`). */
  readonly name: string;
  /** `deal`, `contact`, `company`, or the custom object's name: used in association type names. */
  readonly singular: string;
  readonly fullyQualifiedName: string;
  readonly standard: boolean;
  readonly def: ObjectTypeDef;
  readonly archived: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface CrmRecord {
  readonly id: number;
  readonly properties: Record<string, string>;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly archived: boolean;
  readonly archivedAt: number | null;
}

export type AssociationCategory = 'HUBSPOT_DEFINED' | 'USER_DEFINED';

export interface AssociationType {
  readonly typeId: number;
  readonly category: AssociationCategory;
  readonly fromType: string;
  readonly toType: string;
  /** The v3 association type name (`deal_to_contact`). */
  readonly name: string;
  readonly label: string | null;
  readonly inverseTypeId: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Owner {
  readonly id: number;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly userId: number;
  readonly teams: readonly { id: string; name: string; primary: boolean }[];
  readonly archived: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One problem with one property value, in HubSpot's words (the `error` codes HubSpot uses in its bodies). */
export interface PropertyProblem {
  readonly name: string;
  readonly error: string;
  readonly message: string;
}

/** The closed set of ways a CRM request fails; the router maps each to HubSpot's status and body. */
export type CrmFailure =
  | { readonly kind: 'validation'; readonly message: string; readonly problems?: readonly PropertyProblem[] }
  | { readonly kind: 'unknown_object_type'; readonly objectType: string }
  | { readonly kind: 'not_found'; readonly message: string; readonly context?: Record<string, string[]> }
  | { readonly kind: 'conflict'; readonly message: string }
  | { readonly kind: 'already_exists'; readonly message: string }
  | { readonly kind: 'missing_scopes'; readonly requiredScopes: readonly string[] }
  | { readonly kind: 'tier_forbidden'; readonly message: string };

export const validation = (message: string, problems?: readonly PropertyProblem[]): CrmFailure =>
  problems ? { kind: 'validation', message, problems } : { kind: 'validation', message };
export const notFound = (message: string, context?: Record<string, string[]>): CrmFailure =>
  context ? { kind: 'not_found', message, context } : { kind: 'not_found', message };
export const conflict = (message: string): CrmFailure => ({ kind: 'conflict', message });
export const alreadyExists = (message: string): CrmFailure => ({ kind: 'already_exists', message });

/** Result convention of the project: expected failures are values. */
export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CrmFailure };
export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = (error: CrmFailure): { readonly ok: false; readonly error: CrmFailure } => ({
  ok: false,
  error,
});

export const BATCH_LIMIT = 100;
export const ASSOCIATION_BATCH_READ_LIMIT = 1000;
export const MAX_STRING_LENGTH = 65_536;
export const SEARCH_PAGE_LIMIT = 200;
export const SEARCH_RESULT_LIMIT = 10_000;
/** HubSpot lets an Enterprise portal define 10 custom object types by default (more can be bought). */
export const ENTERPRISE_CUSTOM_OBJECT_LIMIT = 10;
