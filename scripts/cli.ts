/**
 * `npm run cli -- <command>`: operations on installed portals, with the backend's own wiring (the same
 * configuration, installation store, OAuth tokens and HubSpot PlanStore as `npm start`).
 *
 * In sandbox mode without HUBSPOT_API_BASE, the CRM is the sandbox that `npm start` runs on
 * 127.0.0.1:SANDBOX_PORT (default 4010).
 */
// First: on a Node.js older than 22, say what to install before anything else loads.
import '../src/lib/require-node.js';
import { z } from 'zod';
import { calendarDay } from '../src/domain/dates.js';
import { hubSpotTenant } from '../src/adapters/hubspot/tenant.js';
import { formatConfigProblems, loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/lib/logger.js';
import { dropSqliteExperimentalWarning } from '../src/lib/quiet-sqlite-warning.js';

dropSqliteExperimentalWarning();

const USAGE = `Usage: npm run cli -- <command> [arguments]

Commands:
  installations                       list installed portals (status, storage mode, scopes)
  provision <portalId>                (re)run provisioning for an installed portal and print the report
  show <portalId> <dealId>            show a deal's plan and its projection, and any problem reading it
  repair <portalId> <dealId>          rewrite a plan that loads with problems (a milestone record deleted or
                                      changed in HubSpot, a hand-edited version) as it loads now
  reproject <portalId> [--deal <id>]  recompute the projection of every deal with a plan (or one deal) for
                                      today (the portal's day; --today YYYY-MM-DD), write the map_* fields
                                      that changed and record each plan's next change date (the full pass)
  reproject <portalId> --due          the daily pass: only the deals whose next change date has come
  settings <portalId> [reminders on|off]
                                      show a portal's settings, or turn its reminder tasks (a HubSpot task
                                      for the owner of each plan step due within two working days) on or off
  jobs [--limit <n>]                  the latest daily runs (portal, local date, kind, status, attempts, start,
                                      duration, counts, error) and, with PostgreSQL, the job queue's counts
  jobs run <portalId> [--full]        queue the portal's run for its local day now, whatever the run time
                                      (with SQLite the backend's queue is in its memory: the run happens here)
  call <function> <portalId> [json]   POST /api/<function> to the running backend, signed as hubspot.fetch
                                      does (--url <backend>, default http://127.0.0.1:PORT)
  help                                this text

Functions: get-plan, save-plan, update-milestone, apply-template, add-stakeholder, remove-stakeholder,
list-templates, reproject-deal.`;

class UsageError extends Error {}

const PortalId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'a portal id is a positive number')
  .transform(Number);
const DealId = z.string().regex(/^[1-9]\d{0,18}$/, 'a deal id is a positive number');

