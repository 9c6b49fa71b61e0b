/**
 * The object and association calls the plan store makes, each one typed and parsed with zod, through the
 * transport (our throttle, retry policy and error mapping). Batch calls are cut into HubSpot's chunks of
 * 100 inputs and the chunks run in parallel. Batch answers with per-item errors (207) are results.
 * Specs: crm-objects-v3.json, crm-associations-v4.json.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../domain/result.js';
import { crmError, type CrmError } from '../../ports/crm-error.js';
import { embeddedProblems, type HubSpotTransport } from './transport.js';

export const BATCH_SIZE = 100;

export const simpleObjectSchema = z
  .object({
    id: z.string(),
    properties: z.record(z.string(), z.string().nullable()),
    associations: z
      .record(
        z.string(),
        z
          .object({ results: z.array(z.object({ id: z.string(), type: z.string().optional() }).loose()) })
          .loose(),
      )
      .optional(),
  })
  .loose();
export type SimpleObject = z.infer<typeof simpleObjectSchema>;

const batchErrorSchema = z
  .object({
    category: z.string().optional(),
    message: z.string().optional(),
    context: z.record(z.string(), z.array(z.string())).optional(),
  })
  .loose();
type BatchError = z.infer<typeof batchErrorSchema>;

const batchObjectsSchema = z
  .object({
    status: z.string(),
    results: z.array(simpleObjectSchema),
    errors: z.array(batchErrorSchema).optional(),
  })
  .loose();
const batchUpsertSchema = z
  .object({
    status: z.string(),
    results: z.array(simpleObjectSchema.extend({ new: z.boolean().optional() })),
    errors: z.array(batchErrorSchema).optional(),
  })
  .loose();
const batchAssociationsSchema = z
  .object({ status: z.string(), errors: z.array(batchErrorSchema).optional() })
  .loose();
const emptySchema = z.unknown();

export function chunks<T>(items: readonly T[], size = BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const pageSchema = z
  .object({
    results: z.array(simpleObjectSchema),
    paging: z
      .object({ next: z.object({ after: z.string() }).loose().optional() })
      .loose()
      .optional(),
  })
  .loose();

/**
 * One page of records (at most 100), in id order, with the cursor of the next page (null on the last).
 * Listing sees every record at once, unlike search, which lags behind writes.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/basic/get-crm-v3-objects-objectType
 */
export async function listPage(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  properties: readonly string[],
  after: string | null,
  limit = BATCH_SIZE,
): Promise<Result<{ results: SimpleObject[]; after: string | null }, CrmError>> {
  const res = await t.request({
    portalId,
    method: 'GET',
    path: `/crm/v3/objects/${encodeURIComponent(objectType)}`,
    query: { limit: String(limit), properties, ...(after === null ? {} : { after }) },
    idempotent: true,
    schema: pageSchema,
  });
  if (!res.ok) return res;
  return ok({ results: res.value.results, after: res.value.paging?.next?.after ?? null });
}

/**
 * How many records a search would find (one search call, `limit` 1). Eventually consistent: for an
 * estimate (progress, ETA), never for correctness.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/search/post-crm-v3-objects-objectType-search
 */
export async function countRecords(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
): Promise<Result<number, CrmError>> {
  const res = await t.request({
    portalId,
    method: 'POST',
    path: `/crm/v3/objects/${encodeURIComponent(objectType)}/search`,
    body: { limit: 1, properties: ['hs_object_id'] },
    idempotent: true,
    kind: 'search',
    schema: z.object({ total: z.number().int().nonnegative() }).loose(),
  });
  return res.ok ? ok(res.value.total) : res;
}

/**
 * Updates at most 100 records by id in one call and says which were updated and which HubSpot refused
 * (a 207 with per-item errors is a result here, not a failure of the whole batch).
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-update
 */
export async function batchUpdateSettled(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  inputs: readonly { id: string; properties: Record<string, string> }[],
): Promise<Result<{ updated: string[]; refused: { ids: string[]; reason: string }[] }, CrmError>> {
  if (inputs.length > BATCH_SIZE)
    throw new RangeError(`at most ${BATCH_SIZE} inputs per batch, got ${inputs.length}`);
  const res = await t.request({
    portalId,
    method: 'POST',
    path: `/crm/v3/objects/${encodeURIComponent(objectType)}/batch/update`,
    body: { inputs },
    idempotent: true,
    schema: batchObjectsSchema,
  });
  if (!res.ok) return res;
  const updated = res.value.results.map((r) => r.id);
  const done = new Set(updated);
  const refused = (res.value.errors ?? []).map((e) => ({
    ids: Object.values(e.context ?? {})
      .flat()
      .filter((id) => !done.has(id)),
    reason: `${e.category ?? 'ERROR'}: ${embeddedProblems(e.message)?.join('; ') ?? e.message ?? 'no message'}`,
  }));
  return ok({ updated, refused });
}

