/**
 * Properties v3 (`/crm/v3/properties/{objectType}`): properties and property groups, single and batch.
 * Spec: crm-properties-v3.json.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { inTransaction } from '../db.js';
import { batchBody, batchError, checkBatchSize, typed as typedObject, type CrmDeps } from './objects-api.js';
import { parseBody, queryBool, reply, sendFailure } from './http.js';
import {
  alreadyExists,
  failure,
  notFound,
  success,
  validation,
  type CrmFailure,
  type Outcome,
  type PropertyDef,
} from './model.js';
import type { TypeInfo } from './object-types.js';
import {
  checkName,
  defaultGroupOf,
  newProperty,
  propertyCreateSchema,
  propertyUpdateSchema,
  publicProperty,
  requireSchemaScope,
  updatedProperty,
} from './property-defs.js';
import { STANDARD_OBJECTS } from './standard.js';
import type { PortalStore } from './store.js';

const createSchema = propertyCreateSchema.extend({ groupName: z.string() });
const groupCreateSchema = z.object({
  name: z.string(),
  label: z.string().min(1),
  displayOrder: z.number().int().optional(),
});
const groupUpdateSchema = z.object({
  label: z.string().min(1).optional(),
  displayOrder: z.number().int().optional(),
});
const batchCreateSchema = z.object({ inputs: z.array(createSchema) });
const namesSchema = z.object({
  inputs: z.array(z.object({ name: z.string() })),
  archived: z.boolean().default(false),
});

const typed = (deps: CrmDeps, req: Request, res: Response, access: 'read' | 'write') =>
  typedObject(deps, req, res, access, requireSchemaScope);

const propertyNotFound = (name: string, info: TypeInfo): CrmFailure =>
  notFound(`Unable to find property ${name} for object type ${info.type.objectTypeId}`);

function isDefaultGroup(info: TypeInfo, name: string): boolean {
  return STANDARD_OBJECTS.some((o) => o.group.name === name) || name === defaultGroupOf(info);
}

export function propertiesRouter(deps: CrmDeps): Router {
  const router = Router();
  const base = '/crm/v3/properties/:objectType';

  // Groups first, so that "groups" is never read as a property name.
  router.get(`${base}/groups`, (req, res) => {
    const ctx = typed(deps, req, res, 'read');
    if (!ctx) return;
    res.json({ results: ctx.store.listGroups(ctx.info.type.objectTypeId) });
  });

  router.post(`${base}/groups`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const input = parseBody(groupCreateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const problem = checkName('Property group', input.value.name);
    if (problem) return sendFailure(res, problem);
    const existing = ctx.store.getGroup(ctx.info.type.objectTypeId, input.value.name);
    if (existing && !existing.archived)
      return sendFailure(res, alreadyExists(`Property group named '${input.value.name}' already exists.`));
    const group = {
      name: input.value.name,
      label: input.value.label,
      displayOrder: input.value.displayOrder ?? -1,
    };
    ctx.store.upsertGroup(ctx.info.type.objectTypeId, group);
    res.status(201).json({ ...group, archived: false });
  });

  router.get(`${base}/groups/:groupName`, (req, res) => {
    const ctx = typed(deps, req, res, 'read');
    if (!ctx) return;
    const group = ctx.store.getGroup(ctx.info.type.objectTypeId, String(req.params.groupName));
    if (!group || group.archived)
      return sendFailure(res, notFound(`Unable to find property group ${String(req.params.groupName)}`));
    res.json(group);
  });

  router.patch(`${base}/groups/:groupName`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const input = parseBody(groupUpdateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const group = ctx.store.getGroup(ctx.info.type.objectTypeId, String(req.params.groupName));
    if (!group || group.archived)
      return sendFailure(res, notFound(`Unable to find property group ${String(req.params.groupName)}`));
    const next = {
      name: group.name,
      label: input.value.label ?? group.label,
      displayOrder: input.value.displayOrder ?? group.displayOrder,
    };
    ctx.store.upsertGroup(ctx.info.type.objectTypeId, next);
    res.json({ ...next, archived: false });
  });

  router.delete(`${base}/groups/:groupName`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const name = String(req.params.groupName);
    const group = ctx.store.getGroup(ctx.info.type.objectTypeId, name);
    if (!group || group.archived) return sendFailure(res, notFound(`Unable to find property group ${name}`));
    if (isDefaultGroup(ctx.info, name))
      return sendFailure(
        res,
        validation(`Property group ${name} is HubSpot-defined and cannot be archived.`),
      );
    if (ctx.store.listProperties(ctx.info.type.objectTypeId, false).some((p) => p.groupName === name)) {
      return sendFailure(
        res,
        validation(`Property group ${name} still has properties; move or archive them first.`),
      );
    }
    ctx.store.archiveGroup(ctx.info.type.objectTypeId, name);
    res.status(204).end();
  });

  router.post(`${base}/batch/create`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const startedAt = deps.now();
    const input = parseBody(batchCreateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const size = checkBatchSize(input.value.inputs.length);
    if (!size.ok) return sendFailure(res, size.error);
    const results: Record<string, unknown>[] = [];
    const errors: Record<string, unknown>[] = [];
    inTransaction(deps.db, () => {
      for (const item of input.value.inputs) {
        const def = newProperty(ctx.store, ctx.info, item, startedAt, defaultGroupOf(ctx.info));
        if (!def.ok) {
          const message = 'message' in def.error ? def.error.message : def.error.kind;
          errors.push(
            batchError(
              def.error.kind === 'already_exists' ? 'OBJECT_ALREADY_EXISTS' : 'VALIDATION_ERROR',
              message,
              { name: [item.name] },
            ),
          );
          continue;
        }
        ctx.store.putProperty(ctx.info.type.objectTypeId, def.value);
        results.push(publicProperty(def.value, false));
      }
    });
    res.status(errors.length ? 207 : 201).json(batchBody(results, startedAt, deps.now(), errors));
  });

  router.post(`${base}/batch/read`, (req, res) => {
    const ctx = typed(deps, req, res, 'read');
    if (!ctx) return;
    const startedAt = deps.now();
    const input = parseBody(namesSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const results: Record<string, unknown>[] = [];
    const missing: string[] = [];
    for (const { name } of input.value.inputs) {
      const found = ctx.store.getProperty(ctx.info.type.objectTypeId, name);
      if (!found || found.archived !== input.value.archived) missing.push(name);
      else results.push(publicProperty(found.def, found.archived));
    }
    const errors = missing.length
      ? [
          batchError(
            'OBJECT_NOT_FOUND',
            `Unable to find some properties for object type ${ctx.info.type.objectTypeId}`,
            { names: missing },
          ),
        ]
      : [];
    res.status(errors.length ? 207 : 200).json(batchBody(results, startedAt, deps.now(), errors));
  });

  router.post(`${base}/batch/archive`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const input = parseBody(namesSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const at = deps.now();
    const archived = transactionalArchive(
      ctx.store,
      ctx.info,
      input.value.inputs.map((i) => i.name),
      at,
    );
    if (!archived.ok) return sendFailure(res, archived.error);
    res.status(204).end();
  });

  router.get(base, (req, res) => {
    const ctx = typed(deps, req, res, 'read');
    if (!ctx) return;
    const archived = queryBool(req.query.archived);
    res.json({
      results: ctx.store
        .listProperties(ctx.info.type.objectTypeId, archived)
        .map((p) => publicProperty(p, archived)),
    });
  });

  router.post(base, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const input = parseBody(createSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const def = newProperty(ctx.store, ctx.info, input.value, deps.now(), defaultGroupOf(ctx.info));
    if (!def.ok) return sendFailure(res, def.error);
    ctx.store.putProperty(ctx.info.type.objectTypeId, def.value);
    res.status(201).json(publicProperty(def.value, false));
  });

  router.get(`${base}/:propertyName`, (req, res) => {
    const ctx = typed(deps, req, res, 'read');
    if (!ctx) return;
    const name = String(req.params.propertyName);
    const found = ctx.store.getProperty(ctx.info.type.objectTypeId, name);
    if (!found || found.archived !== queryBool(req.query.archived))
      return sendFailure(res, propertyNotFound(name, ctx.info));
    res.json(publicProperty(found.def, found.archived));
  });

  router.patch(`${base}/:propertyName`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const input = parseBody(propertyUpdateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const name = String(req.params.propertyName);
    const found = ctx.store.getProperty(ctx.info.type.objectTypeId, name);
    if (!found || found.archived) return sendFailure(res, propertyNotFound(name, ctx.info));
    const next = updatedProperty(ctx.store, ctx.info, found.def, input.value, deps.now());
    if (next.ok) ctx.store.putProperty(ctx.info.type.objectTypeId, next.value);
    reply(res, next.ok ? success(publicProperty(next.value, false)) : next);
  });

  router.delete(`${base}/:propertyName`, (req, res) => {
    const ctx = typed(deps, req, res, 'write');
    if (!ctx) return;
    const archived = transactionalArchive(ctx.store, ctx.info, [String(req.params.propertyName)], deps.now());
    if (!archived.ok) return sendFailure(res, archived.error);
    res.status(204).end();
  });

  return router;
}

/** Archives properties; HubSpot-defined and unique-value-in-use checks first, then all or nothing. */
function transactionalArchive(
  store: PortalStore,
  info: TypeInfo,
  names: readonly string[],
  at: number,
): Outcome<void> {
  const defs: PropertyDef[] = [];
  for (const name of names) {
    const found = store.getProperty(info.type.objectTypeId, name);
    if (!found || found.archived) return failure(propertyNotFound(name, info));
    if (!found.def.archivable)
      return failure(validation(`Property ${name} is HubSpot-defined and cannot be archived.`));
    if (info.type.def.requiredProperties.includes(name) || info.type.def.primaryDisplayProperty === name) {
      return failure(
        validation(
          `Property ${name} is required or the primary display property of ${info.type.name}; it cannot be archived.`,
        ),
      );
    }
    defs.push(found.def);
  }
  inTransaction(store.db, () => {
    for (const def of defs)
      store.putProperty(info.type.objectTypeId, { ...def, archivedAt: at, updatedAt: at }, true);
  });
  return success(undefined);
}