function arg<T>(schema: z.ZodType<T>, value: string | undefined, name: string): T {
  if (value === undefined) throw new UsageError(`missing <${name}>`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`<${name}>: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  if (value === undefined) throw new UsageError(`--${name} needs a value`);
  return value;
}

function flag(args: string[], name: string): boolean {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}

async function backendFor(config: Config) {
  const { createBackend } = await import('../src/main.js');
  const sandboxPort = process.env.SANDBOX_PORT?.trim() || '4010';
  const apiBase = config.crm.apiBase ?? `http://127.0.0.1:${sandboxPort}`;
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  // The CLI runs one command: the daily scheduler stays with the running backend.
  return createBackend({
    config,
    crm: { apiBase, oauthBase: config.crm.oauthBase ?? apiBase },
    logger,
    scheduler: false,
  });
}

const print = (value: unknown): void => {
  process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
};

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const command = args.shift();
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    print(USAGE);
    return command === undefined ? 1 : 0;
  }
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    process.stderr.write(`${formatConfigProblems(loaded.error)}\n`);
    return 1;
  }
  const config = loaded.value;

  if (command === 'call') {
    const url = option(args, 'url') ?? `http://127.0.0.1:${config.port}`;
    const fn = arg(z.string().regex(/^[a-z-]+$/, 'a function name'), args[0], 'function');
    const portalId = arg(PortalId, args[1], 'portalId');
    const body = Buffer.from(args[2] ?? '{}');
    const { signedRequestHeaders, withCallerQuery } = await import('../src/adapters/hubspot/signature.js');
    const target = withCallerQuery(`${url}/api/${fn}`, { portalId, userId: 1 });
    const headers = {
      'content-type': 'application/json',
      ...signedRequestHeaders({
        method: 'POST',
        url: target,
        rawBody: body,
        clientSecret: config.hubspotClientSecret,
        now: Date.now(),
      }),
    };
    let res: Response;
    try {
      res = await fetch(target, { method: 'POST', headers, body });
    } catch {
      // The backend is not running there: say so rather than print a stack.
      throw new UsageError(`no backend answers at ${url} (start it with npm start, or pass --url)`);
    }
    print(`HTTP ${res.status}`);
    print(await res.text());
    return res.ok ? 0 : 2;
  }

  const backend = await backendFor(config);
  try {
    switch (command) {
      case 'installations': {
        const installations = await backend.installations.listInstallations();
        if (installations.length === 0) print('No installations.');
        for (const installation of installations) {
          const status =
            installation.status.state === 'active' ? 'active' : `inactive (${installation.status.reason})`;
          print(
            `${installation.tenant.crm} ${installation.tenant.accountId}\t${status}\t${installation.storageMode}\tapp ${installation.appId}\tinstalled ${new Date(installation.installedAt).toISOString()}\t${installation.scopes.length} scopes\t${installation.timeZone ?? 'time zone not read yet (UTC)'}`,
          );
        }
        return 0;
      }
      case 'settings': {
        const portalId = arg(PortalId, args[0], 'portalId');
        const tenant = hubSpotTenant(portalId);
        if (args[1] === undefined) {
          const installation = await backend.installations.getInstallation(tenant);
          if (!installation) throw new UsageError(`portal ${portalId} has no installation`);
          print(installation.settings);
          return 0;
        }
        if (args[1] !== 'reminders') throw new UsageError(`unknown setting ${args[1]} (known: reminders)`);
        const on = arg(z.enum(['on', 'off']), args[2], 'on|off') === 'on';
        const updated = await backend.installations.updateSettings(tenant, { createReminderTasks: on });
        if (!updated) throw new UsageError(`portal ${portalId} has no installation`);
        print(
          on
            ? `Reminder tasks are on for portal ${portalId}: each deal's next save or daily run makes the ones due.`
            : `Reminder tasks are off for portal ${portalId}: none is made, and each deal's open ones are deleted on its next save or daily run (completed ones stay).`,
        );
        return 0;
      }
      case 'provision': {
        const portalId = arg(PortalId, args[0], 'portalId');
        const installation = await backend.installations.getInstallation(hubSpotTenant(portalId));
        if (installation?.status.state !== 'active')
          throw new UsageError(`portal ${portalId} has no active installation; install the app first`);
        const { provisionTenant } = await import('../functions/install-tenant.js');
        const report = await provisionTenant(backend, installation);
        if (!report.ok) {
          process.stderr.write(`Provisioning failed: ${report.error.code}: ${report.error.message}\n`);
          return 2;
        }
        const { formatProvisionReport } = await import('../src/adapters/hubspot/provision.js');
        print(formatProvisionReport(report.value));
        return 0;
      }
      case 'show':
      case 'repair': {
        const portalId = arg(PortalId, args[0], 'portalId');
        const dealId = arg(DealId, args[1], 'dealId');
        const installation = await backend.installations.getInstallation(hubSpotTenant(portalId));
        if (installation?.status.state !== 'active')
          throw new UsageError(`portal ${portalId} has no active installation`);
        const { project } = await import('../src/domain/project.js');
        const { inspectPlan } = await import('../functions/repair-plan.js');
        const deal = { ...hubSpotTenant(portalId), dealId };
        // The tenant's calendar day, as the functions use it (UTC until its time zone was read).
        const today = calendarDay(Date.now(), installation.timeZone ?? undefined);
        const outcome = await inspectPlan(backend.functions, deal, { repair: command === 'repair', today });
        if (!outcome.ok) {
          process.stderr.write(`${outcome.error.code}: ${outcome.error.message}\n`);
          const details = 'details' in outcome.error ? (outcome.error.details ?? []) : [];
          for (const d of details) process.stderr.write(`  - ${d}\n`);
          return 2;
        }
        const { stored, repaired } = outcome.value;
        if (stored === null) {
          print(`Deal ${dealId} has no plan.`);
          return 0;
        }
        if (command === 'show') {
          print({ plan: stored.plan, projection: project(stored.plan, today), version: stored.plan.version });
          if (stored.problems.length > 0) {
            print(
              `\nThe plan loads with ${stored.problems.length} problem(s); \`npm run cli -- repair ${portalId} ${dealId}\` (or the next edit) rewrites it as shown:`,
            );
            for (const p of stored.problems) print(`  - ${p}`);
          }
          return 0;
        }
        if (!repaired) {
          print(`The plan on deal ${dealId} loads whole: nothing to repair.`);
          return 0;
        }
        print(`Repaired the plan on deal ${dealId} (now version ${stored.plan.version}); it had:`);
        for (const p of outcome.value.problems ?? []) print(`  - ${p}`);
        return 0;
      }
      case 'reproject': {
        const deal = option(args, 'deal');
        const today = option(args, 'today');
        const due = flag(args, 'due');
        const portalId = arg(PortalId, args[0], 'portalId');
        if (due && deal !== undefined)
          throw new UsageError('--due reprojects the due deals: leave out --deal');
        // Awaited here, so that the backend is closed (finally) only once the run is over.
        if (deal === undefined) return await reprojectAll(backend, portalId, today, due ? 'due' : 'full');
        const dealId = arg(DealId, deal, 'dealId');
        const tenant = hubSpotTenant(portalId);
        const installation = await backend.installations.getInstallation(tenant);
        if (installation?.status.state !== 'active')
          throw new UsageError(`portal ${portalId} has no active installation`);
        const { FUNCTIONS, invokeFunction } = await import('../functions/index.js');
        const fn = FUNCTIONS['reproject-deal'];
        const result = await invokeFunction(
          fn,
          backend.functions,
          {
            tenant,
            userId: '0',
            ...(installation.timeZone === null ? {} : { timeZone: installation.timeZone }),
          },
          { dealId },
        );
        if (!result.ok) {
          process.stderr.write(`${result.error.code}: ${result.error.message}\n`);
          return 2;
        }
        print(result.value);
        return 0;
      }
      case 'jobs':
        return await jobs(backend, config, args);
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } finally {
    await backend.close();
  }
}

