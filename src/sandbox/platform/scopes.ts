/**
 * The OAuth scopes the sandbox knows, and which of them a portal's tier can grant.
 *
 * The list is every scope named in a `security` block of HubSpot's OpenAPI specs in
 * ../shared/hubspot-openapi/ (objects, schemas, properties, associations, owners, ...), so a scope the
 * app asks for is known here exactly when HubSpot documents an endpoint that needs it.
 */
import type { PortalTier } from '../context.js';
import { errorBody, type HubSpotErrorBody } from '../errors.js';
import { APP_INSTALL_SCOPES } from './defaults.js';
import { matchEndpoint } from './endpoints.js';

export const KNOWN_SCOPES: readonly string[] = [
  'automation',
  'cpq.quotes.read',
  'cpq.quotes.write',
  'crm.objects.appointments.read',
  'crm.objects.appointments.write',
  'crm.objects.appointments.sensitive.read.v2',
  'crm.objects.appointments.sensitive.write.v2',
  'crm.objects.calls.read',
  'crm.objects.carts.read',
  'crm.objects.carts.write',
  'crm.objects.commercepayments.read',
  'crm.objects.commercepayments.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.companies.sensitive.read.v2',
  'crm.objects.companies.sensitive.write.v2',
  'crm.objects.companies.highly_sensitive.read.v2',
  'crm.objects.companies.highly_sensitive.write.v2',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.contacts.sensitive.read.v2',
  'crm.objects.contacts.sensitive.write.v2',
  'crm.objects.contacts.highly_sensitive.read.v2',
  'crm.objects.contacts.highly_sensitive.write.v2',
  'crm.objects.courses.read',
  'crm.objects.courses.write',
  'crm.objects.custom.read',
  'crm.objects.custom.write',
  'crm.objects.custom.sensitive.read.v2',
  'crm.objects.custom.sensitive.write.v2',
  'crm.objects.custom.highly_sensitive.read.v2',
  'crm.objects.custom.highly_sensitive.write.v2',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.deals.sensitive.read.v2',
  'crm.objects.deals.sensitive.write.v2',
  'crm.objects.deals.highly_sensitive.read.v2',
  'crm.objects.deals.highly_sensitive.write.v2',
  'crm.objects.emails.read',
  'crm.objects.feedback_submissions.read',
  'crm.objects.goals.read',
  'crm.objects.goals.write',
  'crm.objects.invoices.read',
  'crm.objects.invoices.write',
  'crm.objects.leads.read',
  'crm.objects.leads.write',
  'crm.objects.line_items.read',
  'crm.objects.line_items.write',
  'crm.objects.listings.read',
  'crm.objects.listings.write',
  'crm.objects.marketing_events.read',
  'crm.objects.marketing_events.write',
  'crm.objects.meetings.read',
  'crm.objects.notes.read',
  'crm.objects.orders.read',
  'crm.objects.orders.write',
  'crm.objects.owners.read',
  'crm.objects.partner-clients.read',
  'crm.objects.partner-clients.write',
  'crm.objects.partner-services.read',
  'crm.objects.partner-services.write',
  'crm.objects.products.read',
  'crm.objects.products.write',
  'crm.objects.projects.read',
  'crm.objects.projects.write',
  'crm.objects.projects.sensitive.read',
  'crm.objects.projects.sensitive.write',
  'crm.objects.projects.highly_sensitive.read',
  'crm.objects.projects.highly_sensitive.write',
  'crm.objects.quotes.read',
  'crm.objects.quotes.write',
  'crm.objects.services.read',
  'crm.objects.services.write',
  'crm.objects.subscriptions.read',
  'crm.objects.subscriptions.write',
  'crm.objects.tasks.read',
  'crm.objects.tickets.sensitive.read',
  'crm.objects.tickets.sensitive.write',
  'crm.objects.tickets.highly_sensitive.read',
  'crm.objects.tickets.highly_sensitive.write',
  'crm.objects.users.read',
  'crm.objects.users.write',
  'crm.pipelines.orders.read',
  'crm.pipelines.orders.write',
  'crm.schemas.appointments.read',
  'crm.schemas.appointments.write',
  'crm.schemas.calls.read',
  'crm.schemas.carts.read',
  'crm.schemas.carts.write',
  'crm.schemas.commercepayments.read',
  'crm.schemas.commercepayments.write',
  'crm.schemas.companies.read',
  'crm.schemas.companies.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.schemas.courses.read',
  'crm.schemas.courses.write',
  'crm.schemas.custom.read',
  'crm.schemas.custom.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'crm.schemas.emails.read',
  'crm.schemas.invoices.read',
  'crm.schemas.invoices.write',
  'crm.schemas.line_items.read',
  'crm.schemas.listings.read',
  'crm.schemas.listings.write',
  'crm.schemas.meetings.read',
  'crm.schemas.notes.read',
  'crm.schemas.orders.read',
  'crm.schemas.orders.write',
  'crm.schemas.projects.read',
  'crm.schemas.projects.write',
  'crm.schemas.quotes.read',
  'crm.schemas.quotes.write',
  'crm.schemas.services.read',
  'crm.schemas.services.write',
  'crm.schemas.subscriptions.read',
  'crm.schemas.subscriptions.write',
  'crm.schemas.tasks.read',
  'crm.schemas.tickets.read',
  'crm.schemas.tickets.write',
  'developers-read',
  'developers-write',
  'e-commerce',
  'media_bridge.read',
  'oauth',
  'private-apps-read',
  'private-apps-write',
  'tickets',
  'tickets.highly_sensitive.v2',
  'tickets.sensitive.v2',
  'timeline',
];

