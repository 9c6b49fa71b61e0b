/**
 * What both bulk reprojections do with plans once read (reproject-tenant over every deal of a tenant,
 * daily-reproject over the deals the next-change index has due): project each plan for `today`, compare with
 * the fields its deal holds, and write only the changed fields, in batches. No plan is saved and no version
 * bumped: the plan did not change, only today did.
 *
 * - Pages come from the caller (an AsyncIterable of ScanPages, which may read ahead). Unchanged deals cost
 *   nothing more.
 * - Changed deals are written in batches of the port's limit (only their changed fields), one batch at a
 *   time, while later pages are read. Memory stays bounded: at most two write batches wait behind the one
 *   being written.
 * - A deal that cannot be read or written fails alone and is reported; a page that cannot be read stops the
 *   run (its error is returned with the counts so far), after the writes already queued have ended.
 *
 * Written values are computed from the plan as read: a save that commits between that read and the write
 * can be overwritten with the older plan's projection until its next save or the next run (docs/security.md).
 */
import type { IsoDate } from '../src/domain/dates.js';
import type { Tenant } from '../src/domain/model.js';
import { changedFields, project, type Projection } from '../src/domain/project.js';
import type { CrmError } from '../src/ports/crm-error.js';
import type { Result } from '../src/domain/result.js';
import type { PlanScan, ProjectionWrite, ScannedPlan, ScanPage } from '../src/ports/plan-scan.js';

export interface ReprojectFailure {
  readonly dealIds: readonly string[];
  /** What went wrong, for an operator (a CRM error code and message, or why a plan cannot be read). */
  readonly reason: string;
}

/** At most this many failures are listed in a report; its `failed` counts them all. */
export const MAX_FAILURES_LISTED = 100;

export interface PageCounts {
  /** Deals the pages covered (with or without a plan). */
  readonly scanned: number;
  /** Deals with a plan: read, or not readable (failures). */
  readonly withPlans: number;
  /** Deals whose forecast fields differ from the new projection. */
  readonly changed: number;
  readonly written: number;
  /** Deals that could not be read, projected or written (see `failures`). */
  readonly failed: number;
}

export interface ReprojectPagesInput {
  readonly scan: Pick<PlanScan, 'batchLimit' | 'asStored' | 'writeProjections'>;
  readonly tenant: Tenant;
  readonly today: IsoDate;
  readonly pages: AsyncIterable<Result<ScanPage, CrmError>>;
  /** Deals per batch write (default and maximum the port's limit). */
  readonly writeBatchSize?: number;
  /** The caller's own work on each page, after its plans are projected and before their writes start. */
  readonly onPage?: (page: ScanPage) => Promise<void>;
  /** Deals whose write failed or was refused (they are also counted and listed as failures). */
  readonly onWriteFailed?: (dealIds: readonly string[]) => Promise<void>;
  /** After each page and each write batch; awaited. */
  readonly onProgress?: (counts: PageCounts) => void | Promise<void>;
}

export interface PagesOutcome {
  readonly counts: PageCounts;
  readonly failures: readonly ReprojectFailure[];
  /** The error of the page that could not be read, which ended the run; null when every page was read. */
  readonly stopped: CrmError | null;
}

/**
 * Reprojects every plan of `pages` and writes the changed fields. Throws only what a callback or the port
 * throws (a bug or unavailable infrastructure), and then only after the writes already queued have ended.
 */
export async function reprojectPages(input: ReprojectPagesInput): Promise<PagesOutcome> {
  const { scan, tenant, today } = input;
  const writeBatchSize = Math.min(scan.batchLimit, Math.max(1, input.writeBatchSize ?? scan.batchLimit));
  const counts = { scanned: 0, withPlans: 0, changed: 0, written: 0, failed: 0 };
  const failures: ReprojectFailure[] = [];
  const fail = (dealIds: readonly string[], reason: string): void => {
    counts.failed += dealIds.length;
    if (failures.length < MAX_FAILURES_LISTED) failures.push({ dealIds, reason });
  };
  const writeFailed = async (dealIds: readonly string[], reason: string): Promise<void> => {
    fail(dealIds, reason);
    await input.onWriteFailed?.(dealIds);
  };
  const report = async (): Promise<void> => {
    await input.onProgress?.({ ...counts });
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
          await writeFailed(
            batch.map((w) => w.deal.dealId),
            `${res.error.code}: ${res.error.message}`,
          );
        else {
          counts.written += res.value.written.length;
          for (const refused of res.value.refused) await writeFailed(refused.dealIds, refused.reason);
        }
        await report();
      });
      // Bounded memory: never more than two batches waiting behind the one being written.
      if (queued > 2) await writes;
    }
  };

  let stopped: CrmError | null = null;
  try {
    for await (const page of input.pages) {
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
      // Before this page's writes start, so that what a failed write does (onWriteFailed) comes after it.
      await input.onPage?.(page.value);
      await flush(false);
      await report();
    }
    await flush(true);
  } finally {
    // Also when a callback threw: no write is left running behind the caller's back.
    await writes;
  }
  return { counts: { ...counts }, failures, stopped };
}

/** The fields whose value differs from what the deal holds, and those it holds out of sync. */
function fieldsToWrite(scanned: ScannedPlan, next: Projection): Partial<Projection> {
  const fields = changedFields(scanned.writtenProjection, next);
  for (const field of scanned.outOfSync) Object.assign(fields, { [field]: next[field] });
  return fields;
}
