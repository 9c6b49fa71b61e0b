/**
 * daily-reproject: the scheduled reprojection of one tenant for its calendar day, in one of two kinds.
 *
 * - `due` (daily): reads only the deals the next-change index (PlanSchedule) has due on `today`, a batch at a
 *   time (PlanScan.readDeals: a few CRM calls per 100 deals, the next batch read while this one is worked on),
 *   so the cost follows the plans whose fields change that day, not the number of plans. Each plan is
 *   reprojected like reproject-tenant does (reproject-pages: changed fields only, batch writes), then its next
 *   date is recorded. A due deal the CRM no longer has with a plan (deleted, merged away, plan removed) is
 *   forgotten; one that could not be read stays due and is retried at the next run.
 * - `full` (weekly, and the first run): reproject-tenant's scan of every deal, which records the next date of
 *   every plan it reads, so it seeds the index and repairs it: at the end, rows of deals it did not find with
 *   a plan are forgotten (only after a scan that listed every deal and recorded every plan it read).
 *
 * Either kind marks due again (today) a deal whose write failed or whose plan could not be read, so that its
 * fields are not left stale until a later date, and calls `afterPlans` with each batch of plans read. A failure
 * of the index itself (its database) does not stop the CRM work: it is counted as `unscheduled` with the
 * first error, and the weekly full pass records what it missed. A batch or page the CRM cannot read stops
 * the run, which is the error, with the report so far.
 */
import type { IsoDate } from '../src/domain/dates.js';
import type { Tenant } from '../src/domain/model.js';
import { err, ok, type Result } from '../src/domain/result.js';
import type { Clock } from '../src/ports/clock.js';
import type { CrmError } from '../src/ports/crm-error.js';
import type { PlanSchedule, ScheduleEntry } from '../src/ports/plan-schedule.js';
import type { PlanScan, ScannedPlan, ScanPage } from '../src/ports/plan-scan.js';
import { nextWorkDate } from './next-work.js';
import { reprojectPages, type PageCounts, type ReprojectFailure } from './reproject-pages.js';
import { reprojectTenant } from './reproject-tenant.js';

export type DailyKind = 'due' | 'full';

export interface DailyReprojectDeps {
  readonly scan: PlanScan;
  readonly schedule: PlanSchedule;
  /** The same clock the schedule stamps its records with (the full pass forgets rows not stamped since it began). */
  readonly clock: Clock;
  /**
   * Called once per batch or page read (its plans, possibly none), after their next dates are recorded and
   * before their writes start; awaited. A throw ends the run (a bug or unavailable infrastructure).
   */
  readonly afterPlans?: (tenant: Tenant, plans: readonly ScannedPlan[], today: IsoDate) => Promise<void>;
}

export interface DailyReprojectProgress {
  readonly kind: DailyKind;
  readonly today: IsoDate;
  /** full: deals listed (with or without a plan); due: due deals of the index looked up. */
  readonly scanned: number;
  /** Plans read. */
  readonly read: number;
  /** Deals whose forecast fields differed from the new projection. */
  readonly changed: number;
  readonly written: number;
  /** Deals that could not be read, projected or written (see `failures`). */
  readonly failed: number;
  /** Next dates recorded in the index (one per plan read). */
  readonly scheduled: number;
  /** Index rows removed: deals found without a plan (due), or not found with one (full). */
  readonly forgotten: number;
  /** Index rows that could not be recorded or removed (the index's database failed; see `indexError`). */
  readonly unscheduled: number;
  /** full: the tenant's deals (one estimate); due: the deals due when the run began; null when unknown. */
  readonly total: number | null;
  readonly elapsedMs: number;
  /** Time left at the pace so far; null until it can be estimated. */
  readonly etaMs: number | null;
}

export interface DailyReprojectReport extends DailyReprojectProgress {
  /** At most MAX_FAILURES_LISTED entries; `failed` counts them all. */
  readonly failures: readonly ReprojectFailure[];
  /** The first failure of the index's database, for an operator; null when there was none. */
  readonly indexError: string | null;
}

/** The run stopped early: the CRM could not list a page or read a batch. What was done is in `report`. */
export type DailyReprojectStopped = CrmError & { readonly report: DailyReprojectReport };

export interface DailyReprojectInput {
  readonly tenant: Tenant;
  /** The tenant's calendar day (YYYY-MM-DD) to project for. */
  readonly today: IsoDate;
  readonly kind: DailyKind;
  /** After each batch or page and each write; awaited. */
  readonly onProgress?: (progress: DailyReprojectProgress) => void | Promise<void>;
  /** Deals per batch or page read (default and maximum the port's limit; tests use fewer). */
  readonly pageSize?: number;
  /** Deals per batch write (default and maximum the port's limit; tests use fewer). */
  readonly writeBatchSize?: number;
}