const known = new Set(KNOWN_SCOPES);

export const isKnownScope = (scope: string): boolean => known.has(scope);

/** Custom objects are Enterprise-only, so are the scopes that reach them. */
export function tierAllowsScope(tier: PortalTier, scope: string): boolean {
  const custom = scope.startsWith('crm.objects.custom.') || scope.startsWith('crm.schemas.custom.');
  return !custom || tier === 'enterprise';
}

/**
 * What a static (private-app style) token of a portal may do: the scopes the app installs with
 * (APP_INSTALL_SCOPES), the optional ones only where the tier grants them, as an OAuth install would.
 */
export const staticTokenScopes = (tier: PortalTier): string[] =>
  [
    ...new Set([
      ...APP_INSTALL_SCOPES.required,
      ...APP_INSTALL_SCOPES.optional.filter((s) => tierAllowsScope(tier, s)),
    ]),
  ].sort();

/** Splits an OAuth `scope` / `optional_scope` parameter: HubSpot separates scopes with spaces (or `+`). */
export const parseScopeParam = (value: string | undefined): string[] =>
  value === undefined ? [] : [...new Set(value.split(/[\s+]+/).filter((s) => s.length > 0))];

export type ScopeDecision =
  | { ok: true; granted: string[]; declinedOptional: string[] }
  | { ok: false; error: 'invalid_scope'; description: string };

/**
 * Granted scopes = the required ones (all of them, or the install fails) ∪ the optional ones the tier allows.
 * An unknown scope fails the install, as it does on HubSpot.
 */
export function decideScopes(
  tier: PortalTier,
  required: readonly string[],
  optional: readonly string[],
): ScopeDecision {
  const unknown = [...required, ...optional].filter((s) => !isKnownScope(s));
  if (unknown.length > 0) {
    return { ok: false, error: 'invalid_scope', description: `Unknown scope(s): ${unknown.join(', ')}` };
  }
  const notGrantable = required.filter((s) => !tierAllowsScope(tier, s));
  if (notGrantable.length > 0) {
    return {
      ok: false,
      error: 'invalid_scope',
      description: `This ${tier} portal cannot grant the required scope(s): ${notGrantable.join(', ')}`,
    };
  }
  const granted = new Set(required);
  const declinedOptional: string[] = [];
  for (const scope of optional) {
    if (tierAllowsScope(tier, scope)) granted.add(scope);
    else declinedOptional.push(scope);
  }
  return { ok: true, granted: [...granted].sort(), declinedOptional };
}