/** Runs every chunk in parallel; the first failure (in chunk order) is the result, after all have ended. */
async function allChunks<T, R>(
  items: readonly T[],
  run: (chunk: T[]) => Promise<Result<R[], CrmError>>,
): Promise<Result<R[], CrmError>> {
  const results = await Promise.all(chunks(items).map(run));
  const out: R[] = [];
  for (const r of results) {
    if (!r.ok) return r;
    out.push(...r.value);
  }
  return ok(out);
}

/** Per-item errors of a batch answer as one CrmError an admin can read (ids included, nothing else). */
function batchFailure(what: string, errors: readonly BatchError[]): CrmError {
  const details = errors.slice(0, 10).map((e) => {
    const ids = Object.values(e.context ?? {})
      .flat()
      .slice(0, 10)
      .join(', ');
    // A VALIDATION_ERROR's problems come as a JSON list inside its message; show them, not the JSON.
    const message = embeddedProblems(e.message)?.join('; ') ?? e.message ?? 'no message';
    return `${e.category ?? 'ERROR'}: ${message}${ids ? ` (${ids})` : ''}`;
  });
  const notFound = errors.every((e) => e.category === 'OBJECT_NOT_FOUND');
  return crmError(notFound ? 'CRM_NOT_FOUND' : 'CRM_VALIDATION', `HubSpot refused part of ${what}.`, 207, {
    details,
  });
}

/**
 * One record with the properties asked for and, when `associations` is given, the ids of the records of
 * that type associated with it.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/basic/get-crm-v3-objects-objectType-objectId
 */
export function getObject(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  id: string,
  properties: readonly string[],
  associations?: string,
  /** Read the record only if it is archived (deleted, or merged away): its last values. */
  archived = false,
): Promise<Result<SimpleObject, CrmError>> {
  return t.request({
    portalId,
    method: 'GET',
    path: `/crm/v3/objects/${encodeURIComponent(objectType)}/${encodeURIComponent(id)}`,
    query: {
      properties,
      ...(associations ? { associations: [associations] } : {}),
      ...(archived ? { archived: 'true' } : {}),
    },
    idempotent: true,
    schema: simpleObjectSchema,
  });
}

/** The ids of every associated record listed in an object read with `associations`. */
export function associatedIds(object: SimpleObject): Set<string> {
  const ids = new Set<string>();
  for (const set of Object.values(object.associations ?? {})) for (const r of set.results) ids.add(r.id);
  return ids;
}

/** Records by id, or by a unique property when `idProperty` is given; OBJECT_NOT_FOUND items are left out. */
function batchRead(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  ids: readonly string[],
  properties: readonly string[],
  idProperty?: string,
): Promise<Result<SimpleObject[], CrmError>> {
  return allChunks(ids, async (chunk) => {
    const res = await t.request({
      portalId,
      method: 'POST',
      path: `/crm/v3/objects/${encodeURIComponent(objectType)}/batch/read`,
      body: {
        ...(idProperty === undefined ? {} : { idProperty }),
        properties,
        propertiesWithHistory: [],
        inputs: chunk.map((id) => ({ id })),
      },
      idempotent: true,
      schema: batchObjectsSchema,
    });
    if (!res.ok) return res;
    const unexpected = (res.value.errors ?? []).filter((e) => e.category !== 'OBJECT_NOT_FOUND');
    if (unexpected.length > 0) return err(batchFailure('a batch read', unexpected));
    return ok(res.value.results);
  });
}

/**
 * Records by a unique property (`idProperty`), 100 per call; ids HubSpot does not find (a 207 with
 * OBJECT_NOT_FOUND) are simply absent from the map.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-read
 */
export async function batchReadByProperty(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  idProperty: string,
  keys: readonly string[],
  properties: readonly string[],
): Promise<Result<Map<string, SimpleObject>, CrmError>> {
  const read = await batchRead(t, portalId, objectType, keys, properties, idProperty);
  if (!read.ok) return read;
  const byKey = new Map<string, SimpleObject>();
  for (const record of read.value) {
    const key = record.properties[idProperty];
    if (key) byKey.set(key, record);
  }
  return ok(byKey);
}

/**
 * Records by their HubSpot ids, 100 per call; ids HubSpot does not find (archived, deleted, never existed)
 * are absent from the map.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-read
 */
export async function batchReadByIds(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  ids: readonly string[],
  properties: readonly string[],
): Promise<Result<Map<string, SimpleObject>, CrmError>> {
  const read = await batchRead(t, portalId, objectType, [...new Set(ids)], properties);
  if (!read.ok) return read;
  return ok(new Map(read.value.map((record) => [record.id, record])));
}

