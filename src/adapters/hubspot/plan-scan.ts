/**
 * The PlanScan port on HubSpot: every deal of a portal with its plan, a page at a time, given deals with
 * their plans, and batch writes of map_* fields. The use cases (functions/reproject-tenant.ts,
 * functions/daily-reproject.ts) decide what to write; this file only does the bulk I/O. docs/data-model.md
 * ("Bulk reprojection") has the call budget.
 *
 * - Deals are found by listing every deal, 100 a page, with the plan header and the map_* fields
 *   (`GET /crm/v3/objects/deals?properties=…`): a listing sees every deal at once, while search is eventually
 *   consistent and stops at 10,000 results, which would silently miss plans. One search call (`total`) only
 *   feeds the estimate.
 * - Custom-object mode reads the milestones of a whole page with batch reads by map_key, 100 keys a call,
 *   across deals; document mode needs nothing more than the page.
 * - The scan reads ahead: the next page is listed while this one's milestones are read, and up to
 *   PAGES_IN_FLIGHT pages have their milestones read at once, so that the throttle, not the latency of one
 *   page, sets the pace. Memory: at most that many pages, plus the one being listed.
 * - Given deals (the daily pass's due ones) are read with one batch read of up to 100 deals
 *   (`POST /crm/v3/objects/deals/batch/read`, the same properties as the listing), then their milestones as a
 *   page's are: the same plans, found by id instead of by listing. Deals HubSpot does not find (deleted, merged
 *   away) are left out like deals without a plan.
 * - Writes are batch updates of at most 100 deals (only the fields given), with hs_forecast_probability
 *   beside map_close_probability when the portal opted in.
 * - A failed milestone read fails only its deals; a failed page ends the scan (HubSpot's cursor is opaque, so
 *   the rest cannot be reached). Every call goes through the transport: the portal's throttle and the retry
 *   policy.
 */
import type { DealRef, Tenant } from '../../domain/model.js';
import type { Projection, ProjectionField } from '../../domain/project.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { CrmError } from '../../ports/crm-error.js';
import type {
  PlanScan,
  ProjectionWrite,
  ProjectionWriteOutcome,
  ScanPage,
  ScannedPlan,
} from '../../ports/plan-scan.js';
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
  batchReadByIds,
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
/** Pages whose milestones are read at the same time (memory: this many pages, plus the one being listed). */
const PAGES_IN_FLIGHT = 3;

export interface HubSpotPlanScanOptions {
  readonly transport: HubSpotTransport;
  /** How a portal keeps its plans (the same as the plan store's). */
  readonly portalConfig: (portalId: string) => Promise<PortalStoreConfig>;
}

export class HubSpotPlanScan implements PlanScan {
  readonly batchLimit = BATCH_SIZE;
  private readonly t: HubSpotTransport;

  constructor(private readonly options: HubSpotPlanScanOptions) {
    this.t = options.transport;
  }

  async *pages(
    tenant: Tenant,
    options: { readonly pageSize?: number } = {},
  ): AsyncGenerator<Result<ScanPage, CrmError>> {
    const portalId = tenant.accountId;
    const config = await this.options.portalConfig(portalId);
    const pageSize = Math.min(BATCH_SIZE, Math.max(1, options.pageSize ?? BATCH_SIZE));
    type Listed = Awaited<ReturnType<typeof listPage>>;
    const list = (after: string | null): Promise<Listed> =>
      listPage(this.t, portalId, DEALS, DEAL_READ_PROPERTIES, after, pageSize);
    const inFlight: Promise<ScanPage>[] = [];
    let next: Promise<Listed> | null = list(null);
    while (next !== null) {
      const page: Listed = await next;
      if (!page.ok) {
        for (const read of inFlight) yield ok(await read);
        yield err(page.error);
        return;
      }
      next = page.value.after === null ? null : list(page.value.after);
      inFlight.push(this.readPage(portalId, config, page.value.results));
      if (inFlight.length >= PAGES_IN_FLIGHT) yield ok(await inFlight.shift()!);
    }
    for (const read of inFlight) yield ok(await read);
  }

