/**
 * Custom object schemas (`/crm-object-schemas/v3/schemas`, and `/crm/v3/schemas`, the path HubSpot's custom
 * objects guide uses: https://developers.hubspot.com/docs/guides/api/crm/objects/custom-objects "make a POST
 * request to crm/v3/schemas"). Enterprise portals only, and the token needs `crm.schemas.custom.read` /
 * `.write`. Spec: crm-object-schemas-v3.json.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { caller, type CallerContext } from '../context.js';
import { inTransaction } from '../db.js';
import type { CrmDeps } from './objects-api.js';
import { parseBody, queryBool, reply, sendFailure } from './http.js';
import {
  alreadyExists,
  ENTERPRISE_CUSTOM_OBJECT_LIMIT,
  failure,
  notFound,
  success,
  validation,
  type AssociationType,
  type CrmFailure,
  type ObjectType,
  type ObjectTypeDef,
  type Outcome,
} from './model.js';
import { findType, typeInfo } from './object-types.js';
import { propertyFromSeed } from './portal.js';
import {
  checkName,
  newProperty,
  propertyCreateSchema,
  publicProperty,
  requireSchemaScope,
} from './property-defs.js';
import {
  CUSTOM_OBJECT_PROPERTIES,
  FIRST_CUSTOM_OBJECT_TYPE_NUMBER,
  FIRST_USER_DEFINED_TYPE_ID,
  STANDARD_OBJECTS,
} from './standard.js';
import { PortalStore } from './store.js';

const labelsSchema = z.object({ singular: z.string().min(1), plural: z.string().min(1) });

const schemaCreateSchema = z.object({
  name: z.string(),
  labels: labelsSchema,
  description: z.string().optional(),
  requiredProperties: z.array(z.string()).default([]),
  searchableProperties: z.array(z.string()).default([]),
  primaryDisplayProperty: z.string().optional(),
  secondaryDisplayProperties: z.array(z.string()).default([]),
  properties: z.array(propertyCreateSchema).default([]),
  associatedObjects: z.array(z.string()).default([]),
  allowsSensitiveProperties: z.boolean().optional(),
});

const schemaPatchSchema = z.object({
  labels: labelsSchema.partial().optional(),
  description: z.string().optional(),
  clearDescription: z.boolean().optional(),
  requiredProperties: z.array(z.string()).optional(),
  searchableProperties: z.array(z.string()).optional(),
  primaryDisplayProperty: z.string().optional(),
  secondaryDisplayProperties: z.array(z.string()).optional(),
  restorable: z.boolean().optional(),
  allowsSensitiveProperties: z.boolean().optional(),
});

const associationEggSchema = z.object({
  fromObjectTypeId: z.string(),
  toObjectTypeId: z.string(),
  name: z.string().optional(),
});

export const CUSTOM_OBJECTS_ENTERPRISE_ONLY = (c: CallerContext): CrmFailure => ({
  kind: 'tier_forbidden',
  message: `Custom objects are available only on Enterprise portals; portal ${c.portalId} is on the ${c.tier} tier.`,
});

function definition(type: ObjectType, assoc: AssociationType): Record<string, unknown> {
  return {
    id: String(assoc.typeId),
    fromObjectTypeId: assoc.fromType,
    toObjectTypeId: assoc.toType,
    name: assoc.name,
    createdAt: new Date(assoc.createdAt).toISOString(),
    updatedAt: new Date(assoc.updatedAt).toISOString(),
  };
}

/** The schema's own associations: the definitions that start at it. */
function schemaAssociations(store: PortalStore, type: ObjectType): AssociationType[] {
  return store
    .allAssociationTypes()
    .filter((t) => t.fromType === type.objectTypeId && t.category === 'USER_DEFINED' && t.label === null);
}

function typeDefinition(store: PortalStore, type: ObjectType): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: type.objectTypeId.slice(2),
    name: type.name,
    labels: type.def.labels,
    requiredProperties: type.def.requiredProperties,
    searchableProperties: type.def.searchableProperties,
    secondaryDisplayProperties: type.def.secondaryDisplayProperties,
    fullyQualifiedName: type.fullyQualifiedName,
    objectTypeId: type.objectTypeId,
    portalId: store.portalId,
    archived: type.archived,
    allowsSensitiveProperties: false,
    createdAt: new Date(type.createdAt).toISOString(),
    updatedAt: new Date(type.updatedAt).toISOString(),
  };
  if (type.def.primaryDisplayProperty !== undefined)
    out.primaryDisplayProperty = type.def.primaryDisplayProperty;
  if (type.def.description !== undefined) out.description = type.def.description;
  return out;
}