/* ------------------------------------------------------------------------------------------------------------
 * Scope enforcement per endpoint.
 *
 * Source: the `security` requirement of each operation in HubSpot's OpenAPI specs (../shared/hubspot-openapi):
 * a list of alternatives, any one of which lets the call through. The specs of the generic endpoints
 * (crm-objects-v3, crm-properties-v3, crm-associations-v4, crm-associations-schema-v4) list every object type's
 * scopes — and `oauth` — as alternatives for one `{objectType}` path, while the per-type specs (crm-deals-v3,
 * crm-contacts-v3, crm-tasks-v3, crm-notes-v3) show what HubSpot asks of one type: its own `.read` scope for
 * reads, `.write` for writes. So the sandbox narrows a generic operation to the alternatives of the object
 * type(s) in the path and of the operation's access (read or write), and never honours the bare `oauth`
 * alternative beside others (strict: HubSpot answers 403 MISSING_SCOPES to a token that only has `oauth`).
 * An operation whose only alternative is `oauth` (account-info-v3.json's) asks for exactly that.
 * test/sandbox/platform-auth.test.ts checks every rule below against the specs.
 * ------------------------------------------------------------------------------------------------------------ */

export type Access = 'read' | 'write';

/**
 * The scope family of an object type named in a path, for the types the sandbox can name without its CRM store
 * (standard types by name, singular name or id; custom types by id `2-…` or `p_name` / `p123_name`). Notes and
 * tasks use the contacts scopes (crm-notes-v3.json, crm-tasks-v3.json). Undefined: the CRM answers that type.
 */
export function scopeFamily(objectType: string): string | undefined {
  const t = objectType.toLowerCase();
  if (/^2-\d+$/.test(t) || /^p\d*_[a-z]/.test(t)) return 'custom';
  return STANDARD_FAMILIES[t];
}

const STANDARD_FAMILIES: Record<string, string> = {
  '0-1': 'contacts',
  contact: 'contacts',
  contacts: 'contacts',
  '0-2': 'companies',
  company: 'companies',
  companies: 'companies',
  '0-3': 'deals',
  deal: 'deals',
  deals: 'deals',
  '0-27': 'contacts',
  task: 'contacts',
  tasks: 'contacts',
  '0-46': 'contacts',
  note: 'contacts',
  notes: 'contacts',
};

/** Reads are GET, search and batch/read; everything else writes (as the per-type specs split them). */
export const accessOf = (method: string, template: string): Access =>
  method === 'GET' || /\/(search|batch\/read)$/.test(template) ? 'read' : 'write';

