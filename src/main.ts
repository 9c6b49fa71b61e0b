/**
 * The composition root of the backend: builds every dependency once from the configuration (installation
 * store, OAuth token client, access-token provider, CRM transport, plan store, provisioning, the daily
 * scheduler's job queue and run ledger) and the express app over them. main.ts, the CLI, the tests and the
 * benchmark all build the backend here, so they run the same wiring.
 */
import { hubSpotTenant } from './adapters/hubspot/tenant.js';
import { hubSpotRequestVerifier } from './adapters/hubspot/request-verifier.js';
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { FunctionDeps } from '../functions/index.js';
import { openBackendStores } from './adapters/db/open.js';
import { TokenCipher } from './adapters/db/token-cipher.js';
import { DEFAULT_THROTTLE, PortalThrottle, type ThrottleSettings } from './adapters/hubspot/throttle.js';
import { HubSpotTransport, type AttemptEvent } from './adapters/hubspot/transport.js';
import { HubSpotPlanLifecycle } from './adapters/hubspot/plan-lifecycle.js';
import { HubSpotPlanStore, type PortalStoreConfig } from './adapters/hubspot/plan-store.js';
import { HubSpotPlanScan } from './adapters/hubspot/plan-scan.js';
import { hubSpotProvisioning } from './adapters/hubspot/provision.js';
import { hubSpotAccountInfo } from './adapters/hubspot/account-info.js';
import type { AccountInfo } from './ports/account-info.js';
import { backgroundTimeZoneRefresh } from '../functions/refresh-time-zone.js';
import type { Config } from './config.js';
import type { Logger } from './lib/logger.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { InstallationStore } from './ports/installation-store.js';
import type { PlanLifecycle } from './ports/plan-lifecycle.js';
import type { PlanStore } from './ports/plan-store.js';
import type { PlanScan } from './ports/plan-scan.js';
import type { DealLocks } from './ports/deal-locks.js';
import { openDealLocks } from './adapters/locks/deal-locks.js';
import type { ProvisionTenant } from './ports/provisioning.js';
import { createApp } from './http/app.js';
import { redirectUri } from './http/oauth/routes.js';
import { requestCachedInstallations } from './http/request-cached-installations.js';
import { pruneExpired } from '../functions/prune-expired.js';
import { hubSpotOAuthInstall } from './adapters/hubspot/oauth/install.js';
import { hubSpotWebhookEvents } from './adapters/hubspot/webhook-events.js';
import type { ReadinessCheck } from './http/health.js';
import { AccessTokenProvider } from './adapters/hubspot/oauth/token-provider.js';
import { OAuthTokenClient } from './adapters/hubspot/oauth/token-client.js';
import { recordCrmTime } from './http/request-context.js';
import type { JobQueue } from './ports/jobs.js';
import type { RunLedger } from './ports/run-ledger.js';
import { PgBossJobQueue } from './adapters/jobs/pg-boss.js';
import { InProcessJobQueue } from './adapters/jobs/in-process.js';
import type { DailyRunHandler } from '../functions/daily-runs.js';
import { DailyRunFailed } from '../functions/run-daily.js';
import { reprojectTenant } from '../functions/reproject-tenant.js';
import {
  startDailyScheduler,
  type DailyScheduler,
  type DailySchedulerEvent,
  type ScheduleDailyDeps,
} from '../functions/schedule-daily.js';