function fullSchema(store: PortalStore, type: ObjectType): Record<string, unknown> {
  return {
    ...typeDefinition(store, type),
    properties: store.listProperties(type.objectTypeId, false).map((p) => publicProperty(p, false)),
    associations: schemaAssociations(store, type).map((a) => definition(type, a)),
  };
}

/** Creates the association definition pair between two types and returns the forward one. */
function defineAssociation(
  store: PortalStore,
  from: ObjectType,
  to: ObjectType,
  name: string | undefined,
  now: number,
): AssociationType {
  const forwardId = store.nextValue('association_type', FIRST_USER_DEFINED_TYPE_ID);
  const inverseId = store.nextValue('association_type', FIRST_USER_DEFINED_TYPE_ID);
  const forward: AssociationType = {
    typeId: forwardId,
    inverseTypeId: inverseId,
    category: 'USER_DEFINED',
    fromType: from.objectTypeId,
    toType: to.objectTypeId,
    name: name ?? `${from.singular}_to_${to.singular}`,
    label: null,
    createdAt: now,
    updatedAt: now,
  };
  store.insertAssociationType(forward);
  store.insertAssociationType({
    ...forward,
    typeId: inverseId,
    inverseTypeId: forwardId,
    fromType: to.objectTypeId,
    toType: from.objectTypeId,
    name: `${to.singular}_to_${from.singular}`,
  });
  return forward;
}

function checkDisplayProperties(def: ObjectTypeDef, names: ReadonlySet<string>): CrmFailure | undefined {
  const listed = [
    ...def.requiredProperties,
    ...def.searchableProperties,
    ...def.secondaryDisplayProperties,
    ...(def.primaryDisplayProperty === undefined ? [] : [def.primaryDisplayProperty]),
  ];
  const unknown = listed.filter((n) => !names.has(n));
  return unknown.length > 0
    ? validation(`Properties named in the schema do not exist: ${[...new Set(unknown)].join(', ')}.`)
    : undefined;
}

function customType(store: PortalStore, raw: string, includeArchived = false): Outcome<ObjectType> {
  const type = findType(store, raw) ?? (includeArchived ? archivedType(store, raw) : undefined);
  if (!type || type.standard) return failure(notFound(`Unable to find object type ${raw}`));
  return success(type);
}

function archivedType(store: PortalStore, raw: string): ObjectType | undefined {
  const t = /^2-\d+$/.test(raw) ? store.getObjectType(raw) : store.findObjectTypeByName(raw.toLowerCase());
  return t?.archived ? t : undefined;
}

/** The spec's base path and the guide's: both answer the same, with the same scope and tier checks. */
export const SCHEMA_BASE_PATHS = ['/crm-object-schemas/v3/schemas', '/crm/v3/schemas'] as const;

export function schemasRouter(deps: CrmDeps): Router {
  const router = Router();
  for (const base of SCHEMA_BASE_PATHS) schemaRoutes(router, deps, base);
  return router;
}

