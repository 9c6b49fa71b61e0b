/**
 * CRM records: how they are written (validation, unique values, system properties) and how they are shown
 * (HubSpot's SimplePublicObject: every value a string or null, only the properties asked for).
 */
import { z } from 'zod';
import {
  conflict,
  failure,
  notFound,
  success,
  validation,
  type CrmRecord,
  type Outcome,
  type PropertyDef,
  type PropertyProblem,
} from './model.js';
import type { TypeInfo } from './object-types.js';
import {
  CONTACTS,
  DEALS,
  FIRST_OBJECT_ID,
  implicitlyUniqueProperties,
  TASK_COMPLETED,
  TASKS,
} from './standard.js';
import type { PortalStore } from './store.js';
import { checkEmail, checkValue } from './values.js';

/** Incoming values: HubSpot documents strings, and also accepts JSON numbers, booleans and null. */
export const propertyValuesSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);
export type PropertyValuesInput = z.infer<typeof propertyValuesSchema>;

export interface PublicObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  associations?: Record<string, { results: { id: string; type: string }[] }>;
}

/**
 * The properties a read returns: the type's defaults when none are asked for; otherwise the ones asked for
 * that exist, plus those HubSpot always returns. Unknown names are ignored, as HubSpot does.
 */
export function propertiesToShow(
  info: TypeInfo,
  props: ReadonlyMap<string, PropertyDef>,
  requested: readonly string[],
): string[] {
  if (requested.length === 0) return [...info.defaultProperties];
  const names = new Set<string>(info.alwaysProperties);
  for (const name of requested) if (props.has(name)) names.add(name);
  return [...names];
}

export function toPublic(record: CrmRecord, show: readonly string[]): PublicObject {
  const properties: Record<string, string | null> = {};
  for (const name of show) properties[name] = record.properties[name] ?? null;
  const out: PublicObject = {
    id: String(record.id),
    properties,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    archived: record.archived,
  };
  if (record.archivedAt !== null) out.archivedAt = new Date(record.archivedAt).toISOString();
  return out;
}

/** Names of the properties whose values are unique in this type (hasUniqueValue, and contacts' email). */
export function uniqueProperties(info: TypeInfo, props: ReadonlyMap<string, PropertyDef>): Set<string> {
  const names = new Set(implicitlyUniqueProperties(info.type.objectTypeId));
  for (const p of props.values()) if (p.hasUniqueValue) names.add(p.name);
  return names;
}