export interface BackendOptions {
  readonly config: Config;
  /** Where HubSpot's API and authorize page are; in sandbox mode, the sandbox's URL. */
  readonly crm: { readonly apiBase: string; readonly oauthBase: string };
  readonly logger: Logger;
  /** Overrides config.publicBaseUrl (tests and benchmarks learn their port after listening). */
  readonly publicBaseUrl?: string;
  readonly clock?: Clock;
  /** Default: opened from the configuration (SQLite, or PostgreSQL with DATABASE_URL). */
  readonly installations?: InstallationStore;
  /** Default: the HubSpot PlanStore over the transport. */
  readonly plans?: PlanStore;
  /**
   * What webhooks use when a deal is deleted or merged. Default: the HubSpot PlanLifecycle over the
   * transport, unless `plans` is given without it (then those events are acknowledged without action).
   */
  readonly lifecycle?: PlanLifecycle;
  /** Default: the HubSpot adapter's provisioning over the transport. */
  readonly provision?: ProvisionTenant;
  /** Default: HubSpot's account details over the transport. */
  readonly accounts?: AccountInfo;
  readonly readiness?: Readonly<Record<string, ReadinessCheck>>;
  readonly newId?: () => string;
  /** Per-portal request budget; default HubSpot's (DEFAULT_THROTTLE). Benchmarks of the server lift it. */
  readonly throttle?: ThrottleSettings;
  /** Sees every CRM attempt (benchmarks). */
  readonly onCrmAttempt?: (event: AttemptEvent) => void;
  /** Per-deal write locks; default from the configuration (PostgreSQL advisory locks with DATABASE_URL). */
  readonly locks?: DealLocks;
  /** How often expired install states and old webhook ids are pruned (default hourly; 0 turns it off). */
  readonly housekeepingIntervalMs?: number;
  /**
   * The tenants' daily runs (functions/schedule-daily.ts). false: not started (tests, benchmarks, the CLI).
   * Default: started unless SCHEDULER=off, on pg-boss with DATABASE_URL or in process with SQLite.
   */
  readonly scheduler?: false | SchedulerOptions;
}

export interface SchedulerOptions {
  /** Default: pg-boss on DATABASE_URL, else in this process. A queue given here is not stopped by close(). */
  readonly queue?: JobQueue;
  /** Default: the installation database's. Required when `installations` is given. */
  readonly ledger?: RunLedger;
  /** Default: the full reprojection of the tenant for its day. */
  readonly run?: DailyRunHandler;
  /** How often to tick (default every 5 minutes, and once at start); 0: never on its own, the caller ticks. */
  readonly tickIntervalMs?: number;
  /** The queue's definition (tests shorten its retry delays). */
  readonly queueDefinition?: ScheduleDailyDeps['queueDefinition'];
  readonly heartbeatEveryMs?: number;
}

export interface Backend {
  readonly app: Express;
  readonly installations: InstallationStore;
  readonly tokens: AccessTokenProvider;
  readonly tokenClient: OAuthTokenClient;
  readonly transport: HubSpotTransport;
  readonly plans: PlanStore;
  /** Every plan of a tenant at once (the CLI's reproject). */
  readonly planScan: PlanScan;
  /** The daily runs' ledger (undefined when `installations` was given without a scheduler ledger). */
  readonly runLedger: RunLedger | undefined;
  /** The daily scheduler, when started. */
  readonly scheduler: DailyScheduler | undefined;
  readonly functions: FunctionDeps;
  readonly provision: ProvisionTenant;
  readonly accounts: AccountInfo;
  close(): Promise<void>;
}