/** Any CRM object scope: the alternatives the limits-tracking specs list (crm-limits-tracking-v3.json). */
export const ANY_CRM_OBJECT_SCOPES: readonly string[] = [
  'crm.objects.appointments.read',
  'crm.objects.appointments.sensitive.read.v2',
  'crm.objects.appointments.sensitive.write.v2',
  'crm.objects.appointments.write',
  'crm.objects.calls.read',
  'crm.objects.carts.read',
  'crm.objects.carts.write',
  'crm.objects.commercepayments.read',
  'crm.objects.commercepayments.write',
  'crm.objects.companies.highly_sensitive.read.v2',
  'crm.objects.companies.highly_sensitive.write.v2',
  'crm.objects.companies.read',
  'crm.objects.companies.sensitive.read.v2',
  'crm.objects.companies.sensitive.write.v2',
  'crm.objects.companies.write',
  'crm.objects.contacts.highly_sensitive.read.v2',
  'crm.objects.contacts.highly_sensitive.write.v2',
  'crm.objects.contacts.read',
  'crm.objects.contacts.sensitive.read.v2',
  'crm.objects.contacts.sensitive.write.v2',
  'crm.objects.contacts.write',
  'crm.objects.courses.read',
  'crm.objects.courses.write',
  'crm.objects.custom.highly_sensitive.read.v2',
  'crm.objects.custom.highly_sensitive.write.v2',
  'crm.objects.custom.read',
  'crm.objects.custom.sensitive.read.v2',
  'crm.objects.custom.sensitive.write.v2',
  'crm.objects.custom.write',
  'crm.objects.deals.highly_sensitive.read.v2',
  'crm.objects.deals.highly_sensitive.write.v2',
  'crm.objects.deals.read',
  'crm.objects.deals.sensitive.read.v2',
  'crm.objects.deals.sensitive.write.v2',
  'crm.objects.deals.write',
  'crm.objects.emails.read',
  'crm.objects.goals.read',
  'crm.objects.goals.write',
  'crm.objects.invoices.read',
  'crm.objects.invoices.write',
  'crm.objects.leads.read',
  'crm.objects.leads.write',
  'crm.objects.line_items.read',
  'crm.objects.line_items.write',
  'crm.objects.listings.read',
  'crm.objects.listings.write',
  'crm.objects.meetings.read',
  'crm.objects.notes.read',
  'crm.objects.orders.read',
  'crm.objects.orders.write',
  'crm.objects.partner-clients.read',
  'crm.objects.partner-clients.write',
  'crm.objects.partner-services.read',
  'crm.objects.partner-services.write',
  'crm.objects.products.read',
  'crm.objects.products.write',
  'crm.objects.projects.highly_sensitive.read',
  'crm.objects.projects.highly_sensitive.write',
  'crm.objects.projects.read',
  'crm.objects.projects.sensitive.read',
  'crm.objects.projects.sensitive.write',
  'crm.objects.projects.write',
  'crm.objects.quotes.read',
  'crm.objects.quotes.write',
  'crm.objects.services.read',
  'crm.objects.services.write',
  'crm.objects.subscriptions.read',
  'crm.objects.subscriptions.write',
  'crm.objects.tasks.read',
  'crm.objects.tickets.highly_sensitive.read',
  'crm.objects.tickets.highly_sensitive.write',
  'crm.objects.tickets.sensitive.read',
  'crm.objects.tickets.sensitive.write',
  'crm.objects.users.read',
  'crm.objects.users.write',
  'e-commerce',
  'media_bridge.read',
  'tickets',
  'tickets.highly_sensitive.v2',
  'tickets.sensitive.v2',
];

const CUSTOM_SCHEMA_READ = [
  'crm.schemas.custom.read',
  'crm.objects.custom.read',
  'crm.objects.custom.sensitive.read.v2',
  'crm.objects.custom.highly_sensitive.read.v2',
];

/**
 * Operations whose path names no object type: the spec's alternatives, less the bare `oauth` — unless `oauth`
 * is the only one (account-info-v3.json: any token of the portal with the basic `oauth` scope, which the app
 * asks for at install), and then `oauth` itself.
 */
