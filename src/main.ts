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
import { openBackendDatabase, type BackendDatabase } from './adapters/db/open.js';
import { MemoryPlanSchedule } from './adapters/memory/plan-schedule.js';
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
import type { PlanSchedule } from './ports/plan-schedule.js';
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
import { SqlInstallationStore } from './adapters/db/installation-store.js';
import { SqlReminderStore } from './adapters/db/reminder-store.js';
import { MemoryReminderStore } from './adapters/memory/reminder-store.js';
import { canWriteTasks, HubSpotCrmTasks, REMINDER_TASK_SCOPES } from './adapters/hubspot/tasks.js';
import type { ReminderStore } from './ports/reminder-store.js';
import type { Tenant } from './domain/model.js';
import type { ReminderAccess } from '../functions/sync-reminders.js';
import { reminderSync, type ReminderEvent, type ReminderSync } from '../functions/reminder-sync.js';
import type { JobQueue } from './ports/jobs.js';
import type { RunLedger } from './ports/run-ledger.js';
import { PgBossJobQueue } from './adapters/jobs/pg-boss.js';
import { InProcessJobQueue } from './adapters/jobs/in-process.js';
import type { DailyRunHandler } from '../functions/daily-runs.js';
import { DailyRunFailed } from '../functions/run-daily.js';
import { dailyReproject } from '../functions/daily-reproject.js';
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
  /**
   * The next-change index. Default: in the database the installation store is opened in (one connection
   * pool); when `installations` is given instead, an index in memory (rebuilt by a full pass).
   */
  readonly schedule?: PlanSchedule;
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
   * Where the reminder to-dos made are recorded. Default: the installation database (when the installation
   * store is the SQL one), else in memory (one process; reminders made before a restart may be made again).
   */
  readonly reminderStore?: ReminderStore;
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
  /** Default: the tenant's daily run (dailyRunHandler: the due pass, the weekly full pass, reminders). */
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
  /** The next-change index the saves record into and the daily reprojection reads. */
  readonly schedule: PlanSchedule;
  /** The daily runs' ledger (undefined when `installations` was given without a scheduler ledger). */
  readonly runLedger: RunLedger | undefined;
  /** The daily scheduler, when started. */
  readonly scheduler: DailyScheduler | undefined;
  readonly functions: FunctionDeps;
  readonly provision: ProvisionTenant;
  readonly accounts: AccountInfo;
  /** Reminder to-dos: the save calls it through `functions`; the daily run calls `afterPlans`. */
  readonly reminders: ReminderSync;
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
  // The backend's own database, unless its store is given: every store in it shares one connection pool.
  let database: BackendDatabase | undefined;
  let ownInstallations: InstallationStore;
  if (options.installations) ownInstallations = options.installations;
  else {
    database = await openBackendDatabase({
      databaseUrl: config.databaseUrl ?? undefined,
      sqlitePath: config.sqlitePath,
      cipher: new TokenCipher(config.tokenEncryptionKeys),
      clock,
    });
    ownInstallations = database.installations;
  }
  const schedule = options.schedule ?? database?.schedule ?? new MemoryPlanSchedule(clock);
  const runLedger = (schedulerOptions === false ? undefined : schedulerOptions.ledger) ?? database?.runs;
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
  const reminders = reminderSync({
    tasks: new HubSpotCrmTasks(transport),
    store: options.reminderStore ?? reminderStoreOn(ownInstallations, logger),
    clock,
    access: (tenant) => reminderAccess(installations, tenant),
    plans,
    locks,
    onEvent: logReminderEvent(logger.child({ component: 'reminders' })),
  });
  const lifecycle = unlockedLifecycle ? lockedLifecycle(unlockedLifecycle, locks, reminders) : undefined;
  if (!lifecycle)
    logger.info(
      'no PlanLifecycle: deal deletions and merges from webhooks are acknowledged without archiving milestones',
    );
  const scheduleLog = logger.child({ component: 'plan-schedule' });
  const functions: FunctionDeps = {
    plans,
    locks,
    ...(lifecycle ? { lifecycle } : {}),
    clock,
    newId: options.newId ?? randomUUID,
    reminders,
    schedule,
    onScheduleFailure: (deal, error) =>
      scheduleLog.warn(
        { crm: deal.crm, accountId: deal.accountId, dealId: deal.dealId, err: error },
        'plan saved, but its next change date was not recorded; the weekly full pass records it',
      ),
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
    schedule,
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
        run: schedulerOptions.run ?? dailyRunHandler({ scan: planScan, schedule, clock, reminders }),
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
    schedule,
    runLedger,
    scheduler: daily?.scheduler,
    functions,
    provision,
    accounts,
    reminders,
    close: async () => {
      housekeeping?.stop();
      await daily?.stop();
      if (!options.locks) await locks.close();
      // Once, for every store in it (the installation store's own close would close the same pool).
      await database?.close();
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

/**
 * The lifecycle's changes to a plan (deletion, merge) take the same deal locks as the functions' saves. A plan
 * that is gone takes its reminder to-dos with it (after the lock is released: the reminders take it again).
 */
function lockedLifecycle(inner: PlanLifecycle, locks: DealLocks, reminders: ReminderSync): PlanLifecycle {
  return {
    archiveDealPlan: async (deal) => {
      const archived = await locks.run(deal, () => inner.archiveDealPlan(deal));
      if (archived.ok) await reminders.planRemoved(deal);
      return archived;
    },
    reconcileMerge: async (input) => {
      const merged = await locks.run(input.survivor, () => inner.reconcileMerge(input));
      if (merged.ok) {
        for (const dealId of input.mergedDealIds)
          if (dealId !== input.survivor.dealId) await reminders.planRemoved({ ...input.survivor, dealId });
      }
      return merged;
    },
  };
}

/** The reminder records beside the installations, in the same database, when that is the SQL store. */
function reminderStoreOn(installations: InstallationStore, logger: Logger): ReminderStore {
  if (installations instanceof SqlInstallationStore) return new SqlReminderStore(installations.database);
  logger.warn(
    'reminder records kept in memory (the installation store is not the SQL one): reminders made before a restart may be made again',
  );
  return new MemoryReminderStore();
}

/**
 * Whether reminders are made for a tenant: an active installation granted the task scopes, with the setting
 * on. Without the scopes (an install from before reminders existed) nothing is done until an admin installs
 * the app again, which grants them.
 */
async function reminderAccess(installations: InstallationStore, tenant: Tenant): Promise<ReminderAccess> {
  const installation = await installations.getInstallation(tenant);
  if (installation?.status.state !== 'active')
    return { state: 'unavailable', reason: 'the app is not installed (or no longer active) in this account' };
  if (!canWriteTasks(installation.scopes)) {
    if (!installation.settings.createReminderTasks)
      return { state: 'unavailable', reason: 'reminder tasks are turned off for this account' };
    const missing = REMINDER_TASK_SCOPES.filter((s) => !installation.scopes.includes(s));
    return {
      state: 'unavailable',
      reason: `the installation lacks the scope(s) HubSpot asks for to write tasks (${missing.join(', ')}): an admin installs the app again to grant them`,
    };
  }
  if (!installation.settings.createReminderTasks) return { state: 'off' };
  return { state: 'on', timeZone: installation.timeZone };
}

function logReminderEvent(log: Logger): (event: ReminderEvent) => void {
  return (event) => {
    switch (event.kind) {
      case 'synced':
        log.info(
          { portalId: event.deal.accountId, dealId: event.deal.dealId, ...event.report },
          'reminder tasks synced',
        );
        return;
      case 'failed':
        log.warn(
          {
            portalId: event.deal.accountId,
            dealId: event.deal.dealId,
            code: event.code,
            reason: event.message,
            ...(event.details ? { details: event.details } : {}),
          },
          'reminder tasks not synced; the next save or daily run tries again',
        );
        return;
      case 'unavailable':
        log.warn(
          { portalId: event.tenant.accountId, reason: event.reason },
          'no reminder tasks are made for this account',
        );
        return;
    }
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
 * The daily run of one tenant's local day (functions/daily-reproject.ts): the due pass reads only the plans
 * the next-change index has due, the weekly full pass reads every plan and repairs the index; both keep the
 * plans' reminder to-dos in step (`reminders`) for the plans they read. A stop (a page that cannot be listed)
 * or a throw (the index's database, a reminder bug) is a failed run, which the queue retries.
 */
export function dailyRunHandler(deps: {
  readonly scan: PlanScan;
  readonly schedule: PlanSchedule;
  readonly clock: Clock;
  readonly reminders?: Pick<ReminderSync, 'afterPlans'>;
}): DailyRunHandler {
  const { reminders } = deps;
  return async (tenant, localDate, kind) => {
    try {
      const result = await dailyReproject(
        {
          scan: deps.scan,
          schedule: deps.schedule,
          clock: deps.clock,
          ...(reminders ? { afterPlans: (t, plans, today) => reminders.afterPlans(t, plans, today) } : {}),
        },
        { tenant, today: localDate, kind },
      );
      if (result.ok) return result;
      return { ok: false, error: { code: result.error.code, message: result.error.message } };
    } catch (error) {
      return {
        ok: false,
        error: { code: 'DAILY_RUN_FAILED', message: error instanceof Error ? error.message : String(error) },
      };
    }
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