export async function createBackend(options: BackendOptions): Promise<Backend> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const schedulerOptions = options.scheduler ?? (config.scheduler ? {} : false);
  if (schedulerOptions !== false && options.installations && !schedulerOptions.ledger)
    throw new Error(
      'createBackend: the daily scheduler keeps its ledger in the installation database; with `installations` given, pass `scheduler.ledger` too, or `scheduler: false`',
    );
  const stores = options.installations
    ? undefined
    : await openBackendStores({
        databaseUrl: config.databaseUrl ?? undefined,
        sqlitePath: config.sqlitePath,
        cipher: new TokenCipher(config.tokenEncryptionKeys),
        clock,
      });
  const ownInstallations = options.installations ?? stores!.installations;
  const runLedger = (schedulerOptions === false ? undefined : schedulerOptions.ledger) ?? stores?.runs;
  // Read once per request: the router's check, the store's storage mode and every CRM call's token.
  const installations = requestCachedInstallations(ownInstallations);
  const tokenClient = new OAuthTokenClient({
    apiBase: options.crm.apiBase,
    clientId: config.hubspotClientId,
    clientSecret: config.hubspotClientSecret,
    clock,
  });
  const tokens = new AccessTokenProvider({
    installations,
    oauth: tokenClient,
    clock,
    log: logger.child({ component: 'tokens' }),
  });
  const transport = new HubSpotTransport({
    basePath: options.crm.apiBase,
    accessToken: tokens.accessToken,
    clock,
    throttle: new PortalThrottle(
      clock,
      options.throttle ?? { ...DEFAULT_THROTTLE, perWindow: config.crmRequestsPer10s },
    ),
    onAttempt: (event) => {
      recordCrmTime(event.durationMs);
      options.onCrmAttempt?.(event);
    },
  });
  /** How a portal keeps its plans: from its installation (mode chosen at install, admin settings). */
  const portalConfig = async (portalId: string): Promise<PortalStoreConfig> => {
    const installation = await installations.getInstallation(hubSpotTenant(portalId));
    return {
      storageMode: installation?.storageMode ?? 'document',
      writeNativeForecast: installation?.settings.writeNativeForecast ?? false,
    };
  };
  const storeLog = logger.child({ component: 'plan-store' });
  const plans =
    options.plans ??
    new HubSpotPlanStore({
      transport,
      portalConfig,
      onRepairable: (deal, problems) =>
        storeLog.warn(
          { portalId: deal.accountId, dealId: deal.dealId, problems },
          'plan loaded with repairable problems; the next save repairs them',
        ),
    });
  const planScan = new HubSpotPlanScan({ transport, portalConfig });
  const locks = options.locks ?? openDealLocks(config.databaseUrl);
  const provision: ProvisionTenant = options.provision ?? hubSpotProvisioning(transport);
  const accounts: AccountInfo = options.accounts ?? hubSpotAccountInfo(transport);
  const unlockedLifecycle =
    options.lifecycle ?? (options.plans ? undefined : new HubSpotPlanLifecycle({ transport, portalConfig }));
  const lifecycle = unlockedLifecycle ? lockedLifecycle(unlockedLifecycle, locks) : undefined;
  if (!lifecycle)
    logger.info(
      'no PlanLifecycle: deal deletions and merges from webhooks are acknowledged without archiving milestones',
    );
  const functions: FunctionDeps = {
    plans,
    locks,
    ...(lifecycle ? { lifecycle } : {}),
    clock,
    newId: options.newId ?? randomUUID,
  };
  const publicBaseUrl = options.publicBaseUrl ?? config.publicBaseUrl;
  const signature = {
    verifier: hubSpotRequestVerifier(config.hubspotClientSecret),
    trustProxy: config.trustProxy,
    clock,
    seen: installations,
  };
  const tzLog = logger.child({ component: 'time-zone' });
  const refreshTimeZone = backgroundTimeZoneRefresh({ accounts, installations, clock }, (tenant, error) =>
    tzLog.warn({ crm: tenant.crm, accountId: tenant.accountId, code: error.code }, 'time zone not refreshed'),
  );
  const app = createApp({
    logger,
    installations,
    functions,
    refreshTimeZone,
    ...(lifecycle ? { lifecycle } : {}),
    signature,
    crmEvents: hubSpotWebhookEvents,
    oauth: {
      oauth: hubSpotOAuthInstall({
        clientId: config.hubspotClientId,
        oauthBase: options.crm.oauthBase,
        redirectUri: redirectUri(publicBaseUrl),
        tokens: tokenClient,
      }),
      publicBaseUrl,
      stateSecret: config.stateSigningSecret,
      installations,
      provision,
      accounts,
      clock,
      trustProxy: config.trustProxy,
    },
    readiness: {
      installationStore: async () => {
        await installations.getInstallation(hubSpotTenant(1));
      },
      ...options.readiness,
    },
  });
  const housekeeping =
    options.housekeepingIntervalMs === 0
      ? undefined
      : startHousekeeping(installations, logger, options.housekeepingIntervalMs);
  let daily: StartedScheduler | undefined;
  if (schedulerOptions !== false) {
    try {
      daily = await startScheduler({
        config,
        logger,
        clock,
        installations,
        ledger: runLedger!,
        options: schedulerOptions,
        run: schedulerOptions.run ?? fullReprojection(planScan, clock),
      });
    } catch (error) {
      // The job queue did not start (its database is unreachable): release what was opened, then report it.
      housekeeping?.stop();
      if (!options.locks) await locks.close();
      if (!options.installations) await ownInstallations.close();
      throw error;
    }
  }
  return {
    app,
    installations,
    tokens,
    tokenClient,
    transport,
    plans,
    planScan,
    runLedger,
    scheduler: daily?.scheduler,
    functions,
    provision,
    accounts,
    close: async () => {
      housekeeping?.stop();
      await daily?.stop();
      if (!options.locks) await locks.close();
      if (!options.installations) await ownInstallations.close();
    },
  };
}

