/**
 * reproject-tenant: recomputes the forecast fields of every deal with a plan of one tenant for a given day
 * and writes only the fields that changed (milestones become overdue without any edit). The plans come page
 * by page from the PlanScan port's listing of every deal (which reads ahead); what happens to them is
 * reproject-pages' (project, compare, batch writes of the changed fields). A page that cannot be listed stops
 * the run (the rest cannot be reached), which is the error, with the report so far. One estimate of the deal
 * count gives the ETA. daily-reproject's full pass runs this, recording each plan's next change date.
 */
import type { IsoDate } from '../src/domain/dates.js';
import type { Tenant } from '../src/domain/model.js';
import { err, ok, type Result } from '../src/domain/result.js';
import type { Clock } from '../src/ports/clock.js';
import type { CrmError } from '../src/ports/crm-error.js';
import type { PlanScan, ScanPage } from '../src/ports/plan-scan.js';
import { reprojectPages, type PageCounts, type ReprojectFailure } from './reproject-pages.js';

export { MAX_FAILURES_LISTED, type ReprojectFailure } from './reproject-pages.js';

export interface ReprojectProgress extends PageCounts {
  /** Deals of the tenant, from one estimate (the CRM may count with some delay; null when unknown). */
  readonly totalEstimate: number | null;
  readonly elapsedMs: number;
  /** Time left at the pace so far; null until it can be estimated. */
  readonly etaMs: number | null;
}

export interface ReprojectReport extends ReprojectProgress {
  /** At most MAX_FAILURES_LISTED entries; `failed` counts them all. */
  readonly failures: readonly ReprojectFailure[];
}

/** The run stopped early: a page of deals could not be listed. What was done until then is in `report`. */
export type ReprojectStopped = CrmError & { readonly report: ReprojectReport };

export interface ReprojectTenantDeps {
  readonly scan: PlanScan;
  readonly clock: Clock;
}

export interface ReprojectTenantInput {
  readonly tenant: Tenant;
  /** The day to project for (YYYY-MM-DD, the tenant's calendar). */
  readonly today: IsoDate;
  /** Called after each page and each write; awaited, so a caller may persist it. */
  readonly onProgress?: (progress: ReprojectProgress) => void | Promise<void>;
  /** One estimate of the deal count, for the ETA (default true). */
  readonly estimateTotal?: boolean;
  /** Deals per batch write (default and maximum the port's limit; tests use fewer). */
  readonly writeBatchSize?: number;
  /** Deals per page (default and maximum the port's limit; tests use fewer). */
  readonly pageSize?: number;
  /** After each page is projected, before its writes start (daily-reproject records next change dates). */
  readonly onPage?: (page: ScanPage) => Promise<void>;
  /** Deals whose write failed or was refused. */
  readonly onWriteFailed?: (dealIds: readonly string[]) => Promise<void>;
}

export async function reprojectTenant(
  deps: ReprojectTenantDeps,
  input: ReprojectTenantInput,
): Promise<Result<ReprojectReport, ReprojectStopped>> {
  const { scan, clock } = deps;
  const { tenant } = input;
  const started = clock.now();
  let totalEstimate: number | null = null;
  let counts: PageCounts = { scanned: 0, withPlans: 0, changed: 0, written: 0, failed: 0 };
  const progress = (): ReprojectProgress => {
    const elapsedMs = clock.now() - started;
    const etaMs =
      totalEstimate !== null && counts.scanned > 0
        ? Math.round((elapsedMs / counts.scanned) * Math.max(0, totalEstimate - counts.scanned))
        : null;
    return { ...counts, totalEstimate, elapsedMs, etaMs };
  };

  // Only the ETA needs the estimate: a failed one leaves the ETA unknown, nothing else.
  const estimate =
    input.estimateTotal === false
      ? Promise.resolve()
      : scan.estimateDeals(tenant).then((r) => {
          if (r.ok) totalEstimate = r.value;
        });

  const pageSize = Math.min(scan.batchLimit, Math.max(1, input.pageSize ?? scan.batchLimit));
  const outcome = await reprojectPages({
    scan,
    tenant,
    today: input.today,
    pages: scan.pages(tenant, { pageSize }),
    ...(input.writeBatchSize === undefined ? {} : { writeBatchSize: input.writeBatchSize }),
    ...(input.onPage ? { onPage: input.onPage } : {}),
    ...(input.onWriteFailed ? { onWriteFailed: input.onWriteFailed } : {}),
    onProgress: async (c) => {
      counts = c;
      await input.onProgress?.(progress());
    },
  });
  await estimate;
  counts = outcome.counts;
  const final: ReprojectReport = { ...progress(), failures: outcome.failures };
  return outcome.stopped === null ? ok(final) : err({ ...outcome.stopped, report: final });
}

/** One line for a terminal: counts, pace and ETA. */
export function formatProgress(p: ReprojectProgress): string {
  const total = p.totalEstimate === null ? '' : ` of ~${p.totalEstimate}`;
  const eta = p.etaMs === null ? '' : `, ETA ${Math.ceil(p.etaMs / 1_000)} s`;
  return `scanned ${p.scanned}${total} deals, ${p.withPlans} with plans, ${p.changed} changed, ${p.written} written, ${p.failed} failed (${(p.elapsedMs / 1_000).toFixed(1)} s${eta})`;
}
