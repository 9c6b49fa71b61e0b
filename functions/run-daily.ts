/**
 * run-daily: runs one queued tenant day (a job of DAILY_QUEUE), at most once to completion whatever the job
 * engine delivers:
 *
 * 1. The job's data is parsed (a job that does not parse is dropped: retrying it cannot help).
 * 2. The tenant must still be installed, and the job's day must still be its local day: a job that waited past
 *    the tenant's midnight is dropped, since the next day's run covers it (see functions/daily-runs.ts).
 * 3. The day is claimed in the run ledger. A day already done, or running under a live lease on another
 *    instance, is dropped here; a day whose lease lapsed or whose last attempt failed is taken over.
 * 4. The injected handler runs while a heartbeat renews the lease every minute.
 * 5. Its report is recorded as `done`, or its error as `failed` — and then `DailyRunFailed` is thrown, so
 *    that the engine retries the job with backoff. An exception from the handler is recorded the same way
 *    (code UNEXPECTED) and rethrown.
 *
 * A finish whose claim was taken over meanwhile (this attempt looked dead) writes nothing: the attempt that
 * took over owns the day.
 */
import { localTime } from '../src/domain/local-time.js';
import type { IsoDate } from '../src/domain/dates.js';
import { tenantKey, type Tenant } from '../src/domain/model.js';
import type { Clock } from '../src/ports/clock.js';
import type { InstallationStore } from '../src/ports/installation-store.js';
import type { RunClaim, RunError, RunKind, RunLedger } from '../src/ports/run-ledger.js';
import { dailyJobSchema, HEARTBEAT_EVERY_MS, RUN_LEASE_MS, type DailyRunHandler } from './daily-runs.js';

export interface RunDailyDeps {
  readonly installations: Pick<InstallationStore, 'getInstallation'>;
  readonly ledger: Pick<RunLedger, 'claim' | 'heartbeat' | 'finish'>;
  readonly clock: Pick<Clock, 'now'>;
  readonly run: DailyRunHandler;
  /** How often a running day renews its lease (default HEARTBEAT_EVERY_MS). */
  readonly heartbeatEveryMs?: number;
}

export type SkipReason =
  'invalid-job' | 'not-installed' | 'day-passed' | 'already-done' | 'running-elsewhere' | 'claim-lost';

export type DailyJobOutcome =
  | {
      readonly outcome: 'done';
      readonly tenant: Tenant;
      readonly localDate: IsoDate;
      readonly kind: RunKind;
      readonly attempt: number;
      readonly report: unknown;
    }
  | { readonly outcome: 'skipped'; readonly why: SkipReason; readonly detail: string };

/** The run of a day failed: recorded in the ledger as `failed`; thrown so that the job engine retries it. */
export class DailyRunFailed extends Error {
  override readonly name = 'DailyRunFailed';
  constructor(
    readonly tenant: Tenant,
    readonly localDate: IsoDate,
    readonly kind: RunKind,
    readonly attempt: number,
    readonly error: RunError,
  ) {
    super(
      `daily ${kind} run of ${tenantKey(tenant)} for ${localDate} failed: ${error.code}: ${error.message}`,
    );
  }
}

const skipped = (why: SkipReason, detail: string): DailyJobOutcome => ({ outcome: 'skipped', why, detail });

export async function runDailyJob(deps: RunDailyDeps, data: unknown): Promise<DailyJobOutcome> {
  const parsed = dailyJobSchema.safeParse(data);
  if (!parsed.success) return skipped('invalid-job', parsed.error.issues[0]?.message ?? 'does not parse');
  const { tenant, localDate, kind } = parsed.data;
  const day = `${tenantKey(tenant)} ${localDate}`;

  const installation = await deps.installations.getInstallation(tenant);
  if (installation?.status.state !== 'active')
    return skipped('not-installed', `${day}: no active installation`);
  const today = localTime(deps.clock.now(), installation.timeZone).date;
  if (today !== localDate)
    return skipped('day-passed', `${day}: the tenant's day is now ${today}, whose own run covers this one`);

  const claimed = await deps.ledger.claim({ tenant, localDate, kind }, RUN_LEASE_MS);
  if (!claimed.claimed) {
    const { run } = claimed;
    return run.status === 'done'
      ? skipped('already-done', `${day}: done at attempt ${run.attempts}`)
      : skipped('running-elsewhere', `${day}: attempt ${run.attempts} is running under a live lease`);
  }
  const { claim } = claimed;

  const heartbeat = startHeartbeat(deps, claim);
  let result: Awaited<ReturnType<DailyRunHandler>>;
  try {
    result = await deps.run(tenant, localDate, kind);
  } catch (error) {
    // A bug or lost infrastructure in the handler: the day is recorded as failed, and the engine retries it.
    const message = error instanceof Error ? error.message : String(error);
    await deps.ledger.finish(claim, { status: 'failed', error: { code: 'UNEXPECTED', message } });
    throw error;
  } finally {
    heartbeat.stop();
  }
  if (result.ok) {
    if (!(await deps.ledger.finish(claim, { status: 'done', report: result.value })))
      return skipped('claim-lost', `${day}: attempt ${claim.attempt} was taken over before it finished`);
    return { outcome: 'done', tenant, localDate, kind, attempt: claim.attempt, report: result.value };
  }
  const error = { code: result.error.code, message: result.error.message };
  if (!(await deps.ledger.finish(claim, { status: 'failed', error })))
    return skipped('claim-lost', `${day}: attempt ${claim.attempt} was taken over before it failed`);
  throw new DailyRunFailed(tenant, localDate, kind, claim.attempt, error);
}

/** Renews the claim's lease until stopped; a heartbeat that fails is skipped (the next one tries again). */
function startHeartbeat(deps: RunDailyDeps, claim: RunClaim): { stop(): void } {
  const timer = setInterval(() => {
    // A database hiccup costs one beat; the lease outlasts several missed ones.
    deps.ledger.heartbeat(claim).catch(() => undefined);
  }, deps.heartbeatEveryMs ?? HEARTBEAT_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