/**
 * Creates or updates records by a unique property: sending it twice has the effect of sending it once, so
 * a retried create cannot make a duplicate. Returns the records with their ids.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-upsert
 */
export function batchUpsert(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  idProperty: string,
  inputs: readonly { id: string; properties: Record<string, string> }[],
): Promise<Result<SimpleObject[], CrmError>> {
  return allChunks(inputs, async (chunk) => {
    const res = await t.request({
      portalId,
      method: 'POST',
      path: `/crm/v3/objects/${encodeURIComponent(objectType)}/batch/upsert`,
      body: { inputs: chunk.map((i) => ({ id: i.id, idProperty, properties: i.properties })) },
      idempotent: true,
      schema: batchUpsertSchema,
    });
    if (!res.ok) return res;
    if ((res.value.errors ?? []).length > 0)
      return err(batchFailure('a batch upsert', res.value.errors ?? []));
    return ok(res.value.results);
  });
}

/**
 * Updates records by id with full values (so a retry writes the same thing again).
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-update
 */
export function batchUpdate(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  inputs: readonly { id: string; properties: Record<string, string> }[],
): Promise<Result<SimpleObject[], CrmError>> {
  return allChunks(inputs, async (chunk) => {
    const res = await t.request({
      portalId,
      method: 'POST',
      path: `/crm/v3/objects/${encodeURIComponent(objectType)}/batch/update`,
      body: { inputs: chunk },
      idempotent: true,
      schema: batchObjectsSchema,
    });
    if (!res.ok) return res;
    if ((res.value.errors ?? []).length > 0)
      return err(batchFailure('a batch update', res.value.errors ?? []));
    return ok(res.value.results);
  });
}

/**
 * Archives records by id. HubSpot answers 204 for ids already archived, so it is safe to repeat.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-archive
 */
export function batchArchive(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  ids: readonly string[],
): Promise<Result<unknown[], CrmError>> {
  return allChunks(ids, async (chunk) => {
    const res = await t.request({
      portalId,
      method: 'POST',
      path: `/crm/v3/objects/${encodeURIComponent(objectType)}/batch/archive`,
      body: { inputs: chunk.map((id) => ({ id })) },
      idempotent: true,
      schema: emptySchema,
    });
    return res.ok ? ok([]) : res;
  });
}

/**
 * Updates one record's properties. Our PATCHes carry absolute values (a version number, a whole document),
 * so a retry writes the same thing again.
 * https://developers.hubspot.com/docs/api-reference/crm-objects-v3/basic/patch-crm-v3-objects-objectType-objectId
 */
export function patchObject(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  id: string,
  properties: Record<string, string>,
): Promise<Result<SimpleObject, CrmError>> {
  return t.request({
    portalId,
    method: 'PATCH',
    path: `/crm/v3/objects/${encodeURIComponent(objectType)}/${encodeURIComponent(id)}`,
    body: { properties },
    idempotent: true,
    schema: simpleObjectSchema,
  });
}

/**
 * Associates pairs of records with the default (unlabelled) association type; repeating it is harmless.
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/batch/post-crm-v4-associations-fromObjectType-toObjectType-batch-associate-default
 */
export function associateDefault(
  t: HubSpotTransport,
  portalId: string,
  fromType: string,
  toType: string,
  pairs: readonly { from: string; to: string }[],
): Promise<Result<unknown[], CrmError>> {
  return allChunks(pairs, async (chunk) => {
    const res = await t.request({
      portalId,
      method: 'POST',
      path: `/crm/v4/associations/${encodeURIComponent(fromType)}/${encodeURIComponent(toType)}/batch/associate/default`,
      body: { inputs: chunk.map((p) => ({ from: { id: p.from }, to: { id: p.to } })) },
      idempotent: true,
      schema: batchAssociationsSchema,
    });
    if (!res.ok) return res;
    if ((res.value.errors ?? []).length > 0)
      return err(batchFailure('creating associations', res.value.errors ?? []));
    return ok([]);
  });
}

/**
 * Removes every association between each `from` record and the listed records; repeating it is harmless.
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/batch/post-crm-v4-associations-fromObjectType-toObjectType-batch-archive
 */
export function removeAssociations(
  t: HubSpotTransport,
  portalId: string,
  fromType: string,
  toType: string,
  pairs: readonly { from: string; to: string }[],
): Promise<Result<unknown[], CrmError>> {
  return allChunks(pairs, async (chunk) => {
    const res = await t.request({
      portalId,
      method: 'POST',
      path: `/crm/v4/associations/${encodeURIComponent(fromType)}/${encodeURIComponent(toType)}/batch/archive`,
      body: { inputs: chunk.map((p) => ({ from: { id: p.from }, to: [{ id: p.to }] })) },
      idempotent: true,
      schema: emptySchema,
    });
    return res.ok ? ok([]) : res;
  });
}
