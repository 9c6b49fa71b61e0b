/**
 * reproject-tenant: recomputes the forecast fields of every deal with a plan of one tenant for a given day
 * and writes only the fields that changed (milestones become overdue without any edit, so this runs daily).
 * No plan is saved and no version bumped: the plan did not change, only today did.
 *
 * - Plans come page by page from the PlanScan port (which reads ahead); each is projected for `today` and
 *   compared with the fields the deal holds. Unchanged deals cost nothing more.
 * - Changed deals are written in batches of the port's limit (only their changed fields), one batch at a
 *   time, while later pages are read. Memory stays bounded: at most two write batches wait behind the one
 *   being written.
 * - A deal that cannot be read or written fails alone and is reported; a page that cannot be listed stops
 *   the run (the rest cannot be reached), which is the error, with the report so far.
 *
 * Written values are computed from the plan as read: a save that commits between that read and the write
 * can be overwritten with the older plan's projection until its next save or the next run (docs/security.md).
 */
import type { IsoDate } from '../src/domain/dates.js';
import type { Tenant } from '../src/domain/model.js';
import { changedFields, project, type Projection } from '../src/domain/project.js';
import { err, ok, type Result } from '../src/domain/result.js';
import type { Clock } from '../src/ports/clock.js';
import type { CrmError } from '../src/ports/crm-error.js';
import type { PlanScan, ProjectionWrite, ScannedPlan } from '../src/ports/plan-scan.js';

export interface ReprojectProgress {
  /** Deals listed so far (with or without a plan). */
  readonly scanned: number;
  readonly withPlans: number;
  /** Deals whose forecast fields differ from the new projection. */
  readonly changed: number;
  readonly written: number;
  /** Deals that could not be read, projected or written (see `failures`). */
  readonly failed: number;
  /** Deals of the tenant, from one estimate (the CRM may count with some delay; null when unknown). */
  readonly totalEstimate: number | null;
  readonly elapsedMs: number;
  /** Time left at the pace so far; null until it can be estimated. */
  readonly etaMs: number | null;
}

export interface ReprojectFailure {
  readonly dealIds: readonly string[];
  /** What went wrong, for an operator (a CRM error code and message, or why a plan cannot be read). */
  readonly reason: string;
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
}

export const MAX_FAILURES_LISTED = 100;

export async function reprojectTenant(
  deps: ReprojectTenantDeps,
  input: ReprojectTenantInput,
): Promise<Result<ReprojectReport, ReprojectStopped>> {
  const { scan, clock } = deps;
  const { tenant, today } = input;
  const started = clock.now();
  const sized = (n: number | undefined): number =>
    Math.min(scan.batchLimit, Math.max(1, n ?? scan.batchLimit));
  const writeBatchSize = sized(input.writeBatchSize);
  const counts = { scanned: 0, withPlans: 0, changed: 0, written: 0, failed: 0 };
  const failures: ReprojectFailure[] = [];
  let totalEstimate: number | null = null;

  const fail = (dealIds: readonly string[], reason: string): void => {
    counts.failed += dealIds.length;
    if (failures.length < MAX_FAILURES_LISTED) failures.push({ dealIds, reason });
  };
  const progress = (): ReprojectProgress => {
    const elapsedMs = clock.now() - started;
    const etaMs =
      totalEstimate !== null && counts.scanned > 0
        ? Math.round((elapsedMs / counts.scanned) * Math.max(0, totalEstimate - counts.scanned))
        : null;
    return { ...counts, totalEstimate, elapsedMs, etaMs };
  };
  const report = async (): Promise<void> => {
    await input.onProgress?.(progress());
  };

  // Writes run one batch at a time, in order, beside the reads of later pages.
  let writes: Promise<void> = Promise.resolve();
  let queued = 0;
  const pending: ProjectionWrite[] = [];
  const flush = async (all: boolean): Promise<void> => {
    while (pending.length >= writeBatchSize || (all && pending.length > 0)) {
      const batch = pending.splice(0, writeBatchSize);
      queued++;
      writes = writes.then(async () => {
        const res = await scan.writeProjections(tenant, batch);
        queued--;
        if (!res.ok)
          fail(
            batch.map((w) => w.deal.dealId),
            `${res.error.code}: ${res.error.message}`,
          );
        else {
          counts.written += res.value.written.length;
          for (const refused of res.value.refused) fail(refused.dealIds, refused.reason);
        }
        await report();
      });
      // Bounded memory: never more than two batches waiting behind the one being written.
      if (queued > 2) await writes;
    }
  };

  // Only the ETA needs the estimate: a failed one leaves the ETA unknown, nothing else.
  const estimate =
    input.estimateTotal === false
      ? Promise.resolve()
      : scan.estimateDeals(tenant).then((r) => {
          if (r.ok) totalEstimate = r.value;
        });

  let stopped: CrmError | null = null;
  for await (const page of scan.pages(tenant, { pageSize: sized(input.pageSize) })) {
    if (!page.ok) {
      stopped = page.error;
      break;
    }
    counts.scanned += page.value.scanned;
    counts.withPlans += page.value.plans.length + page.value.failures.length;
    for (const failure of page.value.failures) fail([failure.dealId], failure.reason);
    for (const scanned of page.value.plans) {
      const fields = fieldsToWrite(scanned, scan.asStored(project(scanned.plan, today)));
      if (Object.keys(fields).length === 0) continue;
      counts.changed++;
      pending.push({ deal: scanned.deal, fields });
    }
    await flush(false);
    await report();
  }
  await flush(true);
  await writes;
  await estimate;
  const final: ReprojectReport = { ...progress(), failures };
  return stopped === null ? ok(final) : err({ ...stopped, report: final });
}

/** The fields whose value differs from what the deal holds, and those it holds out of sync. */
function fieldsToWrite(scanned: ScannedPlan, next: Projection): Partial<Projection> {
  const fields = changedFields(scanned.writtenProjection, next);
  for (const field of scanned.outOfSync) Object.assign(fields, { [field]: next[field] });
  return fields;
}

/** One line for a terminal: counts, pace and ETA. */
export function formatProgress(p: ReprojectProgress): string {
  const total = p.totalEstimate === null ? '' : ` of ~${p.totalEstimate}`;
  const eta = p.etaMs === null ? '' : `, ETA ${Math.ceil(p.etaMs / 1_000)} s`;
  return `scanned ${p.scanned}${total} deals, ${p.withPlans} with plans, ${p.changed} changed, ${p.written} written, ${p.failed} failed (${(p.elapsedMs / 1_000).toFixed(1)} s${eta})`;
}
