/**
 * The express app: health, /api (signed function calls), /webhooks, /oauth, and one answer shape for
 * everything else. Built from its dependencies only; src/main.ts is the composition root.
 */
import type { Tenant } from '../domain/model.js';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { FunctionDeps } from '../../functions/index.js';
import type { Logger } from '../lib/logger.js';
import type { CrmEventParser } from '../ports/crm-events.js';
import type { InstallationStore } from '../ports/installation-store.js';
import type { PlanLifecycle } from '../ports/plan-lifecycle.js';
import type { PlanSchedule } from '../ports/plan-schedule.js';
import { createApiRouter } from './api-router.js';
import { INTERNAL_ERROR, sendApiError } from './errors.js';
import { createHealthRouter, type ReadinessCheck } from './health.js';
import { createOAuthRouter, type OAuthRouteDeps } from './oauth/routes.js';
import { context, requestContextMiddleware } from './request-context.js';
import type { SignatureOptions } from './signed-request.js';
import { createWebhookRouter } from './webhooks.js';

export interface AppDeps {
  readonly logger: Logger;
  readonly installations: InstallationStore;
  readonly functions: FunctionDeps;
  readonly lifecycle?: PlanLifecycle;
  /** The next-change index, which deal deletions and merges update. */
  readonly schedule?: PlanSchedule;
  readonly signature: SignatureOptions;
  /** The CRM's webhook delivery format. */
  readonly crmEvents: CrmEventParser;
  readonly oauth: OAuthRouteDeps;
  readonly readiness: Readonly<Record<string, ReadinessCheck>>;
  /** Starts reading a tenant's time zone again, in the background, when the recorded one is a day old. */
  readonly refreshTimeZone?: (tenant: Tenant) => Promise<void>;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // URLs are rebuilt for signatures by fullRequestUrl (TRUST_PROXY); express's own proxy trust stays off.
  app.set('trust proxy', false);
  app.use(requestContextMiddleware(deps.logger));
  app.use(createHealthRouter(deps.readiness));
  app.use(
    '/api',
    createApiRouter({
      functions: deps.functions,
      installations: deps.installations,
      signature: deps.signature,
      clock: deps.signature.clock,
      ...(deps.refreshTimeZone ? { refreshTimeZone: deps.refreshTimeZone } : {}),
    }),
  );
  app.use(
    '/webhooks',
    createWebhookRouter({
      installations: deps.installations,
      ...(deps.lifecycle ? { lifecycle: deps.lifecycle } : {}),
      ...(deps.schedule ? { schedule: deps.schedule } : {}),
      signature: deps.signature,
      events: deps.crmEvents,
    }),
  );
  app.use('/oauth', createOAuthRouter(deps.oauth));
  app.use((_req: Request, res: Response) => {
    sendApiError(res, { code: 'UNKNOWN_FUNCTION', message: 'No such endpoint.' }, context(res).requestId);
  });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    context(res).log.error({ err: error }, 'request failed: unexpected error');
    sendApiError(res, INTERNAL_ERROR, context(res).requestId);
  });
  return app;
}