export const UNTYPED_ENDPOINT_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'GET /account-info/v3/details': ['oauth'],
  'GET /crm/v3/owners': ['crm.objects.owners.read', 'automation'],
  'GET /crm/v3/owners/{ownerId}': ['crm.objects.owners.read', 'automation'],
  'GET /crm-object-schemas/v3/schemas': CUSTOM_SCHEMA_READ,
  'POST /crm-object-schemas/v3/schemas/batch/read': CUSTOM_SCHEMA_READ,
  'GET /crm-object-schemas/v3/schemas/{objectType}': CUSTOM_SCHEMA_READ,
  'POST /crm-object-schemas/v3/schemas': ['crm.schemas.custom.write'],
  'PATCH /crm-object-schemas/v3/schemas/{objectType}': ['crm.schemas.custom.write'],
  'DELETE /crm-object-schemas/v3/schemas/{objectType}': ['crm.schemas.custom.write'],
  'POST /crm-object-schemas/v3/schemas/{objectType}/associations': ['crm.schemas.custom.write'],
  'DELETE /crm-object-schemas/v3/schemas/{objectType}/associations/{associationIdentifier}': [
    'crm.schemas.custom.write',
  ],
  'GET /crm/v3/limits/custom-object-types': [
    ...CUSTOM_SCHEMA_READ,
    'crm.schemas.custom.write',
    'crm.objects.custom.write',
    'crm.objects.custom.sensitive.write.v2',
    'crm.objects.custom.highly_sensitive.write.v2',
  ],
  'GET /crm/v3/limits/associations/labels': ANY_CRM_OBJECT_SCOPES,
  'GET /crm/v3/limits/associations/records/from': ANY_CRM_OBJECT_SCOPES,
  'GET /crm/v3/limits/associations/records/{fromObjectTypeId}/to': ANY_CRM_OBJECT_SCOPES,
  'GET /crm/v3/limits/associations/records/{fromObjectTypeId}/{toObjectTypeId}': ANY_CRM_OBJECT_SCOPES,
  'GET /crm/v3/limits/calculated-properties': ANY_CRM_OBJECT_SCOPES,
  'GET /crm/v3/limits/custom-properties': ANY_CRM_OBJECT_SCOPES,
  'GET /crm/v3/limits/pipelines': ANY_CRM_OBJECT_SCOPES,
  'GET /crm/v3/limits/records': ANY_CRM_OBJECT_SCOPES,
  'POST /crm/v4/associations/usage/high-usage-report/{userId}': ANY_CRM_OBJECT_SCOPES,
  'GET /crm/associations/v4/definitions/configurations/all': ANY_CRM_OBJECT_SCOPES,
};

/** The path parameters that name an object type (outside the schemas API, where `{objectType}` is a custom one). */
const TYPE_PARAMS = ['objectType', 'fromObjectType', 'toObjectType'] as const;

/** One object type's alternatives for an operation of a typed template. */
export function typedAlternatives(template: string, family: string, access: Access): string[] {
  if (template.startsWith('/crm/v3/properties/')) {
    // Property definitions: read with the type's object or schema read scopes, write with its schema write scope.
    return access === 'read'
      ? [...objectAlternatives(family, 'read'), `crm.schemas.${family}.read`]
      : [`crm.schemas.${family}.write`];
  }
  return objectAlternatives(family, access);
}

const objectAlternatives = (family: string, access: Access): string[] => [
  `crm.objects.${family}.${access}`,
  `crm.objects.${family}.sensitive.${access}.v2`,
  `crm.objects.${family}.highly_sensitive.${access}.v2`,
];

/**
 * What a request needs: a list of groups, each a list of alternatives; every group must be met by one of its
 * scopes (an association between two types needs a scope of each). Undefined: the sandbox checks nothing here
 * (a path outside the specs, or an object type only the CRM can resolve, which answers it itself).
 */
export function requiredScopeGroups(method: string, path: string): string[][] | undefined {
  const match = matchEndpoint(path);
  if (!match) return undefined;
  const key = `${method} ${match.template}`;
  const untyped = UNTYPED_ENDPOINT_SCOPES[key];
  if (untyped) return [[...untyped]];
  if (match.template.startsWith('/crm-object-schemas/')) return undefined;
  if (!TYPED_OPERATIONS.has(key)) return undefined;
  const access = accessOf(method, match.template);
  const groups: string[][] = [];
  for (const param of TYPE_PARAMS) {
    const value = match.params[param];
    if (value === undefined) continue;
    const family = scopeFamily(value);
    if (family === undefined) return undefined;
    const alternatives = typedAlternatives(match.template, family, access);
    if (!groups.some((g) => g.join() === alternatives.join())) groups.push(alternatives);
  }
  return groups.length > 0 ? groups : undefined;
}