/** Parses a path or input id: HubSpot record ids are numeric. */
export function parseId(raw: string): number | undefined {
  if (!/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

export const objectNotFound = (id: string): Outcome<never> =>
  failure(notFound('Object not found.  objectId are usually numeric.', { id: [id] }));

/**
 * Validates and applies writes for one object type. One writer serves a whole batch, so that two inputs of
 * the same batch cannot claim the same unique value.
 */
export class RecordWriter {
  readonly props: Map<string, PropertyDef>;
  readonly unique: Set<string>;
  private readonly claimed = new Map<string, number | 'pending'>();
  /** Ids of the records this writer inserted (a batch's earlier inputs). */
  readonly insertedIds: number[] = [];
  /** True while writing a batch that is undone as a whole when one input fails. */
  atomic = false;

  constructor(
    readonly store: PortalStore,
    readonly info: TypeInfo,
    readonly now: number,
  ) {
    this.props = store.propertyMap(info.type.objectTypeId);
    this.unique = uniqueProperties(info, this.props);
  }

  /** Checks the values; returns the record's new values (merged over `existing`) or the failure. */
  prepare(input: PropertyValuesInput, existing?: CrmRecord): Outcome<Record<string, string>> {
    const problems: PropertyProblem[] = [];
    const values: Record<string, string> = existing ? { ...existing.properties } : {};
    const ctx = { ownerExists: (id: number): boolean => this.store.getOwner(id)?.archived === false };
    for (const [name, raw] of Object.entries(input)) {
      const def = this.props.get(name);
      if (!def) {
        problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
        continue;
      }
      if (def.readOnlyValue || def.calculated) {
        problems.push({ name, error: 'READ_ONLY_VALUE', message: `Property "${name}" is read-only` });
        continue;
      }
      const text = raw === null ? '' : String(raw);
      const checked =
        this.info.type.objectTypeId === CONTACTS.objectTypeId && name === 'email' && text !== ''
          ? checkEmail(name, text)
          : checkValue(def, text, ctx);
      if (!checked.ok) {
        problems.push(checked.problem);
        continue;
      }
      if (checked.value === undefined) delete values[name];
      else values[name] = checked.value;
    }
    if (problems.length > 0) return failure(validation('Property values were not valid', problems));
    if (!existing) {
      const missing = this.info.type.def.requiredProperties.filter((name) => values[name] === undefined);
      if (missing.length > 0) {
        return failure(
          validation(
            'Property values were not valid',
            missing.map((name) => ({
              name,
              error: 'REQUIRED_PROPERTY',
              message: `Property "${name}" is required`,
            })),
          ),
        );
      }
    }
    const clash = this.checkUnique(values, existing?.id);
    return clash ? failure(clash) : success(values);
  }

  private checkUnique(
    values: Record<string, string>,
    ownId: number | undefined,
  ): ReturnType<typeof conflict> | undefined {
    const keys: string[] = [];
    for (const name of this.unique) {
      const value = values[name];
      if (value === undefined) continue;
      const key = `${name}\u0000${this.uniqueKey(name, value)}`;
      const holder = this.holderOf(name, value);
      const claimedBy = this.claimed.get(key);
      if ((holder !== undefined && holder !== ownId) || (claimedBy !== undefined && claimedBy !== ownId)) {
        const existingId = holder ?? claimedBy;
        // In a batch that is undone as a whole, a record written by an earlier input will not exist: naming
        // its id would send the client looking for a record that never was.
        if (
          existingId === 'pending' ||
          (this.atomic && typeof existingId === 'number' && this.insertedIds.includes(existingId))
        ) {
          return conflict(
            `Duplicate value for ${name} in batch input: "${value}". Unique values must be unique within a batch.`,
          );
        }
        if (this.info.type.objectTypeId === '0-1' && name === 'email') {
          return conflict(`Contact already exists. Existing ID: ${String(existingId)}`);
        }
        return conflict(
          `A ${this.info.type.def.labels.singular} with ${name} "${value}" already exists. Existing ID: ${String(existingId)}`,
        );
      }
      keys.push(key);
    }
    // Claimed only once every value passed, so that a refused input leaves no claim behind.
    for (const key of keys) this.claimed.set(key, ownId ?? 'pending');
    return undefined;
  }

  /** Email addresses are unique regardless of case, as in HubSpot; other unique values are exact. */
  private uniqueKey(name: string, value: string): string {
    return this.info.type.objectTypeId === '0-1' && name === 'email' ? value.toLowerCase() : value;
  }

  /** The record holding a unique value, if any. */
  holderOf(name: string, value: string): number | undefined {
    return this.store.findByUniqueValue(this.info.type.objectTypeId, name, this.uniqueKey(name, value));
  }

  /** Writes a new record with checked values (from `prepare`). */
  insert(values: Record<string, string>): CrmRecord {
    const id = this.store.nextGlobalValue('object', FIRST_OBJECT_ID);
    const at = new Date(this.now).toISOString();
    const properties: Record<string, string> = { ...values, hs_object_id: String(id) };
    properties[this.info.createdateProperty] ??= at;
    for (const name of this.info.lastModifiedProperties) properties[name] = at;
    if (this.info.type.objectTypeId === DEALS.objectTypeId) properties.pipeline ??= 'default';
    this.stampTaskCompletion(undefined, properties, at);
    // createdAt follows an explicitly written create date (imports set it), as HubSpot's does.
    const createdAt = Date.parse(properties[this.info.createdateProperty] ?? at);
    const record: CrmRecord = {
      id,
      properties,
      createdAt,
      updatedAt: this.now,
      archived: false,
      archivedAt: null,
    };
    this.store.insertObject(this.info.type.objectTypeId, record);
    this.insertedIds.push(id);
    this.syncUnique(record);
    return record;
  }

  /** Writes checked values (from `prepare`) over an existing record. */
  update(existing: CrmRecord, values: Record<string, string>): CrmRecord {
    const at = new Date(this.now).toISOString();
    const properties: Record<string, string> = { ...values };
    for (const name of this.info.lastModifiedProperties) properties[name] = at;
    this.stampTaskCompletion(existing.properties, properties, at);
    this.store.updateObject(this.info.type.objectTypeId, existing.id, properties, this.now);
    const record: CrmRecord = { ...existing, properties, updatedAt: this.now };
    this.syncUnique(record);
    return record;
  }

  /**
   * A task's `hs_task_completion_date` (read-only) is HubSpot's: stamped when its status becomes COMPLETED,
   * cleared when it leaves it.
   */
  private stampTaskCompletion(
    before: Readonly<Record<string, string>> | undefined,
    properties: Record<string, string>,
    at: string,
  ): void {
    if (this.info.type.objectTypeId !== TASKS.objectTypeId) return;
    const done = properties.hs_task_status === TASK_COMPLETED;
    if (!done) delete properties.hs_task_completion_date;
    else if (before?.hs_task_status !== TASK_COMPLETED) properties.hs_task_completion_date = at;
  }

  private syncUnique(record: CrmRecord): void {
    for (const name of this.unique) {
      const value = record.properties[name];
      this.store.setUniqueValue(
        this.info.type.objectTypeId,
        name,
        value === undefined ? undefined : this.uniqueKey(name, value),
        record.id,
      );
    }
  }

  /** Properties shown in a write's response: those written plus HubSpot's always-returned ones. */
  shownAfterWrite(input: PropertyValuesInput): string[] {
    const names = new Set<string>(this.info.alwaysProperties);
    for (const name of Object.keys(input)) names.add(name);
    return [...names];
  }

  /** Finds a live record by id or by a unique property (`idProperty`). */
  find(id: string, idProperty: string | undefined, includeArchived = false): Outcome<CrmRecord> {
    let numericId: number | undefined;
    if (idProperty && idProperty !== 'hs_object_id') {
      if (!this.unique.has(idProperty)) {
        return failure(
          validation(`${idProperty} is not a unique identifier property of ${this.info.type.name}.`),
        );
      }
      numericId = this.holderOf(idProperty, id);
    } else {
      numericId = parseId(id);
    }
    const record =
      numericId === undefined ? undefined : this.store.getObject(this.info.type.objectTypeId, numericId);
    if (!record || (record.archived && !includeArchived)) return objectNotFound(id);
    return success(record);
  }
}
