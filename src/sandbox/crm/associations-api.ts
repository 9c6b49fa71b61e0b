/**
 * Associations v4: batch read/create/archive/associate-default/labels-archive, per-record list, PUT with
 * labels, PUT default, DELETE; and association labels (list, create, rename, delete). Specs:
 * crm-associations-v4.json, crm-associations-schema-v4.json (labels are also served on the
 * `/crm/v4/associations/.../labels` path, which @hubspot/api-client's DefinitionsApi calls).
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { caller } from '../context.js';
import { inTransaction } from '../db.js';
import { associate, checkType, defaultType, objectMissing, specs, unassociate } from './associations.js';
import { param, parseBody, queryAfter, queryLimit, reply, sendFailure } from './http.js';
import {
  ASSOCIATION_BATCH_READ_LIMIT,
  failure,
  notFound,
  success,
  validation,
  type AssociationType,
  type Outcome,
} from './model.js';
import { batchBody, batchError, checkBatchSize, type CrmDeps } from './objects-api.js';
import { requireObjectScope, resolveType, type TypeInfo } from './object-types.js';
import { parseId } from './records.js';
import { FIRST_USER_DEFINED_TYPE_ID } from './standard.js';
import { PortalStore } from './store.js';

const idSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String) });
const specSchema = z.object({ associationCategory: z.string(), associationTypeId: z.number().int() });
const batchReadSchema = z.object({ inputs: z.array(idSchema.extend({ after: z.string().optional() })) });
const batchCreateSchema = z.object({
  inputs: z.array(z.object({ from: idSchema, to: idSchema, types: z.array(specSchema).min(1) })),
});
const batchArchiveSchema = z.object({ inputs: z.array(z.object({ from: idSchema, to: z.array(idSchema) })) });
const batchDefaultSchema = z.object({ inputs: z.array(z.object({ from: idSchema, to: idSchema })) });
const labelCreateSchema = z.object({
  label: z.string().min(1),
  name: z.string().min(1),
  inverseLabel: z.string().min(1).optional(),
});
const labelUpdateSchema = z.object({
  associationTypeId: z.number().int(),
  label: z.string().min(1),
  inverseLabel: z.string().optional(),
});

interface Pair {
  store: PortalStore;
  from: TypeInfo;
  to: TypeInfo;
}

function pair(
  deps: CrmDeps,
  res: Response,
  fromRaw: string,
  toRaw: string,
  access: 'read' | 'write',
): Pair | undefined {
  const store = new PortalStore(deps.db, caller(res).portalId);
  const from = resolveType(store, fromRaw);
  if (!from.ok) return void sendFailure(res, from.error);
  const to = resolveType(store, toRaw);
  if (!to.ok) return void sendFailure(res, to.error);
  const missing =
    requireObjectScope(caller(res), from.value, access) ?? requireObjectScope(caller(res), to.value, access);
  if (missing) return void sendFailure(res, missing);
  return { store, from: from.value, to: to.value };
}

function live(p: PortalStore, typeId: string, raw: string): number | undefined {
  const id = parseId(raw);
  const rec = id === undefined ? undefined : p.getObject(typeId, id);
  return rec && !rec.archived ? rec.id : undefined;
}

/**
 * The associated records of one record, as v4 shows them (each with all its association types). Record ids
 * are JSON numbers here, as in HubSpot's answers (its v4 associations guide shows `"toObjectId": 5790939450`
 * in a batch read), although the spec (crm-associations-v4.json) types them as strings.
 */
function associated(
  p: Pair,
  fromId: number,
): { toObjectId: number; associationTypes: ReturnType<typeof specs> }[] {
  return [...p.store.associationsOf(p.from.type.objectTypeId, fromId, p.to.type.objectTypeId)].map(
    ([toId, typeIds]) => ({
      toObjectId: toId,
      associationTypes: specs(p.store, typeIds),
    }),
  );
}