function schemaRoutes(router: Router, deps: CrmDeps, base: string): void {
  /** Scope first (HubSpot checks the token before anything else), then the portal's tier for writes. */
  const storeFor = (_req: Request, res: Response, access: 'read' | 'write'): PortalStore | undefined => {
    const c = caller(res);
    const missing = requireSchemaScope(c, undefined, access);
    if (missing) {
      sendFailure(res, missing);
      return undefined;
    }
    if (access === 'write' && c.tier !== 'enterprise') {
      sendFailure(res, CUSTOM_OBJECTS_ENTERPRISE_ONLY(c));
      return undefined;
    }
    return new PortalStore(deps.db, c.portalId);
  };

  router.get(base, (req, res) => {
    const store = storeFor(req, res, 'read');
    if (!store) return;
    const archived = queryBool(req.query.archived);
    const results = store
      .listObjectTypes()
      .filter((t) => !t.standard && t.archived === archived)
      .map((t) => fullSchema(store, t));
    res.json({ results });
  });

  router.post(base, (req, res) => {
    const store = storeFor(req, res, 'write');
    if (!store) return;
    const input = parseBody(schemaCreateSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const now = deps.now();
    const created = inTransactionOutcome(store, () => createSchema(store, input.value, now));
    reply(res, created.ok ? success(fullSchema(store, created.value)) : created, 201);
  });

  router.post(`${base}/batch/read`, (req, res) => {
    const store = storeFor(req, res, 'read');
    if (!store) return;
    const input = parseBody(z.object({ inputs: z.array(z.string()) }), req.body);
    if (!input.ok) return sendFailure(res, input.error);
    // Unknown names are left out of the results (the spec's answer has no error list).
    const results = input.value.inputs.flatMap((raw) => {
      const type = customType(store, raw);
      return type.ok ? [fullSchema(store, type.value)] : [];
    });
    res.json({ results });
  });

  router.get(`${base}/:objectType`, (req, res) => {
    const store = storeFor(req, res, 'read');
    if (!store) return;
    const type = customType(store, String(req.params.objectType));
    reply(res, type.ok ? success(fullSchema(store, type.value)) : type);
  });

  router.patch(`${base}/:objectType`, (req, res) => {
    const store = storeFor(req, res, 'write');
    if (!store) return;
    const input = parseBody(schemaPatchSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const type = customType(store, String(req.params.objectType));
    if (!type.ok) return sendFailure(res, type.error);
    const p = input.value;
    const def: ObjectTypeDef = {
      ...type.value.def,
      labels: { ...type.value.def.labels, ...definedOnly(p.labels ?? {}) },
      requiredProperties: p.requiredProperties ?? type.value.def.requiredProperties,
      searchableProperties: p.searchableProperties ?? type.value.def.searchableProperties,
      secondaryDisplayProperties: p.secondaryDisplayProperties ?? type.value.def.secondaryDisplayProperties,
    };
    if (p.primaryDisplayProperty !== undefined) def.primaryDisplayProperty = p.primaryDisplayProperty;
    if (p.description !== undefined) def.description = p.description;
    if (p.clearDescription) delete def.description;
    const names = new Set(store.listProperties(type.value.objectTypeId, false).map((x) => x.name));
    const problem = checkDisplayProperties(def, names);
    if (problem) return sendFailure(res, problem);
    const now = deps.now();
    store.updateObjectType(type.value.objectTypeId, def, now);
    res.json(typeDefinition(store, { ...type.value, def, updatedAt: now }));
  });

  router.delete(`${base}/:objectType`, (req, res) => {
    const store = storeFor(req, res, 'write');
    if (!store) return;
    const purge = queryBool(req.query.archived);
    const type = customType(store, String(req.params.objectType), purge);
    if (!type.ok) return sendFailure(res, type.error);
    if (purge) {
      // archived=true is HubSpot's hard delete of an already archived schema (frees its name).
      if (!type.value.archived)
        return sendFailure(
          res,
          validation(`Object type ${type.value.objectTypeId} must be archived before it is purged.`),
        );
      inTransaction(deps.db, () => store.purgeObjectType(type.value.objectTypeId));
      return void res.status(204).end();
    }
    const records = store.countObjects(type.value.objectTypeId);
    if (records > 0) {
      return sendFailure(
        res,
        validation(
          `Object type ${type.value.objectTypeId} still has ${records} records; delete them before the schema.`,
        ),
      );
    }
    store.archiveObjectType(type.value.objectTypeId, deps.now());
    res.status(204).end();
  });

  router.post(`${base}/:objectType/associations`, (req, res) => {
    const store = storeFor(req, res, 'write');
    if (!store) return;
    const input = parseBody(associationEggSchema, req.body);
    if (!input.ok) return sendFailure(res, input.error);
    const type = customType(store, String(req.params.objectType));
    if (!type.ok) return sendFailure(res, type.error);
    const from = findType(store, input.value.fromObjectTypeId);
    const to = findType(store, input.value.toObjectTypeId);
    if (!from || !to)
      return sendFailure(
        res,
        validation('fromObjectTypeId and toObjectTypeId must name existing object types.'),
      );
    if (from.objectTypeId !== type.value.objectTypeId) {
      return sendFailure(
        res,
        validation(`fromObjectTypeId must be ${type.value.objectTypeId}, the schema in the path.`),
      );
    }
    if (input.value.name !== undefined && !/^[a-z0-9_]+$/i.test(input.value.name)) {
      return sendFailure(
        res,
        validation('Association name may contain only letters, digits and underscores.'),
      );
    }
    const existing = schemaAssociations(store, from).find(
      (a) => a.toType === to.objectTypeId && (input.value.name === undefined || a.name === input.value.name),
    );
    if (existing && input.value.name === undefined)
      return sendFailure(
        res,
        alreadyExists(`An association from ${from.objectTypeId} to ${to.objectTypeId} already exists.`),
      );
    const now = deps.now();
    const created = inTransaction(deps.db, () => defineAssociation(store, from, to, input.value.name, now));
    res.status(201).json(definition(type.value, created));
  });

  router.delete(`${base}/:objectType/associations/:associationIdentifier`, (req, res) => {
    const store = storeFor(req, res, 'write');
    if (!store) return;
    const type = customType(store, String(req.params.objectType));
    if (!type.ok) return sendFailure(res, type.error);
    const id = Number(req.params.associationIdentifier);
    const assoc = store.associationType(id);
    if (
      !assoc ||
      assoc.category !== 'USER_DEFINED' ||
      (assoc.fromType !== type.value.objectTypeId && assoc.toType !== type.value.objectTypeId)
    ) {
      return sendFailure(
        res,
        notFound(`Unable to find association ${String(req.params.associationIdentifier)}`),
      );
    }
    inTransaction(deps.db, () => {
      store.deleteAssociationType(assoc.inverseTypeId);
      store.deleteAssociationType(assoc.typeId);
    });
    res.status(204).end();
  });
}

function definedOnly(labels: {
  singular?: string | undefined;
  plural?: string | undefined;
}): Partial<{ singular: string; plural: string }> {
  const out: Partial<{ singular: string; plural: string }> = {};
  if (labels.singular !== undefined) out.singular = labels.singular;
  if (labels.plural !== undefined) out.plural = labels.plural;
  return out;
}

function inTransactionOutcome<T>(store: PortalStore, fn: () => Outcome<T>): Outcome<T> {
  const rollback = new Error('rollback');
  let result: Outcome<T> | undefined;
  try {
    inTransaction(store.db, () => {
      result = fn();
      if (!result.ok) throw rollback;
    });
  } catch (error) {
    // Our own signal to undo a half-created schema; anything else is a bug and propagates.
    if (error !== rollback) throw error;
  }
  if (!result) throw new Error('sandbox crm: transaction produced no result');
  return result;
}

function createSchema(
  store: PortalStore,
  input: z.infer<typeof schemaCreateSchema>,
  now: number,
): Outcome<ObjectType> {
  const nameProblem = checkName('Object', input.name);
  if (nameProblem) return failure(nameProblem);
  if (STANDARD_OBJECTS.some((o) => o.name === input.name || o.singular === input.name)) {
    return failure(validation(`"${input.name}" is the name of a HubSpot standard object.`));
  }
  if (store.findObjectTypeByName(input.name))
    return failure(alreadyExists(`Object type with name ${input.name} already exists.`));
  const live = store.listObjectTypes().filter((t) => !t.standard && !t.archived).length;
  if (live >= ENTERPRISE_CUSTOM_OBJECT_LIMIT) {
    return failure(
      validation(`This portal already has ${live} custom object types, the limit of its subscription.`),
    );
  }
  const names = new Set<string>(CUSTOM_OBJECT_PROPERTIES.map((p) => p.name));
  for (const p of input.properties) {
    if (names.has(p.name))
      return failure(validation(`Property ${p.name} appears more than once or is reserved.`));
    names.add(p.name);
  }
  const def: ObjectTypeDef = {
    labels: input.labels,
    requiredProperties: input.requiredProperties,
    searchableProperties: input.searchableProperties,
    secondaryDisplayProperties: input.secondaryDisplayProperties,
  };
  if (input.primaryDisplayProperty !== undefined) def.primaryDisplayProperty = input.primaryDisplayProperty;
  if (input.description !== undefined) def.description = input.description;
  const displayProblem = checkDisplayProperties(def, names);
  if (displayProblem) return failure(displayProblem);
  const associated: ObjectType[] = [];
  for (const raw of input.associatedObjects) {
    const t = findType(store, raw);
    if (!t) return failure({ kind: 'unknown_object_type', objectType: raw });
    associated.push(t);
  }

  const n = store.nextGlobalValue('custom_object_type', FIRST_CUSTOM_OBJECT_TYPE_NUMBER);
  const type: ObjectType = {
    objectTypeId: `2-${n}`,
    name: input.name,
    singular: input.name,
    fullyQualifiedName: `p${store.portalId}_${input.name}`,
    standard: false,
    def,
    archived: false,
    createdAt: now,
    updatedAt: now,
  };
  store.insertObjectType(type);
  const group = `${input.name}_information`;
  store.upsertGroup(type.objectTypeId, {
    name: group,
    label: `${input.labels.singular} information`,
    displayOrder: 0,
  });
  CUSTOM_OBJECT_PROPERTIES.forEach((seed, i) =>
    store.putProperty(type.objectTypeId, propertyFromSeed(seed, group, i, now, true)),
  );
  const info = typeInfo(type);
  for (const p of input.properties) {
    const prop = newProperty(store, info, p, now, group);
    if (!prop.ok) return prop;
    store.putProperty(type.objectTypeId, prop.value);
  }
  for (const other of associated) defineAssociation(store, type, other, undefined, now);
  return success(type);
}
