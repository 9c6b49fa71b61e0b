/**
 * Objects v3 (`/crm/v3/objects/{objectType}`): get, list, create, update, archive and the batch endpoints,
 * for deals, contacts, companies and custom objects. Specs: crm-objects-v3.json.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { caller } from '../context.js';
import { inTransaction, type SandboxDb } from '../db.js';
import { associate, checkType, objectMissing } from './associations.js';
import {
  failureMessage,
  parseBody,
  portalOf,
  queryAfter,
  queryBool,
  queryLimit,
  queryList,
  queryString,
  reply,
  requestPath,
  sendFailure,
} from './http.js';
import {
  BATCH_LIMIT,
  failure,
  success,
  validation,
  type CrmFailure,
  type CrmRecord,
  type Outcome,
} from './model.js';
import { requireObjectScope, resolveType, type TypeInfo } from './object-types.js';
import {
  objectNotFound,
  parseId,
  propertiesToShow,
  propertyValuesSchema,
  RecordWriter,
  toPublic,
  type PropertyValuesInput,
  type PublicObject,
} from './records.js';
import { FIRST_OBJECT_ID } from './standard.js';
import { PortalStore } from './store.js';

export interface CrmDeps {
  readonly db: SandboxDb;
  readonly now: () => number;
}

const associationInputSchema = z.object({
  to: z.object({ id: z.union([z.string(), z.number()]).transform(String) }),
  types: z.array(z.object({ associationCategory: z.string(), associationTypeId: z.number().int() })).min(1),
});
type AssociationInput = z.infer<typeof associationInputSchema>;

const createSchema = z.object({
  properties: propertyValuesSchema.default({}),
  associations: z.array(associationInputSchema).default([]),
});
const updateSchema = z.object({ properties: propertyValuesSchema });
const batchIdSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String) });

function limited<T extends z.ZodType>(item: T) {
  return z.object({ inputs: z.array(item) });
}

const batchReadSchema = z.object({
  inputs: z.array(batchIdSchema),
  properties: z.array(z.string()).default([]),
  propertiesWithHistory: z.array(z.string()).default([]),
  idProperty: z.string().optional(),
});
const traceIdSchema = z.string().min(1).optional();
const batchCreateSchema = limited(createSchema.extend({ objectWriteTraceId: traceIdSchema }));
const batchUpdateSchema = limited(
  z.object({
    id: z.union([z.string(), z.number()]).transform(String),
    idProperty: z.string().optional(),
    properties: propertyValuesSchema,
  }),
);
const batchUpsertSchema = limited(
  z.object({
    id: z.union([z.string(), z.number()]).transform(String),
    idProperty: z.string().optional(),
    objectWriteTraceId: traceIdSchema,
    properties: propertyValuesSchema,
  }),
);
const batchArchiveSchema = limited(batchIdSchema);

/** HubSpot refuses a batch of more than 100 inputs as a whole. */
export function checkBatchSize(count: number, max = BATCH_LIMIT): Outcome<void> {
  return count > max
    ? failure(validation(`Too many inputs: ${count}. A batch accepts at most ${max} inputs.`))
    : success(undefined);
}

export function batchBody<T>(
  results: T[],
  startedAt: number,
  completedAt: number,
  errors: unknown[] = [],
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    status: 'COMPLETE',
    results,
    startedAt: new Date(startedAt).toISOString(),
    completedAt: new Date(completedAt).toISOString(),
  };
  if (errors.length > 0) {
    body.numErrors = errors.length;
    body.errors = errors;
  }
  return body;
}

export function batchError(
  category: string,
  message: string,
  context: Record<string, string[]>,
): Record<string, unknown> {
  return { status: 'error', category, message, context, errors: [], links: {} };
}

type ScopeCheck = typeof requireObjectScope;

/**
 * The per-request pieces every handler needs: the caller's portal store and the resolved type, after the
 * scope check that the endpoint group asks for (records by default; properties pass the schema check).
 */
export function typed(
  deps: CrmDeps,
  req: Request,
  res: Response,
  access: 'read' | 'write',
  requireScope: ScopeCheck = requireObjectScope,
): { store: PortalStore; info: TypeInfo } | undefined {
  const store = new PortalStore(deps.db, caller(res).portalId);
  const resolved = resolveType(store, String(req.params.objectType));
  if (!resolved.ok) {
    sendFailure(res, resolved.error);
    return undefined;
  }
  const missing = requireScope(caller(res), resolved.value, access);
  if (missing) {
    sendFailure(res, missing);
    return undefined;
  }
  return { store, info: resolved.value };
}

