/**
 * The CRM data plane's HTTP surface. The platform's auth middleware runs first and puts the caller (portal,
 * scopes, tier) in `res.locals.sandbox`; every handler reads the portal from there, never from the request.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { sendError } from '../errors.js';
import { associationsRouter } from './associations-api.js';
import { limitsRouter } from './limits-api.js';
import { objectsRouter, type CrmDeps } from './objects-api.js';
import { ownersRouter } from './owners-api.js';
import { propertiesRouter } from './properties-api.js';
import { schemasRouter } from './schemas-api.js';
import { searchRouter } from './search-api.js';

export function createCrmRouter(deps: CrmDeps): Router {
  const router = Router();
  // 5 MB: a 100-input batch of long text values fits; HubSpot's own request limit is not documented.
  router.use(express.json({ limit: '5mb' }));
  router.use(searchRouter(deps));
  router.use(objectsRouter(deps));
  router.use(propertiesRouter(deps));
  router.use(schemasRouter(deps));
  router.use(associationsRouter(deps));
  router.use(ownersRouter(deps));
  router.use(limitsRouter(deps));
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    // A body that is not JSON is the client's error, answered as HubSpot does; anything else is ours.
    if (error instanceof SyntaxError && 'body' in error) {
      sendError(res, 400, 'VALIDATION_ERROR', `Invalid input JSON: ${error.message}`);
      return;
    }
    next(error);
  });
  return router;
}
