/**
 * Data access for one portal's CRM. Every statement filters on the portal id the store was built with;
 * nothing here decides HubSpot behaviour (that is the services' job), it only reads and writes rows.
 */
import type { StatementSync } from 'node:sqlite';
import type { SandboxDb } from '../db.js';
import {
  objectTypeDefSchema,
  propertyDefSchema,
  type AssociationCategory,
  type AssociationType,
  type CrmRecord,
  type ObjectType,
  type ObjectTypeDef,
  type Owner,
  type PropertyDef,
} from './model.js';
import { indexPortalNow, noteWrite } from './search-index.js';
import { standardObject } from './standard.js';

type Row = Record<string, unknown>;

const statements = new WeakMap<SandboxDb, Map<string, StatementSync>>();

function stmt(db: SandboxDb, sql: string): StatementSync {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}

function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new Error(`sandbox crm: expected a number column, got ${typeof value}`);
}

function str(value: unknown): string {
  if (typeof value === 'string') return value;
  throw new Error(`sandbox crm: expected a text column, got ${typeof value}`);
}

/** Property values are our own JSON documents; still check their shape rather than cast them. */
function parseValues(json: string): Record<string, string> {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('sandbox crm: stored property values are not an object');
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`sandbox crm: stored value of ${key} is not a string`);
    out[key] = value;
  }
  return out;
}

const teamsSchema = (raw: string): Owner['teams'] => {
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new Error('sandbox crm: stored owner teams are not a list');
  return parsed.map((t: unknown) => {
    if (typeof t !== 'object' || t === null) throw new Error('sandbox crm: stored team is not an object');
    const { id, name, primary } = t as Record<string, unknown>;
    if (typeof id !== 'string' || typeof name !== 'string' || typeof primary !== 'boolean') {
      throw new Error('sandbox crm: stored team is malformed');
    }
    return { id, name, primary };
  });
};

/** Sandbox-wide counters live under this portal id, which no real portal has. */
const GLOBAL_SEQUENCE_PORTAL = 0;

export class PortalStore {
  constructor(
    readonly db: SandboxDb,
    readonly portalId: number,
  ) {}

  /** Next value of a per-portal counter (association type ids). */
  nextValue(name: string, start: number): number {
    return this.next(this.portalId, name, start);
  }

  /**
   * Next value of a sandbox-wide counter: record ids and custom object type ids are unique across portals,
   * as HubSpot's are, so an id from one portal never names a record of another.
   */
  nextGlobalValue(name: string, start: number): number {
    return this.next(GLOBAL_SEQUENCE_PORTAL, name, start);
  }

  private next(portalId: number, name: string, start: number): number {
    const row = stmt(
      this.db,
      `INSERT INTO crm_sequences (portal_id, name, next_value) VALUES (?, ?, ?)
       ON CONFLICT (portal_id, name) DO UPDATE SET next_value = next_value + 1
       RETURNING next_value`,
    ).get(portalId, name, start);
    if (!row) throw new Error('sandbox crm: sequence did not return a value');
    return num(row.next_value);
  }

  // Object types ---------------------------------------------------------------------------------------

  private toObjectType(row: Row): ObjectType {
    const objectTypeId = str(row.object_type_id);
    const name = str(row.name);
    const standard = standardObject(objectTypeId);
    return {
      objectTypeId,
      name,
      singular: standard ? standard.singular : name,
      fullyQualifiedName: str(row.fully_qualified_name),
      standard: num(row.standard) === 1,
      def: objectTypeDefSchema.parse(JSON.parse(str(row.definition))),
      archived: num(row.archived) === 1,
      createdAt: num(row.created_at),
      updatedAt: num(row.updated_at),
    };
  }

  listObjectTypes(): ObjectType[] {
    return stmt(
      this.db,
      'SELECT * FROM crm_object_types WHERE portal_id = ? ORDER BY created_at, object_type_id',
    )
      .all(this.portalId)
      .map((r) => this.toObjectType(r));
  }

  getObjectType(objectTypeId: string): ObjectType | undefined {
    const row = stmt(
      this.db,
      'SELECT * FROM crm_object_types WHERE portal_id = ? AND object_type_id = ?',
    ).get(this.portalId, objectTypeId);
    return row ? this.toObjectType(row) : undefined;
  }

  findObjectTypeByName(name: string): ObjectType | undefined {
    const row = stmt(
      this.db,
      'SELECT * FROM crm_object_types WHERE portal_id = ? AND (name = ? OR fully_qualified_name = ?)',
    ).get(this.portalId, name, name);
    return row ? this.toObjectType(row) : undefined;
  }