/** Adds `associations` to a public object for each type asked for (only non-empty ones, as HubSpot). */
function withAssociations(
  store: PortalStore,
  info: TypeInfo,
  record: CrmRecord,
  obj: PublicObject,
  toTypes: readonly TypeInfo[],
): PublicObject {
  for (const to of toTypes) {
    const byId = store.associationsOf(info.type.objectTypeId, record.id, to.type.objectTypeId);
    const results: { id: string; type: string }[] = [];
    for (const [toId, typeIds] of byId) {
      for (const typeId of typeIds) {
        const t = store.associationType(typeId);
        if (t) results.push({ id: String(toId), type: t.name });
      }
    }
    if (results.length > 0) {
      obj.associations ??= {};
      obj.associations[to.type.standard ? to.type.name : to.type.fullyQualifiedName] = { results };
    }
  }
  return obj;
}

function resolveMany(store: PortalStore, names: readonly string[]): Outcome<TypeInfo[]> {
  const out: TypeInfo[] = [];
  for (const name of names) {
    const r = resolveType(store, name);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return success(out);
}

/** Checks the associations of a create input and returns what to write. */
function checkAssociations(
  store: PortalStore,
  info: TypeInfo,
  inputs: readonly AssociationInput[],
): Outcome<{ typeId: number; toId: number }[]> {
  const out: { typeId: number; toId: number }[] = [];
  for (const input of inputs) {
    for (const spec of input.types) {
      const t = store.associationType(spec.associationTypeId);
      if (!t || t.fromType !== info.type.objectTypeId) {
        return failure(
          validation(`${spec.associationTypeId} is not a valid association type id for ${info.type.name}.`),
        );
      }
      const checked = checkType(store, t.fromType, t.toType, t.typeId);
      if (!checked.ok) return checked;
      // The same check as the v4 PUT's: the category must be the type's own.
      if (checked.value.category !== spec.associationCategory) {
        return failure(
          validation(
            `Association type ${spec.associationTypeId} is ${checked.value.category}, not ${spec.associationCategory}.`,
          ),
        );
      }
      const toId = parseId(input.to.id);
      const target = toId === undefined ? undefined : store.getObject(t.toType, toId);
      if (!target || target.archived || toId === undefined)
        return failure(objectMissing(t.toType, input.to.id));
      out.push({ typeId: t.typeId, toId });
    }
  }
  return success(out);
}

function createOne(
  writer: RecordWriter,
  input: { properties: PropertyValuesInput; associations: AssociationInput[] },
): Outcome<{ record: CrmRecord; obj: PublicObject }> {
  const links = checkAssociations(writer.store, writer.info, input.associations);
  if (!links.ok) return links;
  const prepared = writer.prepare(input.properties);
  if (!prepared.ok) return prepared;
  const record = writer.insert(prepared.value);
  for (const link of links.value) {
    const t = writer.store.associationType(link.typeId);
    if (t) associate(writer.store, t, record.id, link.toId);
  }
  return success({ record, obj: toPublic(record, writer.shownAfterWrite(input.properties)) });
}

/**
 * Runs a write in one transaction; a failure rolls it back whole. Record ids the undone writes took are not
 * handed out again (HubSpot never reuses a record id), so an id seen in an answer never names another record.
 */
function transactional<T>(db: SandboxDb, fn: () => Outcome<T>, writer?: RecordWriter): Outcome<T> {
  const rollback = new Error('rollback');
  let result: Outcome<T> | undefined;
  const before = writer?.insertedIds.length ?? 0;
  try {
    inTransaction(db, () => {
      result = fn();
      if (!result.ok) throw rollback;
    });
  } catch (error) {
    // Our own signal to undo the batch's partial writes; anything else is a bug and propagates.
    if (error !== rollback) throw error;
  }
  if (!result) throw new Error('sandbox crm: transaction produced no result');
  if (!result.ok && writer) {
    const undone = writer.insertedIds.splice(before);
    // The sequence went back with the rollback: take the undone ids again, outside it, and drop them.
    for (let i = 0; i < undone.length; i++) writer.store.nextGlobalValue('object', FIRST_OBJECT_ID);
  }
  return result;
}

/** One input's refusal in a multi-status batch answer, as HubSpot words it (context names the input). */
function inputError(
  res: Response,
  f: CrmFailure,
  context: Record<string, string[]>,
): Record<string, unknown> {
  switch (f.kind) {
    case 'validation':
      return batchError('VALIDATION_ERROR', failureMessage(f, portalOf(res)), context);
    case 'unknown_object_type':
      return batchError('VALIDATION_ERROR', `Unable to infer object type from: ${f.objectType}`, context);
    case 'not_found':
      return batchError('OBJECT_NOT_FOUND', f.message, context);
    case 'conflict':
      return batchError('CONFLICT', f.message, context);
    case 'already_exists':
      return batchError('OBJECT_ALREADY_EXISTS', f.message, context);
    case 'missing_scopes':
      return batchError('MISSING_SCOPES', `Missing scopes: ${f.requiredScopes.join(', ')}`, context);
    case 'tier_forbidden':
      return batchError('FORBIDDEN', f.message, context);
  }
}

/** `objectWriteTraceId`s must be unique within a batch (HubSpot's error-handling guide asks for unique ones). */
function duplicateTraceIds(inputs: readonly { objectWriteTraceId?: string | undefined }[]): string[] {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const { objectWriteTraceId: t } of inputs) {
    if (t === undefined) continue;
    if (seen.has(t)) dupes.add(t);
    seen.add(t);
  }
  return [...dupes];
}