/**
 * Runs one pass. Throws only when the index cannot list the due deals (its database is unavailable) or
 * `afterPlans` or `onProgress` throws, and then only after the writes in flight have ended.
 */
export async function dailyReproject(
  deps: DailyReprojectDeps,
  input: DailyReprojectInput,
): Promise<Result<DailyReprojectReport, DailyReprojectStopped>> {
  const run = new IndexKeeping(deps, input);
  return input.kind === 'due' ? duePass(deps, input, run) : fullPass(deps, input, run);
}

/** The index's side of a run: what is recorded, forgotten and failed, and the report built from it. */
class IndexKeeping {
  /** When the run began, on the deps' clock: every row it records is stamped at or after this. */
  private readonly started: number;
  counts: PageCounts = { scanned: 0, withPlans: 0, changed: 0, written: 0, failed: 0 };
  total: number | null = null;
  read = 0;
  scheduled = 0;
  forgotten = 0;
  unscheduled = 0;
  indexError: string | null = null;

  constructor(
    private readonly deps: DailyReprojectDeps,
    private readonly input: DailyReprojectInput,
  ) {
    this.started = deps.clock.now();
  }

  /** A page's plans read: their next dates, then afterPlans; for the full pass, unreadable plans due again. */
  async recordPage(page: ScanPage, unreadableDue: boolean): Promise<void> {
    const { tenant, today } = this.input;
    this.read += page.plans.length;
    const entries: ScheduleEntry[] = page.plans.map((p) => ({
      deal: p.deal,
      nextChange: nextWorkDate(p.plan, today),
      version: p.plan.version,
    }));
    if (await this.index(entries.length, () => this.deps.schedule.record(entries)))
      this.scheduled += entries.length;
    if (unreadableDue) await this.markDue(page.failures.map((f) => f.dealId));
    await this.deps.afterPlans?.(tenant, page.plans, today);
  }

  /** Due again today, whatever version: its fields may be stale, so the next pass must read it. */
  async markDue(dealIds: readonly string[]): Promise<void> {
    if (dealIds.length === 0) return;
    const { tenant, today } = this.input;
    const entries = dealIds.map((dealId) => ({ deal: { ...tenant, dealId }, nextChange: today }));
    await this.index(entries.length, () => this.deps.schedule.record(entries));
  }

  async forget(dealIds: readonly string[]): Promise<void> {
    if (dealIds.length === 0) return;
    const { tenant } = this.input;
    const deals = dealIds.map((dealId) => ({ ...tenant, dealId }));
    if (await this.index(deals.length, () => this.deps.schedule.forget(deals)))
      this.forgotten += deals.length;
  }

  /** Full pass: the rows it did not record since it began are deals without a plan now. */
  async sweep(): Promise<void> {
    await this.index(0, async () => {
      this.forgotten += await this.deps.schedule.forgetRecordedBefore(this.input.tenant, this.started);
    });
  }

  progress(): DailyReprojectProgress {
    const { scanned, changed, written, failed } = this.counts;
    const elapsedMs = this.deps.clock.now() - this.started;
    const etaMs =
      this.total !== null && scanned > 0
        ? Math.round((elapsedMs / scanned) * Math.max(0, this.total - scanned))
        : null;
    const { kind, today } = this.input;
    const { read, scheduled, forgotten, unscheduled, total } = this;
    return {
      kind,
      today,
      scanned,
      read,
      changed,
      written,
      failed,
      scheduled,
      forgotten,
      unscheduled,
      total,
      elapsedMs,
      etaMs,
    };
  }

  report(failures: readonly ReprojectFailure[]): DailyReprojectReport {
    return { ...this.progress(), failures, indexError: this.indexError };
  }

  async emit(): Promise<void> {
    await this.input.onProgress?.(this.progress());
  }

  /**
   * Runs one write to the index. A throw is the index's database failing (or a bug): counted and kept for
   * the report instead of stopping the CRM work, because the weekly full pass records what this one missed.
   */
  private async index(rows: number, write: () => Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      this.unscheduled += rows;
      this.indexError ??= error instanceof Error ? error.message : String(error);
      return false;
    }
  }
}

async function fullPass(
  deps: DailyReprojectDeps,
  input: DailyReprojectInput,
  run: IndexKeeping,
): Promise<Result<DailyReprojectReport, DailyReprojectStopped>> {
  const res = await reprojectTenant(
    { scan: deps.scan, clock: deps.clock },
    {
      tenant: input.tenant,
      today: input.today,
      ...(input.pageSize === undefined ? {} : { pageSize: input.pageSize }),
      ...(input.writeBatchSize === undefined ? {} : { writeBatchSize: input.writeBatchSize }),
      onPage: (page) => run.recordPage(page, true),
      onWriteFailed: (dealIds) => run.markDue(dealIds),
      onProgress: async (p) => {
        run.counts = p;
        run.total = p.totalEstimate;
        await run.emit();
      },
    },
  );
  const report = res.ok ? res.value : res.error.report;
  run.counts = report;
  run.total = report.totalEstimate;
  // Only a scan that reached every deal and recorded every plan it read knows which rows are stale.
  if (res.ok && run.unscheduled === 0) await run.sweep();
  const final = run.report(report.failures);
  return res.ok ? ok(final) : err({ ...res.error, report: final });
}

