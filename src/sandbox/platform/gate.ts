/**
 * The gate in front of every CRM path: it records the request, authenticates the bearer token, applies the
 * portal's rate limits and then its injected faults, and only then lets the CRM router run. The CRM router
 * trusts `res.locals.sandbox` (the caller context) and nothing else from the request.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CallerContext } from '../context.js';
import { errorBody, sendError } from '../errors.js';
import type { FaultInjector } from './faults.js';
import { isSearchRequest, rateLimitBody, type RateLimiter } from './limits.js';
import { endpointOf, type Metrics } from './metrics.js';
import { missingScopesBody, requiredScopeGroups, staticTokenScopes, unmetScopeGroup } from './scopes.js';
import { DEFAULT_PORTAL_TIME_ZONE, type PlatformStore } from './store.js';

/** HubSpot's text for a request without usable credentials (missing, malformed or unknown token). */
export const CREDENTIALS_NOT_FOUND =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

/** "The OAuth token used to make this call expired 5 hour(s) ago." — HubSpot's wording and rounding down. */
export function expiredMessage(expiredForMs: number): string {
  const seconds = Math.max(0, Math.floor(expiredForMs / 1000));
  const [amount, unit] =
    seconds < 60
      ? [seconds, 'second']
      : seconds < 3600
        ? [Math.floor(seconds / 60), 'minute']
        : seconds < 86_400
          ? [Math.floor(seconds / 3600), 'hour']
          : [Math.floor(seconds / 86_400), 'day'];
  return `The OAuth token used to make this call expired ${amount} ${unit}(s) ago.`;
}

interface GateDeps {
  store: PlatformStore;
  limiter: RateLimiter;
  faults: FaultInjector;
  metrics: Metrics;
  now: () => number;
}

interface GateLocals {
  sandbox?: CallerContext;
  /** Whether the token is an OAuth access token (else a static private-app token), and the portal's time zone. */
  oauth?: boolean;
  timeZone?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function unauthorized(res: Response, body: ReturnType<typeof errorBody>): void {
  // HubSpot marks auth failures with this header too.
  res.setHeader('X-HubSpot-Auth-Failure', '401 Unauthorized');
  res.status(401).json(body);
}

export function createGate(deps: GateDeps): RequestHandler[] {
  const { store, limiter, faults, metrics, now } = deps;

  const record: RequestHandler = (req, res, next) => {
    const started = performance.now();
    const time = now();
    const method = req.method;
    const path = req.path;
    res.on('close', () => {
      const locals = res.locals as GateLocals;
      metrics.record({
        time,
        portalId: locals.sandbox?.portalId ?? null,
        method,
        path,
        endpoint: endpointOf(req, method, path),
        // A dropped connection never finished its response: logged as status 0.
        status: res.writableFinished ? res.statusCode : 0,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      });
    });
    next();
  };

  const authenticate: RequestHandler = (req, res, next) => {
    const header = req.get('authorization');
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = match?.[1];
    if (token === undefined) {
      unauthorized(res, errorBody('INVALID_AUTHENTICATION', CREDENTIALS_NOT_FOUND));
      return;
    }
    const found = store.lookupAccessToken(token);
    switch (found.kind) {
      case 'unknown':
        unauthorized(res, errorBody('INVALID_AUTHENTICATION', CREDENTIALS_NOT_FOUND));
        return;
      case 'expired':
        unauthorized(
          res,
          errorBody('EXPIRED_AUTHENTICATION', expiredMessage(now() - found.expiresAt), {
            context: { 'expire time': [new Date(found.expiresAt).toISOString()] },
          }),
        );
        return;
      case 'static': {
        const context: CallerContext = {
          portalId: found.portal.id,
          scopes: new Set(staticTokenScopes(found.portal.tier)),
          tier: found.portal.tier,
        };
        Object.assign(res.locals as GateLocals, {
          sandbox: context,
          oauth: false,
          timeZone: found.portal.timeZone,
        });
        next();
        return;
      }
      case 'oauth': {
        const context: CallerContext = {
          portalId: found.portal.id,
          scopes: new Set(found.grant.scopes),
          tier: found.portal.tier,
        };
        Object.assign(res.locals as GateLocals, {
          sandbox: context,
          oauth: true,
          timeZone: found.portal.timeZone,
        });
        next();
        return;
      }
    }
  };

  const rateLimit: RequestHandler = (req, res, next) => {
    const ctx = contextOf(res);
    const decision = limiter.take(ctx.portalId, {
      search: isSearchRequest(req.method, req.path),
      oauth: (res.locals as GateLocals).oauth === true,
      timeZone: (res.locals as GateLocals).timeZone ?? DEFAULT_PORTAL_TIME_ZONE,
    });
    for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
    if (!decision.ok) {
      res.status(429).json(decision.body);
      return;
    }
    next();
  };

  /**
   * 403 MISSING_SCOPES when the token lacks the scopes HubSpot's specs require for the endpoint and the object
   * type(s) in its path (see scopes.ts). After the rate limit: a refused call still counts, as every
   * authenticated call does.
   */
  const requireScopes: RequestHandler = (req, res, next) => {
    const groups = requiredScopeGroups(req.method === 'HEAD' ? 'GET' : req.method, req.path);
    const unmet = groups === undefined ? undefined : unmetScopeGroup(contextOf(res).scopes, groups);
    if (unmet !== undefined) {
      res.status(403).json(missingScopesBody(unmet));
      return;
    }
    next();
  };

  const injectFaults = (req: Request, res: Response, next: NextFunction): void => {
    const draw = faults.draw(portalOf(res));
    const act = (): void => {
      switch (draw.fault) {
        case undefined:
          next();
          return;
        case 'rate_limit':
          res.status(429).json(rateLimitBody('TEN_SECONDLY_ROLLING', portalOf(res)));
          return;
        case 'server_error':
          sendError(res, 500, 'INTERNAL_ERROR', 'internal error (injected by the sandbox)');
          return;
        case 'bad_gateway':
          // HubSpot's edge answers gateway failures with an HTML page, not JSON.
          res
            .status(502)
            .type('html')
            .send('<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>');
          return;
        case 'unavailable':
          res
            .status(503)
            .type('html')
            .send(
              '<html><head><title>503 Service Unavailable</title></head><body>Service Unavailable</body></html>',
            );
          return;
        case 'drop':
          req.socket.destroy();
          return;
      }
    };
    if (draw.delayMs > 0) {
      sleep(draw.delayMs).then(act, next);
    } else {
      act();
    }
  };

  return [record, authenticate, rateLimit, requireScopes, injectFaults];
}

function contextOf(res: Response): CallerContext {
  const ctx = (res.locals as GateLocals).sandbox;
  if (!ctx) throw new Error('sandbox: gate step ran before authentication');
  return ctx;
}

const portalOf = (res: Response): number => contextOf(res).portalId;
