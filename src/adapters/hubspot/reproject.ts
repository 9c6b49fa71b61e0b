/**
 * Bulk reprojection: recomputes the map_* fields of every deal with a plan in a portal for a given day and
 * writes only the deals whose fields changed (milestones become overdue without any edit, so this runs
 * daily). docs/data-model.md ("Bulk reprojection") has the call budget.
 *
 * - Deals are found by listing every deal, 100 a page, with the plan header and the map_* fields
 *   (`GET /crm/v3/objects/deals?properties=…`): a listing sees every deal at once, while search is eventually
 *   consistent and stops at 10,000 results, which would silently miss plans. One search call (`total`) only
 *   feeds the ETA.
 * - Custom-object mode reads the milestones of a whole page with batch reads by map_key, 100 keys a call,
 *   across deals; document mode needs nothing more than the page.
 * - Changed deals are written with batch updates of 100 (only their changed fields), one batch at a time,
 *   while the next page is read. No version is bumped: the plan did not change, only today did.
 * - Memory stays bounded: at most three pages being processed, the next one being listed, at most two write
 *   batches waiting.
 * - A failed milestone read or write fails only its deals, which are reported; a failed page ends the run
 *   (HubSpot's cursor is opaque, so the rest cannot be reached), also reported. Every call goes through the
 *   transport: the portal's throttle and the retry policy.
 *
 * Written values are computed from the plan as read: a save that commits between that read and the write
 * can be overwritten with the older plan's projection until its next save or the next run (HubSpot has no
 * conditional writes).
 */
import type { IsoDate } from '../../domain/dates.js';
import type { DealRef } from '../../domain/model.js';
import { changedFields, project } from '../../domain/project.js';
import type { Clock } from '../../ports/clock.js';
import type { CrmError } from '../../ports/crm-error.js';
import {
  canonicalProjection,
  decodeNumber,
  encodeNativeForecastProbability,
  encodeProjection,
  MILESTONE_KEY,
  MILESTONE_RECORD_PROPERTIES,
  milestoneKey,
} from './codec.js';
import {
  BATCH_SIZE,
  batchReadByProperty,
  batchUpdateSettled,
  chunks,
  countRecords,
  listPage,
  type SimpleObject,
} from './crm-objects.js';
import {
  DEAL_READ_PROPERTIES,
  milestoneType,
  NATIVE_FORECAST_PROBABILITY,
  planOf,
  readDealState,
  type DealState,
  type PortalStoreConfig,
} from './plan-store.js';
import type { StoredHeader } from './stored-plan.js';
import type { HubSpotTransport } from './transport.js';

const DEALS = 'deals';

export interface ReprojectProgress {
  /** Deals listed so far (with or without a plan). */
  readonly scanned: number;
  readonly withPlans: number;
  /** Deals whose map_* fields differ from the new projection. */
  readonly changed: number;
  readonly written: number;
  /** Deals that could not be read, projected or written (see `failures`). */
  readonly failed: number;
  /** Deals in the portal, from one search (eventually consistent; null when unknown). */
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
  /** Set when the run stopped early: a page of deals could not be listed. */
  readonly aborted: CrmError | null;
}

export interface ReprojectOptions {
  readonly transport: HubSpotTransport;
  readonly portalId: string;
  readonly config: PortalStoreConfig;
  /** The day to project for (YYYY-MM-DD, the portal's calendar). */
  readonly today: IsoDate;
  readonly clock: Clock;
  /** Called after each page and each write; awaited, so a caller may persist it. */
  readonly onProgress?: (progress: ReprojectProgress) => void | Promise<void>;
  /** One search call for the ETA (default true). */
  readonly estimateTotal?: boolean;
  /** Deals per batch update (default and maximum 100; tests use fewer). */
  readonly writeBatchSize?: number;
  /** Deals per listed page (default and maximum 100; tests use fewer). */
  readonly pageSize?: number;
}

export const MAX_FAILURES_LISTED = 100;
/** Pages whose milestones are read at the same time (memory: this many pages, plus the one being listed). */
const PAGES_IN_FLIGHT = 3;

interface Write {
  readonly id: string;
  readonly properties: Record<string, string>;
}