/** The operations (method + template) of the generic specs whose paths name object types. */
export const TYPED_OPERATIONS: ReadonlySet<string> = new Set([
  'GET /crm/v3/objects/{objectType}',
  'POST /crm/v3/objects/{objectType}',
  'POST /crm/v3/objects/{objectType}/batch/archive',
  'POST /crm/v3/objects/{objectType}/batch/create',
  'POST /crm/v3/objects/{objectType}/batch/read',
  'POST /crm/v3/objects/{objectType}/batch/update',
  'POST /crm/v3/objects/{objectType}/batch/upsert',
  'POST /crm/v3/objects/{objectType}/search',
  'GET /crm/v3/objects/{objectType}/{objectId}',
  'PATCH /crm/v3/objects/{objectType}/{objectId}',
  'DELETE /crm/v3/objects/{objectType}/{objectId}',
  'GET /crm/v3/properties/{objectType}',
  'POST /crm/v3/properties/{objectType}',
  'POST /crm/v3/properties/{objectType}/batch/archive',
  'POST /crm/v3/properties/{objectType}/batch/create',
  'POST /crm/v3/properties/{objectType}/batch/read',
  'GET /crm/v3/properties/{objectType}/groups',
  'POST /crm/v3/properties/{objectType}/groups',
  'GET /crm/v3/properties/{objectType}/groups/{groupName}',
  'PATCH /crm/v3/properties/{objectType}/groups/{groupName}',
  'DELETE /crm/v3/properties/{objectType}/groups/{groupName}',
  'GET /crm/v3/properties/{objectType}/{propertyName}',
  'PATCH /crm/v3/properties/{objectType}/{propertyName}',
  'DELETE /crm/v3/properties/{objectType}/{propertyName}',
  'GET /crm/associations/v4/definitions/configurations/{fromObjectType}/{toObjectType}',
  'POST /crm/associations/v4/definitions/configurations/{fromObjectType}/{toObjectType}/batch/create',
  'POST /crm/associations/v4/definitions/configurations/{fromObjectType}/{toObjectType}/batch/purge',
  'POST /crm/associations/v4/definitions/configurations/{fromObjectType}/{toObjectType}/batch/update',
  'GET /crm/associations/v4/{fromObjectType}/{toObjectType}/labels',
  'POST /crm/associations/v4/{fromObjectType}/{toObjectType}/labels',
  'PUT /crm/associations/v4/{fromObjectType}/{toObjectType}/labels',
  'DELETE /crm/associations/v4/{fromObjectType}/{toObjectType}/labels/{associationTypeId}',
  'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/archive',
  'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default',
  'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create',
  'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/labels/archive',
  'POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read',
  'PUT /crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}',
  'GET /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}',
  'PUT /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}',
  'DELETE /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}',
]);

/** The first group a token's scopes do not meet, if any. */
export function unmetScopeGroup(
  granted: ReadonlySet<string>,
  groups: readonly (readonly string[])[],
): readonly string[] | undefined {
  return groups.find((group) => !group.some((scope) => granted.has(scope)));
}

export const SCOPES_DOC = 'https://developers.hubspot.com/scopes';

/**
 * HubSpot's 403 for a token without the scopes of a call. Sources: a captured body in HubSpot/hubspot-api-nodejs
 * issue #50 (status "error", category MISSING_SCOPES, message "This app hasn't been granted all required scopes
 * to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.") and the
 * captured `errors` detail quoted in HubSpot Community threads ("One or more of the following scopes are
 * required." with context.requiredGranularScopes). Same shape as the CRM router's (src/sandbox/crm/http.ts).
 */
export function missingScopesBody(requiredScopes: readonly string[]): HubSpotErrorBody {
  return errorBody(
    'MISSING_SCOPES',
    `This app hasn't been granted all required scopes to make this call. Read more about required scopes here: ${SCOPES_DOC}.`,
    {
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: [...requiredScopes] },
        },
      ],
      context: { requiredScopes: [...requiredScopes] },
      links: { scopes: SCOPES_DOC },
    },
  );
}