async function duePass(
  deps: DailyReprojectDeps,
  input: DailyReprojectInput,
  run: IndexKeeping,
): Promise<Result<DailyReprojectReport, DailyReprojectStopped>> {
  const { tenant, today } = input;
  const pageSize = Math.min(deps.scan.batchLimit, Math.max(1, input.pageSize ?? deps.scan.batchLimit));
  run.total = (await deps.schedule.stats(tenant, today)).due;
  const outcome = await reprojectPages({
    scan: deps.scan,
    tenant,
    today,
    pages: duePages(deps, input, pageSize, run),
    ...(input.writeBatchSize === undefined ? {} : { writeBatchSize: input.writeBatchSize }),
    onPage: (page) => run.recordPage(page, false),
    onWriteFailed: (dealIds) => run.markDue(dealIds),
    onProgress: async (counts) => {
      run.counts = counts;
      await run.emit();
    },
  });
  run.counts = outcome.counts;
  const final = run.report(outcome.failures);
  return outcome.stopped === null ? ok(final) : err({ ...outcome.stopped, report: final });
}

/**
 * The due deals' plans, a batch at a time, the next batch read while this one is worked on. Before a batch
 * is handed on, its deals the CRM has no plan for any more are forgotten. A batch that cannot be read ends
 * the pages with its error; its deals stay due.
 */
async function* duePages(
  deps: DailyReprojectDeps,
  input: DailyReprojectInput,
  pageSize: number,
  run: IndexKeeping,
): AsyncGenerator<Result<ScanPage, CrmError>> {
  const { tenant, today } = input;
  type Batch = { readonly ids: readonly string[]; readonly read: Result<ScanPage, CrmError> } | null;
  // A batch read ahead settles while nobody awaits it: it must never reject unheard (Node ends the process on
  // an unhandled rejection), so a throw (the index's database failing) is held and thrown when it is awaited.
  type Ahead = { readonly batch: Batch } | { readonly thrown: unknown };
  const readBatch = (afterDealId: string | undefined): Promise<Ahead> =>
    (async (): Promise<Batch> => {
      const ids = await deps.schedule.due(tenant, today, {
        limit: pageSize,
        ...(afterDealId === undefined ? {} : { afterDealId }),
      });
      return ids.length === 0 ? null : { ids, read: await deps.scan.readDeals(tenant, ids) };
    })().then(
      (batch) => ({ batch }),
      (thrown: unknown) => ({ thrown }),
    );
  let next: Promise<Ahead> | null = readBatch(undefined);
  try {
    while (next !== null) {
      const ahead: Ahead = await next;
      next = null;
      if ('thrown' in ahead) throw ahead.thrown;
      const { batch } = ahead;
      if (batch === null) return;
      if (!batch.read.ok) {
        yield batch.read;
        return;
      }
      next = readBatch(batch.ids.at(-1));
      const page = batch.read.value;
      const withPlan = new Set([
        ...page.plans.map((p) => p.deal.dealId),
        ...page.failures.map((f) => f.dealId),
      ]);
      await run.forget(batch.ids.filter((id) => !withPlan.has(id)));
      yield ok(page);
    }
  } finally {
    // The run ended (a callback threw) with a batch read ahead: wait for it, so that nothing runs on behind
    // the caller; its deals simply stay due.
    if (next !== null) await next;
  }
}

/** One line for a terminal: counts, index changes, pace and ETA. */
export function formatDailyProgress(p: DailyReprojectProgress): string {
  const total = p.total === null ? '' : p.kind === 'full' ? ` of ~${p.total}` : ` of ${p.total}`;
  const what = p.kind === 'full' ? `scanned ${p.scanned}${total} deals` : `${p.scanned}${total} due deals`;
  const unscheduled = p.unscheduled > 0 ? `, ${p.unscheduled} not recorded` : '';
  const eta = p.etaMs === null ? '' : `, ETA ${Math.ceil(p.etaMs / 1_000)} s`;
  return `${what}, ${p.read} plans read, ${p.changed} changed, ${p.written} written, ${p.failed} failed; ${p.scheduled} next dates recorded, ${p.forgotten} forgotten${unscheduled} (${(p.elapsedMs / 1_000).toFixed(1)} s${eta})`;
}