/** How often expired install states, old webhook event ids and spent request signatures are pruned. */
export const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Runs the installation store's pruning (functions/prune-expired.ts) now and then every `intervalMs`; a
 * failed run only delays the clean-up to the next one. The timer never keeps the process alive.
 */
export function startHousekeeping(
  installations: Parameters<typeof pruneExpired>[0],
  logger: Logger,
  intervalMs = HOUSEKEEPING_INTERVAL_MS,
): { stop(): void } {
  const run = async (): Promise<void> => {
    const pruned = await pruneExpired(installations);
    if (!pruned.ok) {
      logger.warn({ err: pruned.error.message }, 'installation store pruning failed');
      return;
    }
    const { states, events, signatures } = pruned.value;
    if (states + events + signatures > 0) logger.info(pruned.value, 'installation store pruned');
  };
  void run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The lifecycle's changes to a plan (deletion, merge) take the same deal locks as the functions' saves. */
function lockedLifecycle(inner: PlanLifecycle, locks: DealLocks): PlanLifecycle {
  return {
    archiveDealPlan: (deal) => locks.run(deal, () => inner.archiveDealPlan(deal)),
    reconcileMerge: (input) => locks.run(input.survivor, () => inner.reconcileMerge(input)),
  };
}

/** How often each instance ticks the daily scheduler (it also ticks once at start). */
export const DAILY_TICK_INTERVAL_MS = 5 * 60 * 1000;

/**
 * The job queue the configuration asks for: pg-boss in the PostgreSQL database (DATABASE_URL, schema
 * `pgboss`), or the in-process queue (SQLite: one instance). `worker: false` for a short-lived client (the
 * CLI) that only sends or counts, and takes no part in pg-boss's maintenance.
 */
export async function openJobQueue(
  config: Pick<Config, 'databaseUrl'>,
  logger: Logger,
  options: { readonly worker?: boolean } = {},
): Promise<JobQueue> {
  if (config.databaseUrl === null) return new InProcessJobQueue();
  const log = logger.child({ component: 'pg-boss' });
  return PgBossJobQueue.open({
    connectionString: config.databaseUrl,
    supervise: options.worker ?? true,
    onError: (error) => log.warn({ err: error.message }, 'job queue error (it keeps running)'),
  });
}

/**
 * The daily run as it stands: the full reprojection of the tenant's plans for its day, whatever the kind (the
 * reprojection of due plans, functions/daily-reproject.ts, takes its place when it is merged).
 */
export function fullReprojection(scan: PlanScan, clock: Clock): DailyRunHandler {
  return async (tenant, localDate) => {
    const result = await reprojectTenant({ scan, clock }, { tenant, today: localDate, estimateTotal: false });
    if (result.ok) return result;
    return { ok: false, error: { code: result.error.code, message: result.error.message } };
  };
}

interface StartedScheduler {
  readonly scheduler: DailyScheduler;
  stop(): Promise<void>;
}

async function startScheduler(input: {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly installations: InstallationStore;
  readonly ledger: RunLedger;
  readonly options: SchedulerOptions;
  readonly run: DailyRunHandler;
}): Promise<StartedScheduler> {
  const { config, clock, options } = input;
  const log = input.logger.child({ component: 'daily-runs' });
  const queue = options.queue ?? (await openJobQueue(config, input.logger));
  let scheduler: DailyScheduler;
  try {
    scheduler = await startDailyScheduler({
      installations: input.installations,
      ledger: input.ledger,
      queue,
      clock,
      run: input.run,
      runAtMinutes: config.dailyRunAtMinutes,
      ...(options.queueDefinition ? { queueDefinition: options.queueDefinition } : {}),
      ...(options.heartbeatEveryMs === undefined ? {} : { heartbeatEveryMs: options.heartbeatEveryMs }),
      report: (event) => logDailyEvent(log, event),
    });
  } catch (error) {
    if (!options.queue) await queue.stop();
    throw error;
  }
  let ticking = false;
  const tick = async (): Promise<void> => {
    // A tick slower than the interval (a database under load) is not stacked with the next.
    if (ticking) return;
    ticking = true;
    try {
      await scheduler.tick();
    } catch (error) {
      // The database or the queue is unavailable: the next tick tries again.
      log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'daily scheduler tick failed',
      );
    } finally {
      ticking = false;
    }
  };
  const interval = options.tickIntervalMs ?? DAILY_TICK_INTERVAL_MS;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (interval > 0) {
    void tick();
    timer = setInterval(() => void tick(), interval);
    timer.unref();
  }
  log.info(
    { engine: queue.engine, runAt: config.dailyRunAtMinutes, tickEveryMs: interval },
    'daily scheduler started',
  );
  return {
    scheduler,
    stop: async () => {
      if (timer) clearInterval(timer);
      if (!options.queue) await queue.stop();
    },
  };
}

