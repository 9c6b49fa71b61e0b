/**
 * Resolving the `objectType` of a path the way HubSpot does: a standard object's name (`deals`, `deal`),
 * an object type id (`0-3`, `2-1000001`), a custom object's fully qualified name (`p123_map_milestone`) or
 * its short alias (`p_map_milestone`). Anything else is "Unable to infer object type".
 */
import type { CallerContext } from '../context.js';
import { failure, success, type CrmFailure, type ObjectType, type Outcome } from './model.js';
import { CUSTOM_OBJECT_DEFAULTS, standardObject, STANDARD_OBJECTS } from './standard.js';
import type { PortalStore } from './store.js';

export interface TypeInfo {
  readonly type: ObjectType;
  readonly defaultProperties: readonly string[];
  readonly alwaysProperties: readonly string[];
  readonly createdateProperty: string;
  readonly lastModifiedProperties: readonly string[];
  /** Upper-case singular, as HubSpot names a type in messages (`DEAL`, `MAP_MILESTONE`). */
  readonly messageName: string;
}

export function typeInfo(type: ObjectType): TypeInfo {
  const standard = standardObject(type.objectTypeId);
  const base = standard ?? CUSTOM_OBJECT_DEFAULTS;
  return {
    type,
    defaultProperties: base.defaultProperties,
    alwaysProperties: base.alwaysProperties,
    createdateProperty: base.createdateProperty,
    lastModifiedProperties: base.lastModifiedProperties,
    messageName: type.singular.toUpperCase(),
  };
}

/** Finds a live object type by any name HubSpot accepts for it. */
export function findType(store: PortalStore, raw: string): ObjectType | undefined {
  const key = raw.trim();
  const lower = key.toLowerCase();
  const standard = STANDARD_OBJECTS.find(
    (o) => o.name === lower || o.singular === lower || o.objectTypeId === lower,
  );
  let found: ObjectType | undefined;
  if (standard) found = store.getObjectType(standard.objectTypeId);
  else if (/^2-\d+$/.test(key)) found = store.getObjectType(key);
  else if (/^p_[a-z]/.test(lower)) found = store.findObjectTypeByName(lower.slice(2));
  else if (/^p\d+_[a-z]/.test(lower)) {
    const candidate = store.findObjectTypeByName(lower);
    found = candidate && candidate.fullyQualifiedName === lower ? candidate : undefined;
  }
  return found && !found.archived ? found : undefined;
}

export function resolveType(store: PortalStore, raw: string): Outcome<TypeInfo> {
  const type = findType(store, raw);
  return type ? success(typeInfo(type)) : failure({ kind: 'unknown_object_type', objectType: raw });
}

/**
 * Scope check for records of a type: custom objects need `crm.objects.custom.*` (an optional scope of the
 * app, since only Enterprise portals have custom objects). Standard objects' scopes are not checked here.
 */
export function requireObjectScope(
  caller: CallerContext,
  info: TypeInfo,
  access: 'read' | 'write',
): CrmFailure | undefined {
  if (info.type.standard) return undefined;
  const scope = `crm.objects.custom.${access}`;
  if (caller.scopes.has(scope)) return undefined;
  return { kind: 'missing_scopes', requiredScopes: [scope] };
}
