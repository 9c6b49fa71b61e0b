/**
 * Admin endpoints under /_sandbox/ for tests, benchmarks and local use. They take no credentials, so the
 * sandbox listens on 127.0.0.1 by default and this router also refuses any caller that is not on the
 * loopback interface. Every body is parsed with a strict zod schema; bad input gets a 400 listing every
 * problem.
 */
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { PortalTier } from '../context.js';
import { sendError, sendNotFound, sendValidationError } from '../errors.js';
import type { FaultInjector, FaultSettings } from './faults.js';
import type { RateLimiter, RateLimitSettings } from './limits.js';
import type { Metrics } from './metrics.js';
import { newClientSecret, type Portal, type PlatformStore } from './store.js';
import { localOnly } from '../../lib/local-only.js';
import { isTimeZone } from './time-zone.js';

export interface AdminDeps {
  store: PlatformStore;
  limiter: RateLimiter;
  faults: FaultInjector;
  metrics: Metrics;
  createPortal: (input: { name: string; tier: PortalTier; seed: boolean; timeZone?: string }) => {
    portal: Portal;
    token: string;
  };
  resetPortalData: (portalId: number, seed: boolean) => void;
  seedPortal: (portalId: number) => void;
  /** The portal's search index lag in ms; null goes back to the sandbox default. */
  searchLag: { get(portalId: number): number; set(portalId: number, ms: number | null): void };
}

const Tier = z.enum(['free', 'starter', 'professional', 'enterprise']);
const Probability = z.number().min(0).max(1);
const Limit = z.number().int().positive().nullable();

/** An IANA time zone this Node.js knows (HubSpot accounts have one: account-info-v3.json AccountDetails.timeZone). */
const TimeZone = z
  .string()
  .min(1)
  .max(100)
  .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Paris' });

const CreatePortalBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  tier: Tier,
  seed: z.boolean().optional(),
  timeZone: TimeZone.optional(),
});

const UpdatePortalBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    timeZone: TimeZone.optional(),
  })
  .refine((b) => b.name !== undefined || b.timeZone !== undefined, {
    message: 'give name or timeZone (or both)',
  });

const ResetBody = z
  .strictObject({
    portalId: z.number().int().positive().optional(),
    what: z.enum(['metrics', 'data', 'all']),
    seed: z.boolean().optional(),
  })
  .refine((b) => b.what === 'metrics' || b.portalId !== undefined, {
    message: 'portalId is required to reset data',
    path: ['portalId'],
  });

const LatencyBody = z.union([
  z.number().int().min(0).max(60_000),
  z
    .strictObject({ minMs: z.number().int().min(0).max(60_000), maxMs: z.number().int().min(0).max(60_000) })
    .refine((l) => l.minMs <= l.maxMs, { message: 'minMs must not exceed maxMs', path: ['minMs'] }),
]);

const FaultsBody = z
  .strictObject({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    rateLimit: Probability.optional(),
    serverError: Probability.optional(),
    badGateway: Probability.optional(),
    unavailable: Probability.optional(),
    drop: Probability.optional(),
    latencyMs: LatencyBody.optional(),
  })
  .refine(
    (f) =>
      (f.rateLimit ?? 0) +
        (f.serverError ?? 0) +
        (f.badGateway ?? 0) +
        (f.unavailable ?? 0) +
        (f.drop ?? 0) <=
      1,
    { message: 'the fault probabilities must add up to at most 1' },
  );

const RateLimitsBody = z.strictObject({
  perTenSeconds: Limit.optional(),
  searchPerSecond: Limit.optional(),
  daily: Limit.optional(),
});

const SearchLagBody = z.strictObject({ lagMs: z.number().int().min(0).max(3000).nullable() });

const RedirectUri = z.url({ protocol: /^https?$/ });
const CreateAppBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  redirectUris: z.array(RedirectUri).min(1).max(20),
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, ".", "_" and "-" only')
    .optional(),
  clientSecret: z.string().min(8).max(200).optional(),
});

const LogQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).optional() });

