/**
 * The composition root of the backend: builds every dependency once from the configuration (installation
 * store, OAuth token client, access-token provider, CRM transport, plan store, provisioning) and the express
 * app over them. main.ts, the CLI, the tests and the benchmark all build the backend here, so they run the
 * same wiring.
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
  return {
    app,
    installations,
    tokens,
    tokenClient,
    transport,
    plans,
    planScan,
    schedule,
    functions,
    provision,
    accounts,
    reminders,
    close: async () => {
      housekeeping?.stop();
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
