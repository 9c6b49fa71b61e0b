/**
 * Association rules shared by the objects and associations APIs. An association is stored once per
 * direction, each with the type id of that direction. As in HubSpot: every labelled association also
 * carries the pair's default (unlabelled) type; a record has at most one "Primary" company; removing the
 * default type removes the whole association.
 */
import {
  failure,
  success,
  validation,
  type AssociationType,
  type CrmFailure,
  type Outcome,
} from './model.js';
import { PRIMARY_TYPE_IDS } from './standard.js';
import type { PortalStore } from './store.js';

/** The unlabelled type of a pair: HubSpot's own first, else the one a custom object schema defined. */
export function defaultType(
  store: PortalStore,
  fromType: string,
  toType: string,
): AssociationType | undefined {
  const types = store.associationTypes(fromType, toType).filter((t) => t.label === null);
  return types.find((t) => t.category === 'HUBSPOT_DEFINED') ?? types[0];
}

/** Checks that `typeId` exists and goes from `fromType` to `toType`. */
export function checkType(
  store: PortalStore,
  fromType: string,
  toType: string,
  typeId: number,
): Outcome<AssociationType> {
  const t = store.associationType(typeId);
  if (!t || t.fromType !== fromType || t.toType !== toType) {
    return failure(validation(`${typeId} is not a valid association type id from ${fromType} to ${toType}.`));
  }
  return success(t);
}

export function associate(store: PortalStore, type: AssociationType, fromId: number, toId: number): void {
  if (PRIMARY_TYPE_IDS.has(type.typeId)) {
    // A record has one primary: the old primary loses the label but stays associated.
    for (const [otherId, typeIds] of store.associationsOf(type.fromType, fromId, type.toType)) {
      if (otherId !== toId && typeIds.includes(type.typeId)) {
        store.removeAssociation(type.fromType, fromId, type.toType, otherId, type.typeId);
        store.removeAssociation(type.toType, otherId, type.fromType, fromId, type.inverseTypeId);
      }
    }
  }
  store.addAssociation(type.fromType, fromId, type.toType, toId, type.typeId);
  store.addAssociation(type.toType, toId, type.fromType, fromId, type.inverseTypeId);
  if (type.label !== null) {
    const unlabeled = defaultType(store, type.fromType, type.toType);
    if (unlabeled) {
      store.addAssociation(type.fromType, fromId, type.toType, toId, unlabeled.typeId);
      store.addAssociation(type.toType, toId, type.fromType, fromId, unlabeled.inverseTypeId);
    }
  }
}

/** Removes one label, or (no type, or the default type) the whole association, in both directions. */
export function unassociate(
  store: PortalStore,
  fromType: string,
  fromId: number,
  toType: string,
  toId: number,
  type?: AssociationType,
): void {
  if (type && type.label !== null) {
    store.removeAssociation(fromType, fromId, toType, toId, type.typeId);
    store.removeAssociation(toType, toId, fromType, fromId, type.inverseTypeId);
    return;
  }
  store.removeAssociation(fromType, fromId, toType, toId);
  store.removeAssociation(toType, toId, fromType, fromId);
}

export interface AssociationSpecWithLabel {
  category: string;
  typeId: number;
  label: string | null;
}

export function specs(store: PortalStore, typeIds: readonly number[]): AssociationSpecWithLabel[] {
  return typeIds.flatMap((id) => {
    const t = store.associationType(id);
    return t ? [{ category: t.category, typeId: t.typeId, label: t.label }] : [];
  });
}

export function objectMissing(typeName: string, id: string): CrmFailure {
  return { kind: 'validation', message: `${typeName} ${id} does not exist or is archived.` };
}