/**
 * The answer of a labelled association write. Ids are JSON numbers, as in HubSpot's v4 associations guide
 * (`{"fromObjectTypeId":"0-1","fromObjectId":29851,"toObjectTypeId":"0-3","toObjectId":21678228008,"labels":[...]}`).
 */
function labelsBetween(p: Pair, fromId: number, toId: number): Record<string, unknown> {
  const typeIds =
    p.store.associationsOf(p.from.type.objectTypeId, fromId, p.to.type.objectTypeId).get(toId) ?? [];
  return {
    fromObjectTypeId: p.from.type.objectTypeId,
    fromObjectId: fromId,
    toObjectTypeId: p.to.type.objectTypeId,
    toObjectId: toId,
    labels: specs(p.store, typeIds).flatMap((s) => (s.label === null ? [] : [s.label])),
  };
}

function checkSpecs(p: Pair, types: readonly z.infer<typeof specSchema>[]): Outcome<AssociationType[]> {
  const out: AssociationType[] = [];
  for (const t of types) {
    const checked = checkType(p.store, p.from.type.objectTypeId, p.to.type.objectTypeId, t.associationTypeId);
    if (!checked.ok) return checked;
    if (checked.value.category !== t.associationCategory) {
      return failure(
        validation(
          `Association type ${t.associationTypeId} is ${checked.value.category}, not ${t.associationCategory}.`,
        ),
      );
    }
    out.push(checked.value);
  }
  return success(out);
}

function defaultSpec(t: AssociationType): { associationCategory: string; associationTypeId: number } {
  return { associationCategory: t.category, associationTypeId: t.typeId };
}