export async function reprojectPortal(options: ReprojectOptions): Promise<ReprojectReport> {
  const { transport: t, portalId, config, today, clock } = options;
  const started = clock.now();
  const writeBatchSize = Math.min(BATCH_SIZE, Math.max(1, options.writeBatchSize ?? BATCH_SIZE));
  const pageSize = Math.min(BATCH_SIZE, Math.max(1, options.pageSize ?? BATCH_SIZE));
  const objectType = milestoneType(config, portalId);
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
    await options.onProgress?.(progress());
  };

  // Writes run one batch at a time, in order, beside the reads of later pages.
  let writes: Promise<void> = Promise.resolve();
  let queued = 0;
  const pending: Write[] = [];
  const flush = async (all: boolean): Promise<void> => {
    while (pending.length >= writeBatchSize || (all && pending.length > 0)) {
      const batch = pending.splice(0, writeBatchSize);
      queued++;
      writes = writes.then(async () => {
        const res = await batchUpdateSettled(t, portalId, DEALS, batch);
        queued--;
        if (!res.ok)
          fail(
            batch.map((w) => w.id),
            `${res.error.code}: ${res.error.message}`,
          );
        else {
          counts.written += res.value.updated.length;
          for (const refused of res.value.refused) fail(refused.ids, refused.reason);
          const accounted = new Set([...res.value.updated, ...res.value.refused.flatMap((r) => r.ids)]);
          const lost = batch.filter((w) => !accounted.has(w.id)).map((w) => w.id);
          if (lost.length > 0) fail(lost, 'HubSpot did not confirm the update');
        }
        await report();
      });
      // Bounded memory: never more than two batches waiting behind the one being written.
      if (queued > 2) await writes;
    }
  };

  const estimate =
    options.estimateTotal === false
      ? Promise.resolve()
      : countRecords(t, portalId, DEALS).then((r) => {
          // Only the ETA needs it: a failed count leaves the ETA unknown, nothing else.
          if (r.ok) totalEstimate = r.value;
        });

  let aborted: CrmError | null = null;
  type Page = Awaited<ReturnType<typeof listPage>>;
  const inFlight: Promise<void>[] = [];
  let next: Promise<Page> | null = listPage(t, portalId, DEALS, DEAL_READ_PROPERTIES, null, pageSize);
  while (next !== null) {
    const page: Page = await next;
    if (!page.ok) {
      aborted = page.error;
      break;
    }
    // Read the next page while this one's milestones are read and projected; up to PAGES_IN_FLIGHT pages are
    // worked on at once, so that the throttle, not the latency of one page, sets the pace.
    next =
      page.value.after === null
        ? null
        : listPage(t, portalId, DEALS, DEAL_READ_PROPERTIES, page.value.after, pageSize);
    inFlight.push(
      projectPage(page.value.results).then(async (writes) => {
        pending.push(...writes);
        await flush(false);
        await report();
      }),
    );
    if (inFlight.length >= PAGES_IN_FLIGHT) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await flush(true);
  await writes;
  await estimate;
  const final = progress();
  return { ...final, failures, aborted };

  /** The writes a page of deals needs; failures are recorded as they are found. */
  async function projectPage(deals: readonly SimpleObject[]): Promise<Write[]> {
    counts.scanned += deals.length;
    const planned: { deal: DealRef; state: DealState; header: StoredHeader }[] = [];
    for (const object of deals) {
      const state = readDealState(object);
      if (state.header === null && state.headerProblem === null) continue;
      counts.withPlans++;
      if (state.header === null) {
        fail([object.id], `the plan cannot be read: ${state.headerProblem ?? 'unknown reason'}`);
        continue;
      }
      planned.push({
        deal: { crm: 'hubspot', accountId: portalId, dealId: object.id },
        state,
        header: state.header,
      });
    }

    // The milestone records of every custom-object plan on the page, 100 keys a call, in parallel.
    const keys: { key: string; dealId: string }[] = [];
    for (const p of planned) {
      if (p.header.storage !== 'custom_object') continue;
      for (const ref of p.header.milestones)
        keys.push({ key: milestoneKey(p.deal.dealId, ref.id), dealId: p.deal.dealId });
    }
    const records = new Map<string, SimpleObject>();
    const unread = new Map<string, string>();
    const reads = await Promise.all(
      chunks(keys).map(async (chunk) => ({
        chunk,
        res: await batchReadByProperty(
          t,
          portalId,
          objectType,
          MILESTONE_KEY,
          chunk.map((k) => k.key),
          MILESTONE_RECORD_PROPERTIES,
        ),
      })),
    );
    for (const { chunk, res } of reads) {
      if (res.ok) for (const [key, record] of res.value) records.set(key, record);
      else for (const k of chunk) unread.set(k.dealId, `${res.error.code}: ${res.error.message}`);
    }

    const out: Write[] = [];
    for (const p of planned) {
      const readFailure = unread.get(p.deal.dealId);
      if (readFailure !== undefined) {
        fail([p.deal.dealId], `its milestones could not be read (${readFailure})`);
        continue;
      }
      const plan = planOf(p.deal, p.state, p.header, records);
      if (!plan.ok) {
        fail([p.deal.dealId], `the plan cannot be read: ${plan.error.slice(0, 3).join('; ')}`);
        continue;
      }
      const next = canonicalProjection(project(plan.value.plan, today));
      const properties = encodeProjection(changedFields(p.state.written, next));
      if (config.writeNativeForecast) {
        const value = encodeNativeForecastProbability(next.closeProbability);
        if (decodeNumber(p.state.object.properties[NATIVE_FORECAST_PROBABILITY]) !== Number(value))
          properties[NATIVE_FORECAST_PROBABILITY] = value;
      }
      if (Object.keys(properties).length === 0) continue;
      counts.changed++;
      out.push({ id: p.deal.dealId, properties });
    }
    return out;
  }
}

/** One line for a terminal: counts, pace and ETA. */
export function formatProgress(p: ReprojectProgress): string {
  const total = p.totalEstimate === null ? '' : ` of ~${p.totalEstimate}`;
  const eta = p.etaMs === null ? '' : `, ETA ${Math.ceil(p.etaMs / 1_000)} s`;
  return `scanned ${p.scanned}${total} deals, ${p.withPlans} with plans, ${p.changed} changed, ${p.written} written, ${p.failed} failed (${(p.elapsedMs / 1_000).toFixed(1)} s${eta})`;
}
