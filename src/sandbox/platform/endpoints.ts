/**
 * Path templates of the HubSpot endpoints the sandbox serves, as HubSpot's OpenAPI specs spell them
 * (crm-objects-v3, crm-object-schemas-v3, crm-properties-v3, crm-associations-v4, crm-associations-schema-v4,
 * crm-owners-v3, crm-limits-tracking-v3, account-info-v3). Call counters key on these, so a request refused before it reached
 * the CRM router (401, 429, an injected fault) is counted under the same endpoint as one that was answered.
 */
export const ENDPOINT_TEMPLATES: readonly string[] = [
  '/account-info/v3/details',
  '/crm-object-schemas/v3/schemas',
  '/crm-object-schemas/v3/schemas/batch/read',
  '/crm-object-schemas/v3/schemas/{objectType}',
  '/crm-object-schemas/v3/schemas/{objectType}/associations',
  '/crm-object-schemas/v3/schemas/{objectType}/associations/{associationIdentifier}',
  '/crm/associations/v4/definitions/configurations/all',
  '/crm/associations/v4/definitions/configurations/{fromObjectType}/{toObjectType}',
  '/crm/associations/v4/definitions/configurations/{fromObjectType}/{toObjectType}/batch/create',
  '/crm/associations/v4/definitions/configurations/{fromObjectType}/{toObjectType}/batch/purge',
  '/crm/associations/v4/definitions/configurations/{fromObjectType}/{toObjectType}/batch/update',
  '/crm/associations/v4/{fromObjectType}/{toObjectType}/labels',
  '/crm/associations/v4/{fromObjectType}/{toObjectType}/labels/{associationTypeId}',
  '/crm/v3/limits/associations/labels',
  '/crm/v3/limits/associations/records/from',
  '/crm/v3/limits/associations/records/{fromObjectTypeId}/to',
  '/crm/v3/limits/associations/records/{fromObjectTypeId}/{toObjectTypeId}',
  '/crm/v3/limits/calculated-properties',
  '/crm/v3/limits/custom-object-types',
  '/crm/v3/limits/custom-properties',
  '/crm/v3/limits/pipelines',
  '/crm/v3/limits/records',
  '/crm/v3/objects/{objectType}',
  '/crm/v3/objects/{objectType}/batch/archive',
  '/crm/v3/objects/{objectType}/batch/create',
  '/crm/v3/objects/{objectType}/batch/read',
  '/crm/v3/objects/{objectType}/batch/update',
  '/crm/v3/objects/{objectType}/batch/upsert',
  '/crm/v3/objects/{objectType}/search',
  '/crm/v3/objects/{objectType}/{objectId}',
  '/crm/v3/owners',
  '/crm/v3/owners/{ownerId}',
  '/crm/v3/properties/{objectType}',
  '/crm/v3/properties/{objectType}/batch/archive',
  '/crm/v3/properties/{objectType}/batch/create',
  '/crm/v3/properties/{objectType}/batch/read',
  '/crm/v3/properties/{objectType}/groups',
  '/crm/v3/properties/{objectType}/groups/{groupName}',
  '/crm/v3/properties/{objectType}/{propertyName}',
  '/crm/v4/associations/usage/high-usage-report/{userId}',
  '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/archive',
  '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default',
  '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create',
  '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/labels/archive',
  '/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read',
  '/crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}',
  '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}',
  '/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}',
];

interface CompiledTemplate {
  template: string;
  segments: (string | null)[];
  literals: number;
}

const compiled: CompiledTemplate[] = ENDPOINT_TEMPLATES.map((template) => {
  const segments = template
    .split('/')
    .slice(1)
    .map((s) => (s.startsWith('{') ? null : s));
  return { template, segments, literals: segments.filter((s) => s !== null).length };
});

export interface EndpointMatch {
  template: string;
  /** The path's values of the template's `{parameters}`, URL-decoded. */
  params: Record<string, string>;
}

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The spec template a path belongs to (the one with the most literal segments wins) and its parameters. */
export function matchEndpoint(path: string): EndpointMatch | undefined {
  const parts = path.replace(/\/+$/, '').split('/').slice(1);
  let best: CompiledTemplate | undefined;
  for (const candidate of compiled) {
    if (candidate.segments.length !== parts.length) continue;
    if (!candidate.segments.every((s, i) => s === null || s === parts[i])) continue;
    if (!best || candidate.literals > best.literals) best = candidate;
  }
  if (!best) return undefined;
  const names = best.template.split('/').slice(1);
  const params: Record<string, string> = {};
  best.segments.forEach((s, i) => {
    if (s === null) params[(names[i] ?? '').slice(1, -1)] = decode(parts[i] ?? '');
  });
  return { template: best.template, params };
}

/** The spec template a path belongs to (the one with the most literal segments wins), if any. */
export const matchTemplate = (path: string): string | undefined => matchEndpoint(path)?.template;