function labelsRoutes(router: Router, deps: CrmDeps, base: string): void {
  router.get(base, (req, res) => {
    const p = pair(deps, res, param(req, 'fromObjectType'), param(req, 'toObjectType'), 'read');
    if (!p) return;
    const results = p.store.associationTypes(p.from.type.objectTypeId, p.to.type.objectTypeId).map((t) => ({
      category: t.category,
      typeId: t.typeId,
      label: t.label,
    }));
    res.json({ results });
  });

  router.post(base, (req, res) => {
    const p = pair(deps, res, param(req, 'fromObjectType'), param(req, 'toObjectType'), 'write');
    if (!p) return;
    const input = parseBody(labelCreateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const { store, from, to } = p;
    const existing = store.associationTypes(from.type.objectTypeId, to.type.objectTypeId);
    if (existing.some((t) => t.name === input.value.name.toLowerCase())) {
      return sendFailure(
        res,
        validation(`An association label named ${input.value.name} already exists between these objects.`),
      );
    }
    const now = deps.now();
    const created = inTransaction(deps.db, () => {
      const id = store.nextValue('association_type', FIRST_USER_DEFINED_TYPE_ID);
      const sameType = from.type.objectTypeId === to.type.objectTypeId;
      // A label between a type and itself with no inverse label is its own inverse.
      const inverseId =
        sameType && input.value.inverseLabel === undefined
          ? id
          : store.nextValue('association_type', FIRST_USER_DEFINED_TYPE_ID);
      const forward: AssociationType = {
        typeId: id,
        inverseTypeId: inverseId,
        category: 'USER_DEFINED',
        fromType: from.type.objectTypeId,
        toType: to.type.objectTypeId,
        name: input.value.name.toLowerCase(),
        label: input.value.label,
        createdAt: now,
        updatedAt: now,
      };
      store.insertAssociationType(forward);
      if (inverseId !== id) {
        store.insertAssociationType({
          ...forward,
          typeId: inverseId,
          inverseTypeId: id,
          fromType: to.type.objectTypeId,
          toType: from.type.objectTypeId,
          name: `${input.value.name.toLowerCase()}_inverse`,
          label: input.value.inverseLabel ?? input.value.label,
        });
      }
      return [forward, ...(inverseId !== id ? [store.associationType(inverseId)] : [])];
    });
    res.json({
      results: created.flatMap((t) =>
        t ? [{ category: t.category, typeId: t.typeId, label: t.label }] : [],
      ),
    });
  });

  router.put(base, (req, res) => {
    const p = pair(deps, res, param(req, 'fromObjectType'), param(req, 'toObjectType'), 'write');
    if (!p) return;
    const input = parseBody(labelUpdateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const t = p.store.associationType(input.value.associationTypeId);
    if (!t || t.category !== 'USER_DEFINED' || t.label === null || t.fromType !== p.from.type.objectTypeId) {
      return sendFailure(res, notFound(`Unable to find association label ${input.value.associationTypeId}`));
    }
    const now = deps.now();
    p.store.updateAssociationTypeLabel(t.typeId, input.value.label, now);
    if (input.value.inverseLabel !== undefined && t.inverseTypeId !== t.typeId) {
      p.store.updateAssociationTypeLabel(t.inverseTypeId, input.value.inverseLabel, now);
    }
    res.status(204).end();
  });

  router.delete(`${base}/:associationTypeId`, (req, res) => {
    const p = pair(deps, res, param(req, 'fromObjectType'), param(req, 'toObjectType'), 'write');
    if (!p) return;
    const t = p.store.associationType(Number(param(req, 'associationTypeId')));
    if (!t || t.category !== 'USER_DEFINED' || t.label === null || t.fromType !== p.from.type.objectTypeId) {
      return sendFailure(
        res,
        notFound(`Unable to find association label ${param(req, 'associationTypeId')}`),
      );
    }
    inTransaction(deps.db, () => {
      p.store.deleteAssociationType(t.inverseTypeId);
      p.store.deleteAssociationType(t.typeId);
    });
    res.status(204).end();
  });
}

export function associationsRouter(deps: CrmDeps): Router {
  const router = Router();
  const batch = '/crm/v4/associations/:fromObjectType/:toObjectType/batch';
  const pairOf = (req: Request, res: Response, access: 'read' | 'write'): Pair | undefined =>
    pair(deps, res, param(req, 'fromObjectType'), param(req, 'toObjectType'), access);

  router.post(`${batch}/read`, (req, res) => {
    const p = pairOf(req, res, 'read');
    if (!p) return;
    const startedAt = deps.now();
    const input = parseBody(batchReadSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length, ASSOCIATION_BATCH_READ_LIMIT);
    if (!size.ok) return sendFailure(res, size.error);
    const results: Record<string, unknown>[] = [];
    const errors: Record<string, unknown>[] = [];
    for (const item of input.value.inputs) {
      const fromId = live(p.store, p.from.type.objectTypeId, item.id);
      const to = fromId === undefined ? [] : associated(p, fromId);
      if (to.length === 0) {
        errors.push(
          batchError(
            'OBJECT_NOT_FOUND',
            `No ${p.to.type.singular} is associated with ${p.from.type.singular} ${item.id}.`,
            {
              fromObjectId: [item.id],
            },
          ),
        );
        continue;
      }
      results.push({ from: { id: item.id }, to });
    }
    res.status(errors.length ? 207 : 200).json(batchBody(results, startedAt, deps.now(), errors));
  });

  router.post(`${batch}/create`, (req, res) => {
    const p = pairOf(req, res, 'write');
    if (!p) return;
    const startedAt = deps.now();
    const input = parseBody(batchCreateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    const results: Record<string, unknown>[] = [];
    const errors: Record<string, unknown>[] = [];
    inTransaction(deps.db, () => {
      for (const item of input.value.inputs) {
        const fromId = live(p.store, p.from.type.objectTypeId, item.from.id);
        const toId = live(p.store, p.to.type.objectTypeId, item.to.id);
        const types = checkSpecs(p, item.types);
        if (fromId === undefined || toId === undefined || !types.ok) {
          const message =
            !types.ok && types.error.kind === 'validation'
              ? types.error.message
              : objectMissingMessage(p, item.from.id, item.to.id, fromId, toId);
          errors.push(
            batchError('VALIDATION_ERROR', message, {
              fromObjectId: [item.from.id],
              toObjectId: [item.to.id],
            }),
          );
          continue;
        }
        for (const t of types.value) associate(p.store, t, fromId, toId);
        results.push(labelsBetween(p, fromId, toId));
      }
    });
    res.status(errors.length ? 207 : 201).json(batchBody(results, startedAt, deps.now(), errors));
  });

  router.post(`${batch}/associate/default`, (req, res) => {
    const p = pairOf(req, res, 'write');
    if (!p) return;
    const startedAt = deps.now();
    const input = parseBody(batchDefaultSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    const t = defaultType(p.store, p.from.type.objectTypeId, p.to.type.objectTypeId);
    if (!t)
      return sendFailure(
        res,
        validation(`No association is defined from ${p.from.type.name} to ${p.to.type.name}.`),
      );
    const results: Record<string, unknown>[] = [];
    const errors: Record<string, unknown>[] = [];
    inTransaction(deps.db, () => {
      for (const item of input.value.inputs) {
        const fromId = live(p.store, p.from.type.objectTypeId, item.from.id);
        const toId = live(p.store, p.to.type.objectTypeId, item.to.id);
        if (fromId === undefined || toId === undefined) {
          errors.push(
            batchError('VALIDATION_ERROR', objectMissingMessage(p, item.from.id, item.to.id, fromId, toId), {
              fromObjectId: [item.from.id],
              toObjectId: [item.to.id],
            }),
          );
          continue;
        }
        associate(p.store, t, fromId, toId);
        results.push({
          from: { id: String(fromId) },
          to: { id: String(toId) },
          associationSpec: defaultSpec(t),
        });
      }
    });
    res.status(200).json(batchBody(results, startedAt, deps.now(), errors));
  });

  router.post(`${batch}/archive`, (req, res) => {
    const p = pairOf(req, res, 'write');
    if (!p) return;
    const input = parseBody(batchArchiveSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    inTransaction(deps.db, () => {
      for (const item of input.value.inputs) {
        const fromId = parseId(item.from.id);
        if (fromId === undefined) continue;
        for (const to of item.to) {
          const toId = parseId(to.id);
          if (toId !== undefined)
            unassociate(p.store, p.from.type.objectTypeId, fromId, p.to.type.objectTypeId, toId);
        }
      }
    });
    res.status(204).end();
  });

  router.post(`${batch}/labels/archive`, (req, res) => {
    const p = pairOf(req, res, 'write');
    if (!p) return;
    const input = parseBody(batchCreateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    const checked: { fromId: number; toId: number; types: AssociationType[] }[] = [];
    for (const item of input.value.inputs) {
      const types = checkSpecs(p, item.types);
      if (!types.ok) return sendFailure(res, types.error);
      const fromId = parseId(item.from.id);
      const toId = parseId(item.to.id);
      if (fromId !== undefined && toId !== undefined) checked.push({ fromId, toId, types: types.value });
    }
    inTransaction(deps.db, () => {
      for (const c of checked) {
        for (const t of c.types)
          unassociate(p.store, p.from.type.objectTypeId, c.fromId, p.to.type.objectTypeId, c.toId, t);
      }
    });
    res.status(204).end();
  });

  labelsRoutes(router, deps, '/crm/v4/associations/:fromObjectType/:toObjectType/labels');
  labelsRoutes(router, deps, '/crm/associations/v4/:fromObjectType/:toObjectType/labels');

  const one = '/crm/v4/objects/:fromObjectType/:fromObjectId/associations';

  router.get(`${one}/:toObjectType`, (req, res) => {
    const p = pairOf(req, res, 'read');
    if (!p) return;
    const limit = queryLimit(req.query.limit, 500, 500);
    if (!limit.ok) return sendFailure(res, limit.error);
    const after = queryAfter(req.query.after);
    if (!after.ok) return sendFailure(res, after.error);
    const fromId = live(p.store, p.from.type.objectTypeId, String(req.params.fromObjectId));
    if (fromId === undefined) {
      return sendFailure(
        res,
        notFound(`${p.from.type.singular} ${String(req.params.fromObjectId)} does not exist.`),
      );
    }
    const all = associated(p, fromId).filter((a) => a.toObjectId > after.value);
    const page = all.slice(0, limit.value);
    const body: Record<string, unknown> = { results: page };
    const last = page[page.length - 1];
    if (all.length > limit.value && last) body.paging = { next: { after: String(last.toObjectId) } };
    res.json(body);
  });

  router.put(`${one}/default/:toObjectType/:toObjectId`, (req, res) => {
    const p = pairOf(req, res, 'write');
    if (!p) return;
    const startedAt = deps.now();
    const t = defaultType(p.store, p.from.type.objectTypeId, p.to.type.objectTypeId);
    if (!t)
      return sendFailure(
        res,
        validation(`No association is defined from ${p.from.type.name} to ${p.to.type.name}.`),
      );
    const fromId = live(p.store, p.from.type.objectTypeId, String(req.params.fromObjectId));
    const toId = live(p.store, p.to.type.objectTypeId, String(req.params.toObjectId));
    if (fromId === undefined || toId === undefined) {
      return sendFailure(
        res,
        objectMissing(
          fromId === undefined ? p.from.type.singular : p.to.type.singular,
          String(fromId === undefined ? req.params.fromObjectId : req.params.toObjectId),
        ),
      );
    }
    inTransaction(deps.db, () => associate(p.store, t, fromId, toId));
    res.json(
      batchBody(
        [{ from: { id: String(fromId) }, to: { id: String(toId) }, associationSpec: defaultSpec(t) }],
        startedAt,
        deps.now(),
      ),
    );
  });

  router.put(`${one}/:toObjectType/:toObjectId`, (req, res) => {
    const p = pairOf(req, res, 'write');
    if (!p) return;
    const input = parseBody(z.array(specSchema).min(1), req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const types = checkSpecs(p, input.value);
    if (!types.ok) return sendFailure(res, types.error);
    const fromId = live(p.store, p.from.type.objectTypeId, String(req.params.fromObjectId));
    const toId = live(p.store, p.to.type.objectTypeId, String(req.params.toObjectId));
    if (fromId === undefined || toId === undefined) {
      return sendFailure(
        res,
        objectMissing(
          fromId === undefined ? p.from.type.singular : p.to.type.singular,
          String(fromId === undefined ? req.params.fromObjectId : req.params.toObjectId),
        ),
      );
    }
    inTransaction(deps.db, () => {
      for (const t of types.value) associate(p.store, t, fromId, toId);
    });
    reply(res, success(labelsBetween(p, fromId, toId)), 201);
  });

  router.delete(`${one}/:toObjectType/:toObjectId`, (req, res) => {
    const p = pairOf(req, res, 'write');
    if (!p) return;
    const fromId = parseId(String(req.params.fromObjectId));
    const toId = parseId(String(req.params.toObjectId));
    if (fromId !== undefined && toId !== undefined) {
      inTransaction(deps.db, () =>
        unassociate(p.store, p.from.type.objectTypeId, fromId, p.to.type.objectTypeId, toId),
      );
    }
    res.status(204).end();
  });

  return router;
}

function objectMissingMessage(
  p: Pair,
  fromRaw: string,
  toRaw: string,
  fromId: number | undefined,
  toId: number | undefined,
): string {
  if (fromId === undefined) return `${p.from.type.singular} ${fromRaw} does not exist or is archived.`;
  if (toId === undefined) return `${p.to.type.singular} ${toRaw} does not exist or is archived.`;
  return 'Invalid association.';
}