  insertObjectType(type: Omit<ObjectType, 'singular'>): void {
    stmt(
      this.db,
      `INSERT INTO crm_object_types (portal_id, object_type_id, name, fully_qualified_name, standard, definition,
         archived, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(
      this.portalId,
      type.objectTypeId,
      type.name,
      type.fullyQualifiedName,
      type.standard ? 1 : 0,
      JSON.stringify(type.def),
      type.archived ? 1 : 0,
      type.createdAt,
      type.updatedAt,
    );
  }

  updateObjectType(objectTypeId: string, def: ObjectTypeDef, updatedAt: number): void {
    stmt(
      this.db,
      'UPDATE crm_object_types SET definition = ?, updated_at = ? WHERE portal_id = ? AND object_type_id = ?',
    ).run(JSON.stringify(def), updatedAt, this.portalId, objectTypeId);
  }

  archiveObjectType(objectTypeId: string, at: number): void {
    stmt(
      this.db,
      'UPDATE crm_object_types SET archived = 1, updated_at = ? WHERE portal_id = ? AND object_type_id = ?',
    ).run(at, this.portalId, objectTypeId);
  }

  /** Hard delete of an archived type (HubSpot's purge), so that its name can be used again. */
  purgeObjectType(objectTypeId: string): void {
    for (const table of ['crm_objects', 'crm_properties', 'crm_property_groups', 'crm_unique_values']) {
      stmt(this.db, `DELETE FROM ${table} WHERE portal_id = ? AND object_type_id = ?`).run(
        this.portalId,
        objectTypeId,
      );
    }
    stmt(this.db, 'DELETE FROM crm_associations WHERE portal_id = ? AND (from_type = ? OR to_type = ?)').run(
      this.portalId,
      objectTypeId,
      objectTypeId,
    );
    stmt(
      this.db,
      'DELETE FROM crm_association_types WHERE portal_id = ? AND (from_type = ? OR to_type = ?)',
    ).run(this.portalId, objectTypeId, objectTypeId);
    stmt(this.db, 'DELETE FROM crm_object_types WHERE portal_id = ? AND object_type_id = ?').run(
      this.portalId,
      objectTypeId,
    );
  }

  countObjects(objectTypeId: string): number {
    const row = stmt(
      this.db,
      'SELECT COUNT(*) AS n FROM crm_objects WHERE portal_id = ? AND object_type_id = ? AND archived = 0',
    ).get(this.portalId, objectTypeId);
    return row ? num(row.n) : 0;
  }

  // Property groups ------------------------------------------------------------------------------------

  listGroups(
    objectTypeId: string,
  ): { name: string; label: string; displayOrder: number; archived: boolean }[] {
    return stmt(
      this.db,
      'SELECT * FROM crm_property_groups WHERE portal_id = ? AND object_type_id = ? AND archived = 0 ORDER BY display_order, name',
    )
      .all(this.portalId, objectTypeId)
      .map((r) => ({
        name: str(r.name),
        label: str(r.label),
        displayOrder: num(r.display_order),
        archived: false,
      }));
  }

  getGroup(
    objectTypeId: string,
    name: string,
  ): { name: string; label: string; displayOrder: number; archived: boolean } | undefined {
    const r = stmt(
      this.db,
      'SELECT * FROM crm_property_groups WHERE portal_id = ? AND object_type_id = ? AND name = ?',
    ).get(this.portalId, objectTypeId, name);
    return r
      ? {
          name: str(r.name),
          label: str(r.label),
          displayOrder: num(r.display_order),
          archived: num(r.archived) === 1,
        }
      : undefined;
  }

  upsertGroup(objectTypeId: string, group: { name: string; label: string; displayOrder: number }): void {
    stmt(
      this.db,
      `INSERT INTO crm_property_groups (portal_id, object_type_id, name, label, display_order, archived) VALUES (?, ?, ?, ?, ?, 0)
       ON CONFLICT (portal_id, object_type_id, name) DO UPDATE SET label = excluded.label, display_order = excluded.display_order, archived = 0`,
    ).run(this.portalId, objectTypeId, group.name, group.label, group.displayOrder);
  }

  archiveGroup(objectTypeId: string, name: string): void {
    stmt(
      this.db,
      'UPDATE crm_property_groups SET archived = 1 WHERE portal_id = ? AND object_type_id = ? AND name = ?',
    ).run(this.portalId, objectTypeId, name);
  }

  // Properties -----------------------------------------------------------------------------------------

  listProperties(objectTypeId: string, archived: boolean): PropertyDef[] {
    return stmt(
      this.db,
      'SELECT definition FROM crm_properties WHERE portal_id = ? AND object_type_id = ? AND archived = ? ORDER BY rowid',
    )
      .all(this.portalId, objectTypeId, archived ? 1 : 0)
      .map((r) => propertyDefSchema.parse(JSON.parse(str(r.definition))));
  }

  /** The live (not archived) properties of a type, by name. */
  propertyMap(objectTypeId: string): Map<string, PropertyDef> {
    return new Map(this.listProperties(objectTypeId, false).map((p) => [p.name, p]));
  }

  getProperty(objectTypeId: string, name: string): { def: PropertyDef; archived: boolean } | undefined {
    const r = stmt(
      this.db,
      'SELECT definition, archived FROM crm_properties WHERE portal_id = ? AND object_type_id = ? AND name = ?',
    ).get(this.portalId, objectTypeId, name);
    return r
      ? { def: propertyDefSchema.parse(JSON.parse(str(r.definition))), archived: num(r.archived) === 1 }
      : undefined;
  }

  /** Inserts a property, or replaces an archived one of the same name (HubSpot lets a name be reused). */
  putProperty(objectTypeId: string, def: PropertyDef, archived = false): void {
    stmt(
      this.db,
      `INSERT INTO crm_properties (portal_id, object_type_id, name, definition, archived) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (portal_id, object_type_id, name) DO UPDATE SET definition = excluded.definition, archived = excluded.archived`,
    ).run(this.portalId, objectTypeId, def.name, JSON.stringify(def), archived ? 1 : 0);
  }

  // Objects --------------------------------------------------------------------------------------------

  private toRecord(r: Row): CrmRecord {
    return {
      id: num(r.id),
      properties: parseValues(str(r.properties)),
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
      archived: num(r.archived) === 1,
      archivedAt: r.archived_at === null || r.archived_at === undefined ? null : num(r.archived_at),
    };
  }

  getObject(objectTypeId: string, id: number): CrmRecord | undefined {
    const r = stmt(
      this.db,
      'SELECT * FROM crm_objects WHERE portal_id = ? AND object_type_id = ? AND id = ?',
    ).get(this.portalId, objectTypeId, id);
    return r ? this.toRecord(r) : undefined;
  }

  /** Records by id in one query (ids in any order; missing ids are simply absent). */
  getObjects(objectTypeId: string, ids: readonly number[]): Map<number, CrmRecord> {
    const out = new Map<number, CrmRecord>();
    if (ids.length === 0) return out;
    const rows = stmt(
      this.db,
      'SELECT * FROM crm_objects WHERE portal_id = ? AND object_type_id = ? AND id IN (SELECT value FROM json_each(?))',
    ).all(this.portalId, objectTypeId, JSON.stringify([...new Set(ids)]));
    for (const r of rows) {
      const rec = this.toRecord(r);
      out.set(rec.id, rec);
    }
    return out;
  }

  /** One page of records in id order, after the given id. */
  listObjects(objectTypeId: string, archived: boolean, afterId: number, limit: number): CrmRecord[] {
    return stmt(
      this.db,
      'SELECT * FROM crm_objects WHERE portal_id = ? AND object_type_id = ? AND archived = ? AND id > ? ORDER BY id LIMIT ?',
    )
      .all(this.portalId, objectTypeId, archived ? 1 : 0, afterId, limit)
      .map((r) => this.toRecord(r));
  }

  allLiveObjects(objectTypeId: string): CrmRecord[] {
    return stmt(
      this.db,
      'SELECT * FROM crm_objects WHERE portal_id = ? AND object_type_id = ? AND archived = 0 ORDER BY id',
    )
      .all(this.portalId, objectTypeId)
      .map((r) => this.toRecord(r));
  }

  insertObject(objectTypeId: string, record: CrmRecord): void {
    noteWrite(this.db, this.portalId, objectTypeId, record.id, null, record.updatedAt);
    stmt(
      this.db,
      `INSERT INTO crm_objects (portal_id, object_type_id, id, properties, created_at, updated_at, archived, archived_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, NULL)`,
    ).run(
      this.portalId,
      objectTypeId,
      record.id,
      JSON.stringify(record.properties),
      record.createdAt,
      record.updatedAt,
    );
  }

  updateObject(
    objectTypeId: string,
    id: number,
    properties: Record<string, string>,
    updatedAt: number,
  ): void {
    const before = this.getObject(objectTypeId, id);
    noteWrite(
      this.db,
      this.portalId,
      objectTypeId,
      id,
      before && !before.archived ? before : null,
      updatedAt,
    );
    stmt(
      this.db,
      'UPDATE crm_objects SET properties = ?, updated_at = ? WHERE portal_id = ? AND object_type_id = ? AND id = ?',
    ).run(JSON.stringify(properties), updatedAt, this.portalId, objectTypeId, id);
  }

  archiveObject(objectTypeId: string, id: number, at: number): void {
    const before = this.getObject(objectTypeId, id);
    noteWrite(this.db, this.portalId, objectTypeId, id, before && !before.archived ? before : null, at);
    stmt(
      this.db,
      'UPDATE crm_objects SET archived = 1, archived_at = ?, updated_at = ? WHERE portal_id = ? AND object_type_id = ? AND id = ?',
    ).run(at, at, this.portalId, objectTypeId, id);
    // An archived record gives up its unique values (HubSpot lets a new record take them).
    stmt(
      this.db,
      'DELETE FROM crm_unique_values WHERE portal_id = ? AND object_type_id = ? AND object_id = ?',
    ).run(this.portalId, objectTypeId, id);
  }

  // Unique values --------------------------------------------------------------------------------------

  findByUniqueValue(objectTypeId: string, property: string, value: string): number | undefined {
    const r = stmt(
      this.db,
      'SELECT object_id FROM crm_unique_values WHERE portal_id = ? AND object_type_id = ? AND property = ? AND value = ?',
    ).get(this.portalId, objectTypeId, property, value);
    return r ? num(r.object_id) : undefined;
  }

  setUniqueValue(objectTypeId: string, property: string, value: string | undefined, objectId: number): void {
    stmt(
      this.db,
      'DELETE FROM crm_unique_values WHERE portal_id = ? AND object_type_id = ? AND property = ? AND object_id = ?',
    ).run(this.portalId, objectTypeId, property, objectId);
    if (value === undefined) return;
    stmt(
      this.db,
      'INSERT INTO crm_unique_values (portal_id, object_type_id, property, value, object_id) VALUES (?, ?, ?, ?, ?)',
    ).run(this.portalId, objectTypeId, property, value, objectId);
  }

  // Association types ----------------------------------------------------------------------------------

  private toAssociationType(r: Row): AssociationType {
    const category = str(r.category);
    if (category !== 'HUBSPOT_DEFINED' && category !== 'USER_DEFINED') {
      throw new Error(`sandbox crm: unknown association category ${category}`);
    }
    return {
      typeId: num(r.type_id),
      category: category satisfies AssociationCategory,
      fromType: str(r.from_type),
      toType: str(r.to_type),
      name: str(r.name),
      label: r.label === null ? null : str(r.label),
      inverseTypeId: num(r.inverse_type_id),
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    };
  }

  associationTypes(fromType: string, toType: string): AssociationType[] {
    return stmt(
      this.db,
      'SELECT * FROM crm_association_types WHERE portal_id = ? AND from_type = ? AND to_type = ? ORDER BY type_id',
    )
      .all(this.portalId, fromType, toType)
      .map((r) => this.toAssociationType(r));
  }

  allAssociationTypes(): AssociationType[] {
    return stmt(this.db, 'SELECT * FROM crm_association_types WHERE portal_id = ? ORDER BY type_id')
      .all(this.portalId)
      .map((r) => this.toAssociationType(r));
  }

  associationType(typeId: number): AssociationType | undefined {
    const r = stmt(this.db, 'SELECT * FROM crm_association_types WHERE portal_id = ? AND type_id = ?').get(
      this.portalId,
      typeId,
    );
    return r ? this.toAssociationType(r) : undefined;
  }

  insertAssociationType(t: AssociationType): void {
    stmt(
      this.db,
      `INSERT INTO crm_association_types (portal_id, type_id, category, from_type, to_type, name, label, inverse_type_id,
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(
      this.portalId,
      t.typeId,
      t.category,
      t.fromType,
      t.toType,
      t.name,
      t.label,
      t.inverseTypeId,
      t.createdAt,
      t.updatedAt,
    );
  }

  updateAssociationTypeLabel(typeId: number, label: string, at: number): void {
    stmt(
      this.db,
      'UPDATE crm_association_types SET label = ?, updated_at = ? WHERE portal_id = ? AND type_id = ?',
    ).run(label, at, this.portalId, typeId);
  }

  deleteAssociationType(typeId: number): void {
    stmt(this.db, 'DELETE FROM crm_associations WHERE portal_id = ? AND type_id = ?').run(
      this.portalId,
      typeId,
    );
    stmt(this.db, 'DELETE FROM crm_association_types WHERE portal_id = ? AND type_id = ?').run(
      this.portalId,
      typeId,
    );
  }

  // Associations (each direction stored as its own row) -----------------------------------------------

  addAssociation(fromType: string, fromId: number, toType: string, toId: number, typeId: number): void {
    stmt(
      this.db,
      `INSERT INTO crm_associations (portal_id, from_type, from_id, to_type, to_id, type_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ).run(this.portalId, fromType, fromId, toType, toId, typeId);
  }

  removeAssociation(fromType: string, fromId: number, toType: string, toId: number, typeId?: number): void {
    if (typeId === undefined) {
      stmt(
        this.db,
        'DELETE FROM crm_associations WHERE portal_id = ? AND from_type = ? AND from_id = ? AND to_type = ? AND to_id = ?',
      ).run(this.portalId, fromType, fromId, toType, toId);
      return;
    }
    stmt(
      this.db,
      'DELETE FROM crm_associations WHERE portal_id = ? AND from_type = ? AND from_id = ? AND to_type = ? AND to_id = ? AND type_id = ?',
    ).run(this.portalId, fromType, fromId, toType, toId, typeId);
  }

  /** Associated ids of one type to live records, with the association type ids of each, in id order. */
  associationsOf(fromType: string, fromId: number, toType: string): Map<number, number[]> {
    const rows = stmt(
      this.db,
      `SELECT a.to_id, a.type_id FROM crm_associations a
       JOIN crm_objects o ON o.portal_id = a.portal_id AND o.object_type_id = a.to_type AND o.id = a.to_id AND o.archived = 0
       WHERE a.portal_id = ? AND a.from_type = ? AND a.from_id = ? AND a.to_type = ? ORDER BY a.to_id, a.type_id`,
    ).all(this.portalId, fromType, fromId, toType);
    const out = new Map<number, number[]>();
    for (const r of rows) {
      const toId = num(r.to_id);
      const list = out.get(toId) ?? [];
      list.push(num(r.type_id));
      out.set(toId, list);
    }
    return out;
  }

  /** Ids of records of `fromType` associated with the given record of `toType` (search's `associations.x`). */
  idsAssociatedWith(fromType: string, toType: string, toId: number): Set<number> {
    return new Set(
      stmt(
        this.db,
        'SELECT DISTINCT from_id FROM crm_associations WHERE portal_id = ? AND from_type = ? AND to_type = ? AND to_id = ?',
      )
        .all(this.portalId, fromType, toType, toId)
        .map((r) => num(r.from_id)),
    );
  }

  // Owners ---------------------------------------------------------------------------------------------

  private toOwner(r: Row): Owner {
    return {
      id: num(r.id),
      email: str(r.email),
      firstName: str(r.first_name),
      lastName: str(r.last_name),
      userId: num(r.user_id),
      teams: teamsSchema(str(r.teams)),
      archived: num(r.archived) === 1,
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    };
  }

  listOwners(archived: boolean, email: string | undefined, afterId: number, limit: number): Owner[] {
    return stmt(
      this.db,
      `SELECT * FROM crm_owners WHERE portal_id = ? AND archived = ? AND (? IS NULL OR lower(email) = lower(?)) AND id > ?
       ORDER BY id LIMIT ?`,
    )
      .all(this.portalId, archived ? 1 : 0, email ?? null, email ?? null, afterId, limit)
      .map((r) => this.toOwner(r));
  }

  getOwner(id: number): Owner | undefined {
    const r = stmt(this.db, 'SELECT * FROM crm_owners WHERE portal_id = ? AND id = ?').get(this.portalId, id);
    return r ? this.toOwner(r) : undefined;
  }

  findOwnerByUserId(userId: number): Owner | undefined {
    const r = stmt(this.db, 'SELECT * FROM crm_owners WHERE portal_id = ? AND user_id = ?').get(
      this.portalId,
      userId,
    );
    return r ? this.toOwner(r) : undefined;
  }

  insertOwner(o: Owner): void {
    stmt(
      this.db,
      `INSERT INTO crm_owners (portal_id, id, email, first_name, last_name, user_id, teams, archived, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(
      this.portalId,
      o.id,
      o.email,
      o.firstName,
      o.lastName,
      o.userId,
      JSON.stringify(o.teams),
      o.archived ? 1 : 0,
      o.createdAt,
      o.updatedAt,
    );
  }

  /** Removes every row of this portal (sandbox reset). */
  deleteAll(): void {
    indexPortalNow(this.db, this.portalId);
    for (const table of [
      'crm_associations',
      'crm_association_types',
      'crm_unique_values',
      'crm_objects',
      'crm_properties',
      'crm_property_groups',
      'crm_object_types',
      'crm_owners',
      'crm_sequences',
    ]) {
      stmt(this.db, `DELETE FROM ${table} WHERE portal_id = ?`).run(this.portalId);
    }
  }
}
