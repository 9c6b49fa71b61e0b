/**
 * The CRM data plane's tables. Every row carries its portal id and every query filters on it, so portals
 * are isolated. Object property values are one JSON document per record (a 100-record batch read is one
 * indexed query); values of unique properties are mirrored in `crm_unique_values` so that conflicts and
 * upserts are an index lookup.
 */
import { applyMigrations, type SandboxDb } from '../db.js';

const STEPS: readonly string[] = [
  `
  CREATE TABLE crm_sequences (
    portal_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    next_value INTEGER NOT NULL,
    PRIMARY KEY (portal_id, name)
  );
  CREATE TABLE crm_object_types (
    portal_id INTEGER NOT NULL,
    object_type_id TEXT NOT NULL,
    name TEXT NOT NULL,
    fully_qualified_name TEXT NOT NULL,
    standard INTEGER NOT NULL,
    definition TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (portal_id, object_type_id)
  );
  CREATE UNIQUE INDEX crm_object_types_name ON crm_object_types (portal_id, name);
  CREATE TABLE crm_property_groups (
    portal_id INTEGER NOT NULL,
    object_type_id TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    display_order INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (portal_id, object_type_id, name)
  );
  CREATE TABLE crm_properties (
    portal_id INTEGER NOT NULL,
    object_type_id TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (portal_id, object_type_id, name)
  );
  CREATE TABLE crm_objects (
    portal_id INTEGER NOT NULL,
    object_type_id TEXT NOT NULL,
    id INTEGER NOT NULL,
    properties TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    archived_at INTEGER,
    PRIMARY KEY (portal_id, object_type_id, id)
  );
  CREATE TABLE crm_unique_values (
    portal_id INTEGER NOT NULL,
    object_type_id TEXT NOT NULL,
    property TEXT NOT NULL,
    value TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    PRIMARY KEY (portal_id, object_type_id, property, value)
  );
  CREATE INDEX crm_unique_values_object ON crm_unique_values (portal_id, object_type_id, object_id);
  CREATE TABLE crm_association_types (
    portal_id INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    from_type TEXT NOT NULL,
    to_type TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT,
    inverse_type_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (portal_id, type_id)
  );
  CREATE INDEX crm_association_types_pair ON crm_association_types (portal_id, from_type, to_type);
  CREATE TABLE crm_associations (
    portal_id INTEGER NOT NULL,
    from_type TEXT NOT NULL,
    from_id INTEGER NOT NULL,
    to_type TEXT NOT NULL,
    to_id INTEGER NOT NULL,
    type_id INTEGER NOT NULL,
    PRIMARY KEY (portal_id, from_type, from_id, to_type, to_id, type_id)
  );
  CREATE TABLE crm_owners (
    portal_id INTEGER NOT NULL,
    id INTEGER NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    teams TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (portal_id, id)
  );
  `,
];

export function migrateCrm(db: SandboxDb): void {
  applyMigrations(db, 'crm', STEPS);
}
