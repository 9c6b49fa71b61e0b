import { openSandboxDb, type SandboxDb } from '../db.js';
import { migrateCrm } from './migrations.js';
import { createPortalCrm, deletePortalCrm, seedDemoPortal } from './portal.js';
import { PortalStore } from './store.js';

const NOW = Date.UTC(2026, 10, 2);
let db: SandboxDb;

beforeEach(() => {
  db = openSandboxDb(':memory:');
  migrateCrm(db);
});
afterEach(() => db.close());

const count = (table: string, portalId: number): number => {
  const row = db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE portal_id = ?`).get(portalId);
  return Number(row?.n);
};

describe('portal CRM life cycle', () => {
  it('runs its migrations once, however often migrateCrm is called', () => {
    expect(() => migrateCrm(db)).not.toThrow();
    expect(db.prepare("SELECT COUNT(*) AS n FROM schema_migrations WHERE namespace = 'crm'").get()?.n).toBe(
      1,
    );
  });

  it('creates the standard objects, groups, properties and association types once (idempotent)', () => {
    createPortalCrm(db, 7, NOW);
    const first = ['crm_object_types', 'crm_properties', 'crm_property_groups', 'crm_association_types'].map(
      (t) => count(t, 7),
    );
    createPortalCrm(db, 7, NOW + 1000);
    expect(
      ['crm_object_types', 'crm_properties', 'crm_property_groups', 'crm_association_types'].map((t) =>
        count(t, 7),
      ),
    ).toEqual(first);
    const store = new PortalStore(db, 7);
    expect(store.listObjectTypes().map((t) => t.objectTypeId)).toEqual(['0-1', '0-2', '0-27', '0-3']);
    expect(store.listGroups('0-3').map((g) => g.name)).toEqual(['dealinformation']);
    expect(store.associationType(3)).toMatchObject({ fromType: '0-3', toType: '0-1', inverseTypeId: 4 });
    expect(store.associationType(279)).toMatchObject({ fromType: '0-1', toType: '0-2', label: null });
  });

  it('seeds demo deals with close dates relative to now', () => {
    seedDemoPortal(db, 8, NOW);
    const deals = new PortalStore(db, 8).allLiveObjects('0-3');
    expect(deals).toHaveLength(8);
    const closes = deals.map((d) => Date.parse(d.properties.closedate ?? ''));
    expect(closes.some((t) => t < NOW)).toBe(true);
    expect(closes.some((t) => t > NOW + 30 * 86_400_000)).toBe(true);
  });

  it("deletes one portal's CRM data and leaves the others alone", () => {
    seedDemoPortal(db, 8, NOW);
    seedDemoPortal(db, 9, NOW);
    deletePortalCrm(db, 8);
    for (const table of [
      'crm_objects',
      'crm_properties',
      'crm_object_types',
      'crm_associations',
      'crm_owners',
      'crm_unique_values',
    ]) {
      expect(count(table, 8)).toBe(0);
    }
    expect(count('crm_objects', 9)).toBeGreaterThan(0);
    // A reset portal can be set up again from scratch.
    seedDemoPortal(db, 8, NOW);
    expect(new PortalStore(db, 8).allLiveObjects('0-3')).toHaveLength(8);
  });

  it('reads 100 records by id in a few milliseconds', () => {
    createPortalCrm(db, 7, NOW);
    const store = new PortalStore(db, 7);
    const ids: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const id = store.nextGlobalValue('object', 1);
      store.insertObject('0-3', {
        id,
        properties: { dealname: `Deal ${i}`, amount: String(i) },
        createdAt: NOW,
        updatedAt: NOW,
        archived: false,
        archivedAt: null,
      });
      if (i % 20 === 0) ids.push(id);
    }
    store.getObjects('0-3', ids);
    const started = performance.now();
    for (let i = 0; i < 20; i++) expect(store.getObjects('0-3', ids).size).toBe(100);
    expect((performance.now() - started) / 20).toBeLessThan(5);
  });
});
