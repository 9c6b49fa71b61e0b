/**
 * Limits tracking (`/crm/v3/limits/custom-object-types`): how many custom object types the portal may
 * define and has defined. Spec: crm-limits-tracking-v3.json, CustomObjectLimitResponse.
 */
import { Router } from 'express';
import { caller } from '../context.js';
import { ENTERPRISE_CUSTOM_OBJECT_LIMIT } from './model.js';
import type { CrmDeps } from './objects-api.js';
import { PortalStore } from './store.js';

export function limitsRouter(deps: CrmDeps): Router {
  const router = Router();
  router.get('/crm/v3/limits/custom-object-types', (_req, res) => {
    const c = caller(res);
    const store = new PortalStore(deps.db, c.portalId);
    const limit = c.tier === 'enterprise' ? ENTERPRISE_CUSTOM_OBJECT_LIMIT : 0;
    const usage = store.listObjectTypes().filter((t) => !t.standard && !t.archived).length;
    res.json({ limit, usage, percentage: limit === 0 ? 0 : Math.round((usage / limit) * 10_000) / 100 });
  });
  return router;
}
