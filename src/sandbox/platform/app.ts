/**
 * Composition of the sandbox: database, platform tables, CRM tables, the demo portal and the dev OAuth app,
 * then one express app serving /_sandbox (admin), /oauth (OAuth) and, behind the gate, the account details
 * endpoint and every CRM path.
 * The CRM module is passed in so the platform can be tested without the CRM (see server.ts for the real one).
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { PortalTier } from '../context.js';
import { openSandboxDb, type SandboxDb } from '../db.js';
import { sendError, sendNotFound } from '../errors.js';
import { createAccountInfoRouter } from './account-info.js';
import { createAdminRouter } from './admin.js';
import { FaultInjector } from './faults.js';
import { createGate } from './gate.js';
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimitSettings } from './limits.js';
import { Metrics } from './metrics.js';
import { createOAuthRouter } from './oauth.js';
import { FIRST_PORTAL_ID, PlatformStore, type Portal } from './store.js';
import { DEFAULT_DEMO_TOKEN, DEFAULT_DEV_APP, type DevAppOptions } from './defaults.js';

export { DEFAULT_DEMO_TOKEN, DEFAULT_DEV_APP, type DevAppOptions } from './defaults.js';

/** What the platform needs from the CRM data plane (src/sandbox/crm/index.ts). */
export interface CrmModule {
  migrateCrm(db: SandboxDb): void;
  createPortalCrm(db: SandboxDb, portalId: number, now: number): void;
  /** Gives a portal made by an earlier version the standard objects added since (run at every start). */
  upgradePortalCrm?(db: SandboxDb, portalId: number, now: number): void;
  seedDemoPortal(db: SandboxDb, portalId: number, now: number): void;
  deletePortalCrm(db: SandboxDb, portalId: number): void;
  createCrmRouter(deps: { db: SandboxDb; now: () => number }): Router;
  /** Search index lag: the sandbox default (portalId undefined) or one portal's (null: back to the default). */
  setSearchLag?(db: SandboxDb, portalId: number | undefined, ms: number | null): void;
  searchLag?(db: SandboxDb, portalId: number): number;
}

export interface SandboxOptions {
  /** SQLite file, or ':memory:' (tests). */
  dataFile: string;
  /** The demo portal's static token. Default DEFAULT_DEMO_TOKEN (a development value, not a secret). */
  demoToken?: string;
  /** 0 = any free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1: the admin API has no auth, so keep the sandbox off other interfaces. */
  host?: string;
  /** Lifetime of OAuth access tokens. Default 1800 (HubSpot's 30 minutes). */
  accessTokenTtlSeconds?: number;
  /** Default limits of every portal; null turns one off. Defaults: 110 / 10 s, search 5 / s, no daily limit. */
  rateLimit?: Partial<RateLimitSettings>;
  /** Multiplies every rate-limit window (0.01 turns 10 s into 100 ms). Default 1. */
  timeScale?: number;
  /** Clock for token expiry, codes and rate windows. Default Date.now. */
  now?: () => number;
  /** The OAuth app registered at start (created or updated). Default DEFAULT_DEV_APP. */
  devApp?: DevAppOptions;
  /**
   * How long a record write takes to show in search, 0 to 3000 ms (HubSpot's index lags writes "a few
   * moments"). Default 1000; settable per portal through /_sandbox/portals/{id}/search-lag.
   */
  searchIndexLagMs?: number;
  /** Called with errors the sandbox answered with a 500. */
  onError?: (error: unknown) => void;
}

export interface Sandbox {
  baseUrl: string;
  demoPortalId: number;
  demoToken: string;
  devApp: DevAppOptions;
  db: SandboxDb;
  close(): Promise<void>;
}

export const DEMO_PORTAL_NAME = 'Demo portal';

