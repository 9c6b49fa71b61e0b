/**
 * POST /api/<function>: one generic route for every function of the registry. The route parses, calls and
 * maps — nothing else: signature and caller first (signed-request.ts), then an active installation of the
 * caller's portal, then the function with the caller from the signed URL and the JSON body as input.
 */
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { functionByName, invokeFunction, type FunctionDeps } from '../../functions/index.js';
import { timeZoneIsStale } from '../../functions/refresh-time-zone.js';
import { tenantKey, type Tenant } from '../domain/model.js';
import { problem } from '../domain/result.js';
import type { InstallationStore } from '../ports/installation-store.js';
import { fromFunctionError, INTERNAL_ERROR, sendApiError, type ApiError } from './errors.js';
import { bindRequest, context, outsideRequest, withinRequest } from './request-context.js';
import {
  bodyBytes,
  callerOf,
  rawBody,
  refuseEncodedBody,
  requireSignedCaller,
  verifySignature,
  type SignatureOptions,
} from './signed-request.js';

export interface ApiDeps {
  readonly functions: FunctionDeps;
  readonly installations: InstallationStore;
  readonly signature: SignatureOptions;
  /** Starts reading a tenant's time zone again, in the background (functions/refresh-time-zone.ts). */
  readonly refreshTimeZone?: (tenant: Tenant) => Promise<void>;
  readonly clock: { now(): number };
}

/**
 * Refuses callers whose tenant has no active installation (their tokens are gone or never existed); gives the
 * caller the tenant's time zone, whose calendar day is "today" for the functions, and starts reading it again in
 * the background when it is older than a day.
 */
function requireActiveInstallation(deps: ApiDeps) {
  const { installations } = deps;
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const caller = callerOf(res);
    const { tenant } = caller;
    // Within the request, so the function's own reads of this installation reuse this one.
    const installation = await withinRequest(res, () => installations.getInstallation(tenant));
    if (installation?.status.state !== 'active') {
      sendApiError(
        res,
        {
          code: 'INSTALLATION_INACTIVE',
          message:
            'Mutual Action Plan is not installed in this HubSpot account (or was uninstalled). An admin can install it again.',
        },
        context(res).requestId,
      );
      return;
    }
    if (installation.timeZone !== null) res.locals.caller = { ...caller, timeZone: installation.timeZone };
    if (deps.refreshTimeZone && timeZoneIsStale(installation, deps.clock.now()))
      void outsideRequest(() => deps.refreshTimeZone?.(tenant));
    next();
  };
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: ApiError };

function parseJsonBody(req: Request): Parsed {
  const bytes = bodyBytes(req);
  if (bytes.length === 0) return { ok: true, value: {} };
  if (!req.is('application/json')) {
    return {
      ok: false,
      error: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'Send the input as JSON (Content-Type: application/json).',
      },
    };
  }
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    // A syntax error is the caller's mistake, reported as such; the parser's text is not needed.
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: 'The body is not valid JSON.',
        problems: [problem('', 'invalid_value', 'The body is not valid JSON.')],
      },
    };
  }
}

export function createApiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  router.use(
    refuseEncodedBody,
    rawBody,
    verifySignature(deps.signature),
    requireSignedCaller(deps.signature.verifier),
    requireActiveInstallation(deps),
  );

  router.post('/:fn', async (req: Request<{ fn: string }>, res: Response) => {
    const ctx = context(res);
    const fn = functionByName(req.params.fn);
    if (!fn) {
      sendApiError(
        res,
        { code: 'UNKNOWN_FUNCTION', message: `There is no function ${req.params.fn}.` },
        ctx.requestId,
      );
      return;
    }
    bindRequest(res, { fn: fn.name });
    const input = parseJsonBody(req);
    if (!input.ok) {
      sendApiError(res, input.error, ctx.requestId);
      return;
    }
    const { value } = input;
    if (
      typeof value === 'object' &&
      value !== null &&
      'dealId' in value &&
      typeof value.dealId === 'string' &&
      value.dealId.length <= 40
    ) {
      bindRequest(res, { dealId: value.dealId });
    }
    const caller = callerOf(res);
    const requestDigest = createHash('sha256')
      .update(`${fn.name}\n${tenantKey(caller.tenant)}\n${caller.userId}\n`)
      .update(bodyBytes(req))
      .digest('base64url');
    const result = await withinRequest(res, () =>
      invokeFunction(fn, deps.functions, { ...caller, requestDigest }, value),
    );
    if (result.ok) {
      res.status(200).json(result.value);
      return;
    }
    if (result.error.code.startsWith('CRM_'))
      ctx.log.warn({ code: result.error.code }, 'function failed: CRM');
    sendApiError(res, fromFunctionError(result.error), ctx.requestId);
  });

  router.use((_req: Request, res: Response) => {
    sendApiError(
      res,
      { code: 'UNKNOWN_FUNCTION', message: 'Functions are called with POST /api/<function>.' },
      context(res).requestId,
    );
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendApiError(res, bodyParserError(error) ?? logged(res, error), context(res).requestId);
  });
  return router;
}

/** body-parser's errors carry a `type`; the ones a client causes get their own code. */
function bodyParserError(error: unknown): ApiError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.too.large':
      return {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The request body is larger than 1 MB, the most hubspot.fetch sends.',
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body must be UTF-8 JSON.' };
    case 'request.aborted':
    case 'request.size.invalid':
      return {
        code: 'INVALID_INPUT',
        message: 'The request body was cut short.',
        problems: [problem('', 'invalid_value', 'The request body was cut short.')],
      };
    default:
      return undefined;
  }
}

function logged(res: Response, error: unknown): ApiError {
  context(res).log.error({ err: error }, 'request failed: unexpected error');
  return INTERNAL_ERROR;
}
