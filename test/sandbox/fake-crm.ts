/**
 * A small stand-in for the CRM data plane, so the platform layer's tests do not depend on it: it echoes the
 * caller context, and stores "records" per portal so tests can see whether a write happened.
 */
import express from 'express';
import type { CrmModule } from '../../src/sandbox/platform/app.js';
import { caller } from '../../src/sandbox/context.js';
import type { SandboxDb } from '../../src/sandbox/db.js';

export function fakeCrm(): CrmModule & { created: number[]; seeded: number[]; deleted: number[] } {
  const created: number[] = [];
  const seeded: number[] = [];
  const deleted: number[] = [];
  const count = (db: SandboxDb, portalId: number): number =>
    Number(db.prepare('SELECT COUNT(*) AS n FROM fake_records WHERE portal_id = ?').get(portalId)?.n ?? 0);
  return {
    created,
    seeded,
    deleted,
    migrateCrm(db) {
      db.exec(
        'CREATE TABLE IF NOT EXISTS fake_records (portal_id INTEGER NOT NULL, id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
      );
    },
    createPortalCrm(_db, portalId) {
      created.push(portalId);
    },
    seedDemoPortal(db, portalId) {
      seeded.push(portalId);
      db.prepare('INSERT INTO fake_records (portal_id, name) VALUES (?, ?)').run(portalId, 'seeded');
    },
    deletePortalCrm(db, portalId) {
      deleted.push(portalId);
      db.prepare('DELETE FROM fake_records WHERE portal_id = ?').run(portalId);
    },
    createCrmRouter({ db }) {
      const router = express.Router();
      router.use(express.json());
      router.get('/crm/v3/whoami', (_req, res) => {
        const ctx = caller(res);
        res.json({ portalId: ctx.portalId, tier: ctx.tier, scopes: [...ctx.scopes].sort() });
      });
      router.get('/crm/v3/objects/:objectType/:objectId', (req, res) => {
        const row = db
          .prepare('SELECT * FROM fake_records WHERE portal_id = ? AND id = ?')
          .get(caller(res).portalId, Number(req.params.objectId));
        if (!row) {
          res.status(404).json({
            status: 'error',
            message: 'not found',
            correlationId: 'x',
            category: 'OBJECT_NOT_FOUND',
          });
          return;
        }
        res.json({ id: String(row.id), properties: { name: row.name }, archived: false });
      });
      router.post('/crm/v3/objects/:objectType/search', (_req, res) => {
        res.json({ total: count(db, caller(res).portalId), results: [] });
      });
      router.post('/crm/v3/objects/:objectType', (req, res) => {
        const body = req.body as { properties?: { name?: string } };
        const result = db
          .prepare('INSERT INTO fake_records (portal_id, name) VALUES (?, ?)')
          .run(caller(res).portalId, body.properties?.name ?? '');
        res
          .status(201)
          .json({ id: String(result.lastInsertRowid), properties: { name: body.properties?.name ?? '' } });
      });
      return router;
    },
  };
}

export function countRecords(db: SandboxDb, portalId: number): number {
  return Number(
    db.prepare('SELECT COUNT(*) AS n FROM fake_records WHERE portal_id = ?').get(portalId)?.n ?? 0,
  );
}
