/**
 * Owners v3 (`/crm/v3/owners`): the portal's users who can own records. Spec: crm-owners-v3.json.
 */
import { Router } from 'express';
import { caller } from '../context.js';
import { queryAfter, queryBool, queryLimit, queryString, requestPath, sendFailure } from './http.js';
import { notFound, type Owner } from './model.js';
import type { CrmDeps } from './objects-api.js';
import { PortalStore } from './store.js';

function publicOwner(o: Owner): Record<string, unknown> {
  return {
    id: String(o.id),
    email: o.email,
    type: 'PERSON',
    firstName: o.firstName,
    lastName: o.lastName,
    userId: o.userId,
    userIdIncludingInactive: o.userId,
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
    archived: o.archived,
    teams: o.teams,
  };
}

export function ownersRouter(deps: CrmDeps): Router {
  const router = Router();

  router.get('/crm/v3/owners', (req, res) => {
    const store = new PortalStore(deps.db, caller(res).portalId);
    const limit = queryLimit(req.query.limit, 100, 500);
    if (!limit.ok) return sendFailure(res, limit.error);
    const after = queryAfter(req.query.after);
    if (!after.ok) return sendFailure(res, after.error);
    const page = store.listOwners(
      queryBool(req.query.archived),
      queryString(req.query.email),
      after.value,
      limit.value + 1,
    );
    const results = page.slice(0, limit.value).map(publicOwner);
    const body: Record<string, unknown> = { results };
    const last = page[limit.value - 1];
    if (page.length > limit.value && last) {
      body.paging = { next: { after: String(last.id), link: `${requestPath(req)}?after=${last.id}` } };
    }
    res.json(body);
  });

  router.get('/crm/v3/owners/:ownerId', (req, res) => {
    const store = new PortalStore(deps.db, caller(res).portalId);
    const raw = String(req.params.ownerId);
    const byUserId = queryString(req.query.idProperty) === 'userId';
    const id = /^\d+$/.test(raw) ? Number(raw) : undefined;
    const owner = id === undefined ? undefined : byUserId ? store.findOwnerByUserId(id) : store.getOwner(id);
    if (!owner || owner.archived !== queryBool(req.query.archived))
      return sendFailure(res, notFound(`Owner ${raw} not found.`));
    res.json(publicOwner(owner));
  });

  return router;
}