  async readDeals(tenant: Tenant, dealIds: readonly string[]): Promise<Result<ScanPage, CrmError>> {
    const ids = [...new Set(dealIds)];
    if (ids.length > BATCH_SIZE)
      throw new RangeError(`at most ${BATCH_SIZE} deals per read, got ${ids.length}`);
    if (ids.length === 0) return ok({ scanned: 0, plans: [], failures: [] });
    const portalId = tenant.accountId;
    const config = await this.options.portalConfig(portalId);
    // https://developers.hubspot.com/docs/api-reference/crm-objects-v3/batch/post-crm-v3-objects-objectType-batch-read
    const read = await batchReadByIds(this.t, portalId, DEALS, ids, DEAL_READ_PROPERTIES);
    if (!read.ok) return read;
    const found = ids.flatMap((id) => {
      const deal = read.value.get(id);
      return deal === undefined ? [] : [deal];
    });
    return ok({ ...(await this.readPage(portalId, config, found)), scanned: ids.length });
  }

  estimateDeals(tenant: Tenant): Promise<Result<number, CrmError>> {
    return countRecords(this.t, tenant.accountId, DEALS);
  }

  asStored(projection: Projection): Projection {
    return canonicalProjection(projection);
  }

  async writeProjections(
    tenant: Tenant,
    writes: readonly ProjectionWrite[],
  ): Promise<Result<ProjectionWriteOutcome, CrmError>> {
    const portalId = tenant.accountId;
    const config = await this.options.portalConfig(portalId);
    const inputs = writes.map((w) => {
      const properties = encodeProjection(w.fields);
      if (config.writeNativeForecast && w.fields.closeProbability !== undefined)
        properties[NATIVE_FORECAST_PROBABILITY] = encodeNativeForecastProbability(w.fields.closeProbability);
      return { id: w.deal.dealId, properties };
    });
    const res = await batchUpdateSettled(this.t, portalId, DEALS, inputs);
    if (!res.ok) return res;
    const refused = res.value.refused.map((r) => ({ dealIds: r.ids, reason: r.reason }));
    const accounted = new Set([...res.value.updated, ...refused.flatMap((r) => r.dealIds)]);
    const lost = inputs.filter((w) => !accounted.has(w.id)).map((w) => w.id);
    if (lost.length > 0) refused.push({ dealIds: lost, reason: 'HubSpot did not confirm the update' });
    return ok({ written: res.value.updated, refused });
  }

  /** The plans of a page of deals, with the milestones of every custom-object plan read in batches. */
  private async readPage(
    portalId: string,
    config: PortalStoreConfig,
    deals: readonly SimpleObject[],
  ): Promise<ScanPage> {
    const failures: { dealId: string; reason: string }[] = [];
    const planned: { deal: DealRef; state: DealState; header: StoredHeader }[] = [];
    for (const object of deals) {
      const state = readDealState(object);
      if (state.header === null && state.headerProblem === null) continue;
      if (state.header === null) {
        failures.push({
          dealId: object.id,
          reason: `the plan cannot be read: ${state.headerProblem ?? 'unknown reason'}`,
        });
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
    const objectType = milestoneType(config, portalId);
    const records = new Map<string, SimpleObject>();
    const unread = new Map<string, string>();
    const reads = await Promise.all(
      chunks(keys).map(async (chunk) => ({
        chunk,
        res: await batchReadByProperty(
          this.t,
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

    const plans: ScannedPlan[] = [];
    for (const p of planned) {
      const readFailure = unread.get(p.deal.dealId);
      if (readFailure !== undefined) {
        failures.push({ dealId: p.deal.dealId, reason: `its milestones could not be read (${readFailure})` });
        continue;
      }
      const plan = planOf(p.deal, p.state, p.header, records);
      if (!plan.ok) {
        failures.push({
          dealId: p.deal.dealId,
          reason: `the plan cannot be read: ${plan.error.slice(0, 3).join('; ')}`,
        });
        continue;
      }
      plans.push({
        deal: p.deal,
        plan: plan.value.plan,
        writtenProjection: p.state.written,
        outOfSync: outOfSync(config, p.state),
      });
    }
    return { scanned: deals.length, plans, failures };
  }
}

/**
 * hs_forecast_probability follows map_close_probability when the portal opted in: when it holds another
 * value (the setting was just turned on, or someone edited it), the close probability is written again.
 */
function outOfSync(config: PortalStoreConfig, state: DealState): ProjectionField[] {
  if (!config.writeNativeForecast || state.written === null) return [];
  const native = decodeNumber(state.object.properties[NATIVE_FORECAST_PROBABILITY]);
  return native === Number(encodeNativeForecastProbability(state.written.closeProbability))
    ? []
    : ['closeProbability'];
}