/** The numbers of a run's report (its lists, such as failed deals, stay in the ledger). */
const reportCounts = (report: unknown): Record<string, number> =>
  typeof report === 'object' && report !== null
    ? Object.fromEntries(
        Object.entries(report).filter((e): e is [string, number] => typeof e[1] === 'number'),
      )
    : {};

function logDailyEvent(log: Logger, event: DailySchedulerEvent): void {
  switch (event.type) {
    case 'tick': {
      const { queued, alreadyQueued, waiting } = event.report;
      if (queued.length > 0)
        log.info(
          {
            queued: queued.map((d) => `${d.tenant.crm}:${d.tenant.accountId} ${d.localDate} ${d.kind}`),
            alreadyQueued,
            waiting,
          },
          'daily runs queued',
        );
      else log.debug({ alreadyQueued, waiting }, 'daily scheduler tick: nothing to queue');
      return;
    }
    case 'run': {
      const { outcome } = event;
      if (outcome.outcome === 'done')
        log.info(
          {
            crm: outcome.tenant.crm,
            accountId: outcome.tenant.accountId,
            localDate: outcome.localDate,
            kind: outcome.kind,
            attempt: outcome.attempt,
            ...reportCounts(outcome.report),
          },
          'daily run done',
        );
      else
        log.info({ why: outcome.why, detail: outcome.detail, attempt: event.attempt }, 'daily run skipped');
      return;
    }
    case 'run-failed': {
      const { error } = event;
      if (error instanceof DailyRunFailed)
        log.warn(
          {
            crm: error.tenant.crm,
            accountId: error.tenant.accountId,
            localDate: error.localDate,
            kind: error.kind,
            attempt: error.attempt,
            code: error.error.code,
            err: error.error.message,
          },
          'daily run failed; the queue retries it with backoff',
        );
      else
        log.error(
          { attempt: event.attempt, err: error instanceof Error ? error.message : String(error) },
          'daily run failed unexpectedly; the queue retries it with backoff',
        );
      return;
    }
    case 'pruned':
      log.info({ before: event.before, rows: event.rows }, 'old daily run records pruned');
      return;
  }
}