export async function startSandbox(options: SandboxOptions, crm: CrmModule): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error('sandbox: timeScale must be greater than 0');
  const demoToken = options.demoToken ?? DEFAULT_DEMO_TOKEN;
  const devApp = options.devApp ?? DEFAULT_DEV_APP;
  const host = options.host ?? '127.0.0.1';

  const db = openSandboxDb(options.dataFile);
  try {
    const store = new PlatformStore(db, now);
    crm.migrateCrm(db);
    // A data file from an earlier version: portals made then gain the standard objects added since (tasks).
    for (const portal of store.listPortals()) crm.upgradePortalCrm?.(db, portal.id, now());
    if (options.searchIndexLagMs !== undefined) crm.setSearchLag?.(db, undefined, options.searchIndexLagMs);

    /** A portal in both layers: the platform rows, then the CRM's; a CRM failure removes the platform rows. */
    const createPortal = (input: {
      name: string;
      tier: PortalTier;
      seed?: boolean;
      token?: string;
      timeZone?: string;
    }): { portal: Portal; token: string } => {
      const created = store.createPortal({
        name: input.name,
        tier: input.tier,
        ...(input.token ? { token: input.token } : {}),
        ...(input.timeZone ? { timeZone: input.timeZone } : {}),
      });
      try {
        crm.createPortalCrm(db, created.portal.id, now());
        if (input.seed) crm.seedDemoPortal(db, created.portal.id, now());
      } catch (error) {
        // Leave no portal the CRM does not know; the caller still sees why.
        crm.deletePortalCrm(db, created.portal.id);
        store.deletePortal(created.portal.id);
        throw error;
      }
      return created;
    };

    const demo =
      store.getPortal(FIRST_PORTAL_ID) ??
      createPortal({ name: DEMO_PORTAL_NAME, tier: 'enterprise', seed: true, token: demoToken }).portal;
    store.ensureStaticToken(demo.id, demoToken);
    store.upsertApp({
      clientId: devApp.clientId,
      clientSecret: devApp.clientSecret,
      name: devApp.name ?? 'Sandbox dev app',
      redirectUris: devApp.redirectUris,
    });

    const limiter = new RateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimit }, timeScale, now);
    const faults = new FaultInjector();
    const metrics = new Metrics();

    const app = express();
    app.disable('x-powered-by');
    app.use(
      '/_sandbox',
      createAdminRouter({
        store,
        limiter,
        faults,
        metrics,
        createPortal: (input) => createPortal(input),
        // The CRM functions keep their own transactions (SQLite cannot nest them), so these run in sequence.
        resetPortalData: (portalId, seed) => {
          crm.deletePortalCrm(db, portalId);
          crm.createPortalCrm(db, portalId, now());
          if (seed) crm.seedDemoPortal(db, portalId, now());
        },
        seedPortal: (portalId) => crm.seedDemoPortal(db, portalId, now()),
        searchLag: {
          get: (portalId) => crm.searchLag?.(db, portalId) ?? 0,
          set: (portalId, ms) => crm.setSearchLag?.(db, portalId, ms),
        },
      }),
    );
    app.use(
      createOAuthRouter({
        store,
        now,
        accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 1800,
        demoPortalId: demo.id,
        createPortal: (input) => createPortal(input),
      }),
    );
    app.use(
      createGate({ store, limiter, faults, metrics, now }),
      createAccountInfoRouter({ store, now }),
      crm.createCrmRouter({ db, now }),
    );
    app.use((_req: Request, res: Response) => sendNotFound(res, 'No such endpoint'));
    app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
      options.onError?.(error);
      if (res.headersSent) {
        next(error);
        return;
      }
      sendError(res, 500, 'INTERNAL_ERROR', 'internal error');
    });

    const server: Server = app.listen(options.port ?? 0, host);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const urlHost = host.includes(':') ? `[${host}]` : host;

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
        server.closeIdleConnections();
        // Give requests in flight a moment to finish, then cut whatever is left (keep-alive clients).
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        try {
          await closed;
        } finally {
          clearTimeout(force);
          db.close();
        }
      })();
      return closing;
    };

    return { baseUrl: `http://${urlHost}:${port}`, demoPortalId: demo.id, demoToken, devApp, db, close };
  } catch (error) {
    // Start-up failed: release the database file before reporting why.
    db.close();
    throw error;
  }
}