/** The numbers of a run's report, without its timings: "read 120, changed 3, written 3, failed 0". */
function reportCounts(report: unknown): string {
  if (typeof report !== 'object' || report === null) return '';
  return Object.entries(report)
    .filter(([key, value]) => typeof value === 'number' && !/Ms$|Estimate$/.test(key))
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(', ');
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `jobs` and `jobs run <portalId> [--full]`. */
async function jobs(
  backend: Awaited<ReturnType<typeof backendFor>>,
  config: Config,
  args: string[],
): Promise<number> {
  const ledger = backend.runLedger;
  if (!ledger) throw new Error('the backend has no run ledger');
  const { openJobQueue, dailyRunHandler } = await import('../src/main.js');
  const { DAILY_QUEUE } = await import('../functions/daily-runs.js');
  const { systemClock } = await import('../src/ports/clock.js');
  const logger = createLogger({ level: 'warn' });

  if (args[0] === 'run') {
    const full = args.includes('--full');
    const portalId = arg(PortalId, args.filter((a) => a !== '--full')[1], 'portalId');
    const tenant = hubSpotTenant(portalId);
    const deps = { installations: backend.installations, ledger, clock: systemClock };
    if (config.databaseUrl !== null) {
      const { requestDailyRun } = await import('../functions/schedule-daily.js');
      const queue = await openJobQueue(config, logger, { worker: false });
      try {
        await queue.createQueue(DAILY_QUEUE);
        const queued = await requestDailyRun({ ...deps, queue }, tenant, { full });
        if (!queued.ok) {
          process.stderr.write(`${queued.error.code}: ${queued.error.message}\n`);
          return 2;
        }
        const { kind, localDate, jobId } = queued.value;
        print(
          `Queued the ${kind} run of portal ${portalId} for ${localDate} (job ${jobId}); a running backend's workers pick it up.`,
        );
        return 0;
      } finally {
        await queue.stop();
      }
    }
    const { planDailyRun } = await import('../functions/schedule-daily.js');
    const { runDailyJob, DailyRunFailed } = await import('../functions/run-daily.js');
    const planned = await planDailyRun(deps, tenant, { full });
    if (!planned.ok) {
      process.stderr.write(`${planned.error.code}: ${planned.error.message}\n`);
      return 2;
    }
    const { kind, localDate } = planned.value;
    print(`Running the ${kind} run of portal ${portalId} for ${localDate} here (SQLite: no shared queue)...`);
    try {
      const outcome = await runDailyJob(
        {
          ...deps,
          run: dailyRunHandler({
            scan: backend.planScan,
            schedule: backend.schedule,
            clock: systemClock,
            reminders: backend.reminders,
          }),
        },
        { tenant, localDate, kind },
      );
      if (outcome.outcome === 'done') {
        print(`Done: ${reportCounts(outcome.report)}`);
        return 0;
      }
      print(`Not run: ${outcome.detail}`);
      return 2;
    } catch (error) {
      if (!(error instanceof DailyRunFailed)) throw error;
      print(
        `Failed: ${error.error.code}: ${error.error.message} (recorded; the backend's next tick retries the day)`,
      );
      return 2;
    }
  }

  const limitText = option(args, 'limit');
  const limit = limitText === undefined ? 20 : arg(z.coerce.number().int().min(1).max(1_000), limitText, 'n');
  const runs = await ledger.recent(limit);
  if (runs.length === 0) print('No daily runs recorded yet.');
  else print('portal\tlocal date\tkind\tstatus\tattempts\tstarted\tduration\tcounts\terror');
  const now = Date.now();
  for (const run of runs) {
    const duration =
      run.finishedAt === null
        ? `running ${seconds(now - run.startedAt)} (heartbeat ${seconds(now - run.heartbeatAt)} ago)`
        : seconds(run.finishedAt - run.startedAt);
    const error = run.error === null ? '' : `${run.error.code}: ${run.error.message}`;
    print(
      [
        `${run.tenant.crm} ${run.tenant.accountId}`,
        run.localDate,
        run.kind,
        run.status,
        String(run.attempts),
        new Date(run.startedAt).toISOString(),
        duration,
        reportCounts(run.report),
        error,
      ].join('\t'),
    );
  }
  if (config.databaseUrl === null) {
    print('\nJob queue: in process (SQLite); the running backend keeps it in memory.');
    return 0;
  }
  const queue = await openJobQueue(config, logger, { worker: false });
  try {
    const c = await queue.counts(DAILY_QUEUE.name);
    print(
      `\nJob queue (pg-boss, ${DAILY_QUEUE.name}): ${c.queued} queued, ${c.active} active, ${c.retry} waiting to retry, ${c.failed} failed, ${c.completed} completed (kept 7 days)`,
    );
  } finally {
    await queue.stop();
  }
  return 0;
}

/**
 * `reproject <portalId> [--due]`: the full pass (every deal with a plan) or the due pass (the deals whose
 * next change date has come), with a progress line on stderr, the report and the index's counts on stdout.
 */
async function reprojectAll(
  backend: Awaited<ReturnType<typeof backendFor>>,
  portalId: number,
  todayOption: string | undefined,
  kind: 'due' | 'full',
): Promise<number> {
  const tenant = hubSpotTenant(portalId);
  const installation = await backend.installations.getInstallation(tenant);
  if (installation?.status.state !== 'active')
    throw new UsageError(`portal ${portalId} has no active installation`);
  const { isIsoDate } = await import('../src/domain/dates.js');
  if (todayOption !== undefined && !isIsoDate(todayOption)) throw new UsageError('--today takes YYYY-MM-DD');
  const today = todayOption ?? calendarDay(Date.now(), installation.timeZone ?? undefined);
  const { dailyReproject, formatDailyProgress } = await import('../functions/daily-reproject.js');
  const { systemClock } = await import('../src/ports/clock.js');
  const tty = process.stderr.isTTY;
  const result = await dailyReproject(
    { scan: backend.planScan, schedule: backend.schedule, clock: systemClock },
    {
      tenant,
      today,
      kind,
      onProgress: (p) => {
        process.stderr.write(tty ? `\r${formatDailyProgress(p)}\x1b[K` : `${formatDailyProgress(p)}\n`);
      },
    },
  );
  if (tty) process.stderr.write('\n');
  const report = result.ok ? result.value : result.error.report;
  print(`Reprojected portal ${portalId} for ${today} (${kind} pass): ${formatDailyProgress(report)}`);
  for (const f of report.failures) print(`  failed ${f.dealIds.join(', ')}: ${f.reason}`);
  if (report.indexError !== null) print(`  next change dates not recorded: ${report.indexError}`);
  if (!result.ok) print(`Stopped early: ${result.error.code}: ${result.error.message}`);
  const stats = await backend.schedule.stats(tenant, today);
  print(
    `Next-change index: ${stats.tracked} plans tracked, ${stats.due} due on ${today}, next date ${stats.nextDate ?? 'none'}`,
  );
  return !result.ok || report.failed > 0 || report.unscheduled > 0 ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`Error: ${error.message}\n\n${USAGE}\n`);
      process.exit(1);
    }
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