function withTrace<T extends object>(
  obj: T,
  traceId: string | undefined,
): T & { objectWriteTraceId?: string } {
  return traceId === undefined ? obj : { ...obj, objectWriteTraceId: traceId };
}

export function objectsRouter(deps: CrmDeps): Router {
  const router = Router();
  const base = '/crm/v3/objects/:objectType';

  router.get(base, (req, res) => {
    const ctx = typed(deps, req, res, 'read');
    if (!ctx) return;
    const { store, info } = ctx;
    const limit = queryLimit(req.query.limit, 10, 100);
    if (!limit.ok) return sendFailure(res, limit.error);
    const after = queryAfter(req.query.after);
    if (!after.ok) return sendFailure(res, after.error);
    const toTypes = resolveMany(store, queryList(req.query.associations));
    if (!toTypes.ok) return sendFailure(res, toTypes.error);
    const props = store.propertyMap(info.type.objectTypeId);
    const show = propertiesToShow(info, props, queryList(req.query.properties));
    const page = store.listObjects(
      info.type.objectTypeId,
      queryBool(req.query.archived),
      after.value,
      limit.value + 1,
    );
    const results = page
      .slice(0, limit.value)
      .map((r) => withAssociations(store, info, r, toPublic(r, show), toTypes.value));
    const body: Record<string, unknown> = { results };
    const last = results[results.length - 1];
    if (page.length > limit.value && last) {
      body.paging = { next: { after: last.id, link: `${requestPath(req)}?after=${last.id}` } };
    }
    res.json(body);
  });

  router.post(base, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const input = parseBody(createSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const writer = new RecordWriter(ctx.store, ctx.info, deps.now());
    const created = transactional(deps.db, () => createOne(writer, input.value));
    reply(res, created.ok ? success(created.value.obj) : created, 201);
  });

  router.post(`${base}/batch/read`, (req, res) => {
    const ctx = typed(deps, req, res, 'read');
    if (!ctx) return;
    const startedAt = deps.now();
    const input = parseBody(batchReadSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    const { store, info } = ctx;
    const writer = new RecordWriter(store, info, startedAt);
    const show = propertiesToShow(info, writer.props, input.value.properties);
    const archived = queryBool(req.query.archived);
    const idProperty = input.value.idProperty;
    if (idProperty && idProperty !== 'hs_object_id' && !writer.unique.has(idProperty)) {
      return sendFailure(
        res,
        validation(`${idProperty} is not a unique identifier property of ${info.type.name}.`),
      );
    }
    const wanted = [...new Set(input.value.inputs.map((i) => i.id))];
    const numericIds = new Map<string, number>();
    for (const id of wanted) {
      const n = idProperty && idProperty !== 'hs_object_id' ? writer.holderOf(idProperty, id) : parseId(id);
      if (n !== undefined) numericIds.set(id, n);
    }
    const records = store.getObjects(info.type.objectTypeId, [...numericIds.values()]);
    const results: PublicObject[] = [];
    const missing: string[] = [];
    for (const id of wanted) {
      const n = numericIds.get(id);
      const record = n === undefined ? undefined : records.get(n);
      if (!record || record.archived !== archived) missing.push(id);
      else results.push(toPublic(record, show));
    }
    const errors = missing.length
      ? [
          batchError(
            'OBJECT_NOT_FOUND',
            `Could not get some ${info.messageName} objects, they may be deleted or not exist. Check that ids are valid.`,
            { ids: missing },
          ),
        ]
      : [];
    res.status(errors.length ? 207 : 200).json(batchBody(results, startedAt, deps.now(), errors));
  });

  /*
   * Batch create. HubSpot's error-handling guide ("Multi-status errors",
   * https://developers.hubspot.com/docs/api/error-handling): when every input carries a unique
   * `objectWriteTraceId`, the inputs are written one by one and the answer is a 207 listing the created
   * records and, per refused input, an error whose `context` is `{ objectWriteTraceId: [...] }`. Without
   * trace ids the batch is refused as a whole (one error body, nothing written; cf. HubSpot/hubspot-api-python#51).
   */
  router.post(`${base}/batch/create`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const startedAt = deps.now();
    const input = parseBody(batchCreateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    const dupes = duplicateTraceIds(input.value.inputs);
    if (dupes.length > 0)
      return sendFailure(
        res,
        validation(
          `Duplicate objectWriteTraceId values in batch input: [${dupes.join(', ')}]. They must be unique.`,
        ),
      );
    const writer = new RecordWriter(ctx.store, ctx.info, startedAt);
    const multiStatus =
      input.value.inputs.length > 0 && input.value.inputs.every((i) => i.objectWriteTraceId !== undefined);
    if (multiStatus) {
      const objs: PublicObject[] = [];
      const errors: Record<string, unknown>[] = [];
      inTransaction(deps.db, () => {
        for (const item of input.value.inputs) {
          const traceId = item.objectWriteTraceId ?? '';
          const one = createOne(writer, item);
          if (one.ok) objs.push(withTrace(one.value.obj, traceId));
          else errors.push(inputError(res, one.error, { objectWriteTraceId: [traceId] }));
        }
      });
      res.status(errors.length ? 207 : 201).json(batchBody(objs, startedAt, deps.now(), errors));
      return;
    }
    writer.atomic = true;
    const created = transactional(
      deps.db,
      () => {
        const objs: PublicObject[] = [];
        for (const item of input.value.inputs) {
          const one = createOne(writer, item);
          if (!one.ok) return one;
          objs.push(withTrace(one.value.obj, item.objectWriteTraceId));
        }
        return success(objs);
      },
      writer,
    );
    if (!created.ok) return sendFailure(res, created.error);
    res.status(201).json(batchBody(created.value, startedAt, deps.now()));
  });

  router.post(`${base}/batch/update`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const startedAt = deps.now();
    const input = parseBody(batchUpdateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    const ids = input.value.inputs.map((i) => i.id);
    const dupes = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
    if (dupes.length > 0)
      return sendFailure(
        res,
        validation(`Duplicate IDs found in batch input: [${dupes.join(', ')}]. IDs must be unique`),
      );
    const writer = new RecordWriter(ctx.store, ctx.info, startedAt);
    const missing: string[] = [];
    const updated = transactional(deps.db, () => {
      const objs: PublicObject[] = [];
      for (const item of input.value.inputs) {
        const found = writer.find(item.id, item.idProperty);
        if (!found.ok) {
          if (found.error.kind !== 'not_found') return found;
          missing.push(item.id);
          continue;
        }
        const prepared = writer.prepare(item.properties, found.value);
        if (!prepared.ok) return prepared;
        objs.push(
          toPublic(writer.update(found.value, prepared.value), writer.shownAfterWrite(item.properties)),
        );
      }
      return success(objs);
    });
    if (!updated.ok) return sendFailure(res, updated.error);
    const errors = missing.length
      ? [
          batchError(
            'OBJECT_NOT_FOUND',
            `Could not update some ${ctx.info.messageName} objects, they may be deleted or not exist.`,
            { ids: missing },
          ),
        ]
      : [];
    res.status(errors.length ? 207 : 200).json(batchBody(updated.value, startedAt, deps.now(), errors));
  });

  router.post(`${base}/batch/upsert`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const startedAt = deps.now();
    const input = parseBody(batchUpsertSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    const writer = new RecordWriter(ctx.store, ctx.info, startedAt);
    const keys = input.value.inputs.map((i) => `${i.idProperty ?? ''}\u0000${i.id}`);
    const dupes = [
      ...new Set(input.value.inputs.filter((_, i) => keys.indexOf(keys[i] ?? '') !== i).map((i) => i.id)),
    ];
    if (dupes.length > 0)
      return sendFailure(
        res,
        validation(`Duplicate IDs found in batch input: [${dupes.join(', ')}]. IDs must be unique`),
      );
    // An idProperty that is not a unique-value property makes the request itself wrong: refused whole.
    const badKey = input.value.inputs.find((i) => !i.idProperty || !writer.unique.has(i.idProperty));
    if (badKey) {
      return sendFailure(
        res,
        validation(
          `idProperty must name a unique-value property of ${ctx.info.type.name}; got ${badKey.idProperty ?? 'none'}.`,
        ),
      );
    }
    // Each input stands alone: HubSpot answers a batch upsert with a 207 listing the written records and one
    // error per refused input (captured answer in HubSpot/hubspot-api-ruby#403: status COMPLETE, numErrors,
    // errors[{status, category: VALIDATION_ERROR, message: "Property values were not valid: [...]"}]). An
    // error's context names the input by its objectWriteTraceId when it has one, else by its id.
    const objs: (PublicObject & { new: boolean })[] = [];
    const errors: Record<string, unknown>[] = [];
    inTransaction(deps.db, () => {
      for (const item of input.value.inputs) {
        const context =
          item.objectWriteTraceId === undefined
            ? { ids: [item.id] }
            : { objectWriteTraceId: [item.objectWriteTraceId] };
        const idProperty = item.idProperty ?? '';
        const holder = writer.holderOf(idProperty, item.id);
        const existing =
          holder === undefined ? undefined : ctx.store.getObject(ctx.info.type.objectTypeId, holder);
        const values = { ...item.properties, [idProperty]: item.id };
        const prepared = writer.prepare(values, existing);
        if (!prepared.ok) {
          errors.push(inputError(res, prepared.error, context));
          continue;
        }
        const record = existing ? writer.update(existing, prepared.value) : writer.insert(prepared.value);
        objs.push(
          withTrace(
            { ...toPublic(record, writer.shownAfterWrite(values)), new: !existing },
            item.objectWriteTraceId,
          ),
        );
      }
    });
    res.status(errors.length ? 207 : 200).json(batchBody(objs, startedAt, deps.now(), errors));
  });

  router.post(`${base}/batch/archive`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const input = parseBody(batchArchiveSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    const at = deps.now();
    // HubSpot answers 204 even for ids that do not exist; archiving twice is harmless.
    inTransaction(deps.db, () => {
      for (const { id } of input.value.inputs) {
        const n = parseId(id);
        const record = n === undefined ? undefined : ctx.store.getObject(ctx.info.type.objectTypeId, n);
        if (record && !record.archived) ctx.store.archiveObject(ctx.info.type.objectTypeId, record.id, at);
      }
    });
    res.status(204).end();
  });

  router.get(`${base}/:objectId`, (req, res) => {
    const ctx = typed(deps, req, res, 'read');
    if (!ctx) return;
    const { store, info } = ctx;
    const toTypes = resolveMany(store, queryList(req.query.associations));
    if (!toTypes.ok) return sendFailure(res, toTypes.error);
    const writer = new RecordWriter(store, info, deps.now());
    const archived = queryBool(req.query.archived);
    const found = writer.find(String(req.params.objectId), queryString(req.query.idProperty), archived);
    if (!found.ok) return sendFailure(res, found.error);
    if (archived && !found.value.archived) return reply(res, objectNotFound(String(req.params.objectId)));
    const show = propertiesToShow(info, writer.props, queryList(req.query.properties));
    res.json(withAssociations(store, info, found.value, toPublic(found.value, show), toTypes.value));
  });

  router.patch(`${base}/:objectId`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const input = parseBody(updateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const writer = new RecordWriter(ctx.store, ctx.info, deps.now());
    const updated = transactional(deps.db, () => {
      const found = writer.find(String(req.params.objectId), queryString(req.query.idProperty));
      if (!found.ok) return found;
      const prepared = writer.prepare(input.value.properties, found.value);
      if (!prepared.ok) return prepared;
      return success(
        toPublic(writer.update(found.value, prepared.value), writer.shownAfterWrite(input.value.properties)),
      );
    });
    reply(res, updated);
  });

  router.delete(`${base}/:objectId`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const id = parseId(String(req.params.objectId));
    const record = id === undefined ? undefined : ctx.store.getObject(ctx.info.type.objectTypeId, id);
    // Archiving a missing or already archived record is a 204 in HubSpot too.
    if (record && !record.archived)
      ctx.store.archiveObject(ctx.info.type.objectTypeId, record.id, deps.now());
    res.status(204).end();
  });

  return router;
}