/** Parses with `schema`, or answers 400 with one detail per problem and returns undefined. */
function parse<T>(schema: z.ZodType<T>, value: unknown, res: Response): T | undefined {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  sendValidationError(
    res,
    `Invalid input: ${parsed.error.issues.length} problem(s)`,
    parsed.error.issues.map((issue) => ({
      message: issue.message,
      code: issue.code,
      ...(issue.path.length > 0 ? { in: issue.path.map(String).join('.') } : {}),
    })),
  );
  return undefined;
}

export function createAdminRouter(deps: AdminDeps): Router {
  const { store, limiter, faults, metrics } = deps;
  const router = express.Router();

  router.use(
    localOnly((res) =>
      sendError(
        res,
        403,
        'FORBIDDEN',
        'The sandbox admin API answers only to this machine (loopback address and host).',
      ),
    ),
  );
  router.use(express.json({ limit: '100kb' }));

  /** The portal named in the path, or a 404 (or 400 for an id that is not a number). */
  function portalParam(req: Request, res: Response): Portal | undefined {
    const id = parse(z.coerce.number().int().positive(), req.params.portalId, res);
    if (id === undefined) return undefined;
    const portal = store.getPortal(id);
    if (!portal) sendNotFound(res, `No portal ${id}`);
    return portal;
  }

  const describe = (portal: Portal) => ({
    ...portal,
    rateLimits: limiter.settingsFor(portal.id),
    faults: faults.get(portal.id) ?? null,
    searchLagMs: deps.searchLag.get(portal.id),
  });

  router.get('/portals', (_req, res) => {
    res.json({ results: store.listPortals().map(describe) });
  });

  router.post('/portals', (req, res) => {
    const body = parse(CreatePortalBody, req.body, res);
    if (!body) return;
    const { portal, token } = deps.createPortal({
      name: body.name ?? `Sandbox ${body.tier} portal`,
      tier: body.tier,
      seed: body.seed ?? false,
      ...(body.timeZone === undefined ? {} : { timeZone: body.timeZone }),
    });
    res.status(201).json({ ...describe(portal), token });
  });

  router.get('/portals/:portalId', (req, res) => {
    const portal = portalParam(req, res);
    if (portal) res.json(describe(portal));
  });

  // Renames a portal or moves it to another time zone (GET /account-info/v3/details and the daily limit's reset
  // follow at once).
  router.patch('/portals/:portalId', (req, res) => {
    const portal = portalParam(req, res);
    if (!portal) return;
    const body = parse(UpdatePortalBody, req.body, res);
    if (!body) return;
    const updated = store.updatePortal(portal.id, {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.timeZone === undefined ? {} : { timeZone: body.timeZone }),
    });
    if (updated) res.json(describe(updated));
    else sendNotFound(res, `No portal ${portal.id}`);
  });

  router.get('/portals/:portalId/calls', (req, res) => {
    const portal = portalParam(req, res);
    if (portal) res.json({ portalId: portal.id, calls: metrics.callsOf(portal.id) });
  });

  router.get('/portals/:portalId/requests', (req, res) => {
    const portal = portalParam(req, res);
    if (!portal) return;
    const query = parse(LogQuery, req.query, res);
    if (query) res.json({ results: metrics.requests(portal.id, query.limit) });
  });

  router.get('/requests', (req, res) => {
    const query = parse(LogQuery, req.query, res);
    if (query) res.json({ results: metrics.requests(undefined, query.limit) });
  });

  router.post('/reset', (req, res) => {
    const body = parse(ResetBody, req.body, res);
    if (!body) return;
    if (body.portalId !== undefined && !store.getPortal(body.portalId)) {
      sendNotFound(res, `No portal ${body.portalId}`);
      return;
    }
    if (body.what !== 'data') {
      metrics.reset(body.portalId);
      limiter.resetUsage(body.portalId);
    }
    if (body.what !== 'metrics' && body.portalId !== undefined)
      deps.resetPortalData(body.portalId, body.seed ?? false);
    res.status(204).end();
  });

  router.post('/portals/:portalId/seed', (req, res) => {
    const portal = portalParam(req, res);
    if (!portal) return;
    deps.seedPortal(portal.id);
    res.status(204).end();
  });

  router.get('/portals/:portalId/faults', (req, res) => {
    const portal = portalParam(req, res);
    if (portal) res.json(faults.get(portal.id) ?? null);
  });

  router.put('/portals/:portalId/faults', (req, res) => {
    const portal = portalParam(req, res);
    if (!portal) return;
    const body = parse(FaultsBody, req.body, res);
    if (!body) return;
    const latency = body.latencyMs;
    const settings: FaultSettings = {
      seed: body.seed ?? 1,
      rateLimit: body.rateLimit ?? 0,
      serverError: body.serverError ?? 0,
      badGateway: body.badGateway ?? 0,
      unavailable: body.unavailable ?? 0,
      drop: body.drop ?? 0,
      latency:
        latency === undefined || latency === 0
          ? { kind: 'none' }
          : typeof latency === 'number'
            ? { kind: 'fixed', ms: latency }
            : { kind: 'uniform', minMs: latency.minMs, maxMs: latency.maxMs },
    };
    faults.set(portal.id, settings);
    res.json(settings);
  });

  router.delete('/portals/:portalId/faults', (req, res) => {
    const portal = portalParam(req, res);
    if (!portal) return;
    faults.set(portal.id, undefined);
    res.status(204).end();
  });

  router.get('/portals/:portalId/rate-limits', (req, res) => {
    const portal = portalParam(req, res);
    if (portal) res.json(limiter.settingsFor(portal.id));
  });

  router.put('/portals/:portalId/rate-limits', (req, res) => {
    const portal = portalParam(req, res);
    if (!portal) return;
    const body = parse(RateLimitsBody, req.body, res);
    if (!body) return;
    const current = limiter.settingsFor(portal.id);
    const next: RateLimitSettings = {
      perTenSeconds: body.perTenSeconds === undefined ? current.perTenSeconds : body.perTenSeconds,
      searchPerSecond: body.searchPerSecond === undefined ? current.searchPerSecond : body.searchPerSecond,
      daily: body.daily === undefined ? current.daily : body.daily,
    };
    limiter.set(portal.id, next);
    res.json(next);
  });

  // The search index lag of a portal (see src/sandbox/crm/search-index.ts); { lagMs: null } resets it.
  router.get('/portals/:portalId/search-lag', (req, res) => {
    const portal = portalParam(req, res);
    if (portal) res.json({ lagMs: deps.searchLag.get(portal.id) });
  });

  router.put('/portals/:portalId/search-lag', (req, res) => {
    const portal = portalParam(req, res);
    if (!portal) return;
    const body = parse(SearchLagBody, req.body, res);
    if (!body) return;
    deps.searchLag.set(portal.id, body.lagMs);
    res.json({ lagMs: deps.searchLag.get(portal.id) });
  });

  router.get('/oauth/apps', (_req, res) => {
    res.json({ results: store.listApps() });
  });

  router.post('/oauth/apps', (req, res) => {
    const body = parse(CreateAppBody, req.body, res);
    if (!body) return;
    const clientId = body.clientId ?? randomUUID();
    if (store.getAppByClientId(clientId)) {
      sendError(res, 409, 'CONFLICT', `An app with client id ${clientId} exists already.`);
      return;
    }
    const clientSecret = body.clientSecret ?? newClientSecret();
    const app = store.upsertApp({ clientId, clientSecret, name: body.name, redirectUris: body.redirectUris });
    // The secret is stored hashed: this answer is the only time it is shown.
    res.status(201).json({ ...app, clientSecret });
  });

  // A body that is not JSON, or too large: HubSpot-style 400 instead of express's HTML page.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status =
      typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
    if (status >= 400 && status < 500) {
      sendValidationError(res, 'Invalid input: the body is not valid JSON or is too large');
      return;
    }
    next(error);
  });

  return router;
}
