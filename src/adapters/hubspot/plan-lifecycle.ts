/**
 * PlanLifecycle on HubSpot: what happens to plans when HubSpot deletes or merges their deals (webhooks).
 * docs/data-model.md ("Deleted and merged deals") has the rules; every method is idempotent.
 *
 * A deleted (or merged-away) deal is archived in HubSpot, and `GET …/deals/{id}?archived=true` still returns
 * its last property values, so its `map_plan` header names the milestone records to archive. The header is
 * never trusted alone (anyone who can edit a deal property can change it): each record it names is read
 * first, and only records whose `map_key` and `map_deal_id` name the deal are archived or moved
 * (record-ownership.ts). Search is never used (eventually consistent): records a failed save left outside
 * the header are not found here.
 */
import { MAP_DEAL_PROPERTIES } from '../../domain/project.js';
import type { DealRef } from '../../domain/model.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { MergeOutcome, PlanLifecycle } from '../../ports/plan-lifecycle.js';
import type { PlanStoreError } from '../../ports/plan-store.js';
import { canonicalJson, MILESTONE_KEY, milestoneKey } from './codec.js';
import {
  associateDefault,
  batchArchive,
  batchReadByIds,
  batchUpdate,
  getObject,
  patchObject,
} from './crm-objects.js';
import { DEAL_ID_PROPERTY, ownedMilestoneId, recordsOwnedBy } from './record-ownership.js';
import { PLAN_HEADER_PROPERTIES } from './definitions.js';
import {
  DEAL_READ_PROPERTIES,
  MAX_PLAN_VERSION,
  milestoneType,
  readDealState,
  type DealState,
  type PortalStoreConfig,
} from './plan-store.js';
import type { StoredHeader } from './stored-plan.js';
import type { HubSpotTransport } from './transport.js';

const DEALS = 'deals';

export interface HubSpotPlanLifecycleOptions {
  readonly transport: HubSpotTransport;
  readonly portalConfig: (portalId: string) => Promise<PortalStoreConfig>;
}

/** A deal as read for the lifecycle: live, archived, or gone (purged, or never existed). */
type DealRead =
  { readonly where: 'live' | 'archived'; readonly state: DealState } | { readonly where: 'gone' };

/** The milestone records a header names: those of its milestones and those still to be archived. */
function recordsOf(header: StoredHeader | null): string[] {
  if (header?.storage !== 'custom_object') return [];
  return [...header.milestones.map((m) => m.recordId), ...header.retired];
}

export class HubSpotPlanLifecycle implements PlanLifecycle {
  private readonly t: HubSpotTransport;

  constructor(private readonly options: HubSpotPlanLifecycleOptions) {
    this.t = options.transport;
  }

  async archiveDealPlan(
    deal: DealRef,
  ): Promise<Result<{ readonly archivedMilestones: number }, PlanStoreError>> {
    const read = await this.readDeal(deal.accountId, deal.dealId);
    if (!read.ok) return read;
    // A live deal was restored after the deletion (or the event is stale): its plan is in use.
    if (read.value.where !== 'archived') return ok({ archivedMilestones: 0 });
    const config = await this.options.portalConfig(deal.accountId);
    const objectType = milestoneType(config, deal.accountId);
    const owned = await this.owned(
      deal.accountId,
      objectType,
      deal.dealId,
      recordsOf(read.value.state.header),
    );
    if (!owned.ok) return owned;
    const archived = await batchArchive(this.t, deal.accountId, objectType, owned.value);
    if (!archived.ok) return archived;
    return ok({ archivedMilestones: owned.value.length });
  }

  /** Those of `ids` that HubSpot says are milestone records of `dealId`. */
  private async owned(
    portalId: string,
    objectType: string,
    dealId: string,
    ids: readonly string[],
  ): Promise<Result<string[], PlanStoreError>> {
    const read = await recordsOwnedBy(this.t, portalId, objectType, dealId, ids);
    return read.ok ? ok([...read.value.owned.keys()]) : read;
  }

  async reconcileMerge(input: {
    readonly survivor: DealRef;
    readonly primaryDealId: string;
    readonly mergedDealIds: readonly string[];
  }): Promise<Result<MergeOutcome, PlanStoreError>> {
    const { accountId: portalId, dealId: survivorId } = input.survivor;
    const candidates = [...new Set([input.primaryDealId, ...input.mergedDealIds])];
    const ids = candidates.includes(survivorId) ? candidates : [...candidates, survivorId];
    const reads = await Promise.all(ids.map((id) => this.readDeal(portalId, id)));
    const byId = new Map<string, DealRead>();
    for (const [i, r] of reads.entries()) {
      if (!r.ok) return r;
      byId.set(ids[i]!, r.value);
    }
    const plans = candidates.flatMap((dealId) => {
      const read = byId.get(dealId);
      return read?.where !== 'gone' && read?.state.header
        ? [{ dealId, state: read.state, header: read.state.header }]
        : [];
    });
    // The rule of the port: the primary's plan, else the highest version (ties: the first listed).
    const kept =
      plans.find((p) => p.dealId === input.primaryDealId) ??
      plans.reduce<(typeof plans)[number] | undefined>(
        (best, p) => (best === undefined || p.state.storedVersion > best.state.storedVersion ? p : best),
        undefined,
      );
    const config = await this.options.portalConfig(portalId);
    const objectType = milestoneType(config, portalId);

    // Archive the plans not kept first: a record of the survivor's own old plan may hold the map_key the
    // kept plan's records are about to take.
    // Records the kept plan names are never discarded: after a plan was moved (a redelivered merge), the
    // merged deal's archived header still names the records the survivor now uses.
    const keep = new Set(recordsOf(kept?.header ?? null));
    const discard: string[] = [];
    for (const p of plans) {
      if (p === kept) continue;
      const owned = await this.owned(
        portalId,
        objectType,
        p.dealId,
        recordsOf(p.header).filter((id) => !keep.has(id)),
      );
      if (!owned.ok) return owned;
      discard.push(...owned.value);
    }
    const archived = await batchArchive(this.t, portalId, objectType, discard);
    if (!archived.ok) return archived;
    if (!kept) return ok({ keptPlanOf: null, archivedMilestones: discard.length });

    const survivor = byId.get(survivorId);
    if (survivor?.where !== 'live')
      return ok({ keptPlanOf: kept.dealId, archivedMilestones: discard.length });
    const alreadyThere =
      survivor.state.header !== null && canonicalJson(survivor.state.header) === canonicalJson(kept.header);
    if (kept.dealId !== survivorId && !alreadyThere) {
      const moved = await this.movePlan(
        portalId,
        objectType,
        kept.header,
        kept.state,
        survivorId,
        survivor.state,
      );
      if (!moved.ok) return moved;
    }
    return ok({ keptPlanOf: kept.dealId, archivedMilestones: discard.length });
  }

  /**
   * Gives `toDealId` the plan of another deal: its milestone records are re-keyed to the new deal and
   * associated with it, then one PATCH writes the header, a version above both deals' versions (so that a
   * card open on either sees a conflict rather than overwriting), the value summary and the map_* fields
   * as they were. Re-keying and associating are repeatable, and the PATCH is the commit.
   */
  private async movePlan(
    portalId: string,
    objectType: string,
    header: StoredHeader,
    from: DealState,
    toDealId: string,
    to: DealState,
  ): Promise<Result<void, PlanStoreError>> {
    if (header.storage === 'custom_object' && header.milestones.length > 0) {
      // Only records that are the moved plan's own (or already moved, when a merge event is redelivered), by
      // what HubSpot holds; a header naming another deal's records moves none of them.
      const read = await batchReadByIds(
        this.t,
        portalId,
        objectType,
        header.milestones.map((m) => m.recordId),
        [MILESTONE_KEY, DEAL_ID_PROPERTY],
      );
      if (!read.ok) return read;
      const movable = header.milestones.filter((m) => {
        const record = read.value.get(m.recordId);
        return (
          record !== undefined &&
          [from.object.id, toDealId].some((dealId) => ownedMilestoneId(record, dealId) === m.id)
        );
      });
      if (movable.length > 0) {
        const rekeyed = await batchUpdate(
          this.t,
          portalId,
          objectType,
          movable.map((m) => ({
            id: m.recordId,
            properties: { [MILESTONE_KEY]: milestoneKey(toDealId, m.id), [DEAL_ID_PROPERTY]: toDealId },
          })),
        );
        if (!rekeyed.ok) return rekeyed;
        const linked = await associateDefault(
          this.t,
          portalId,
          DEALS,
          objectType,
          movable.map((m) => ({ from: toDealId, to: m.recordId })),
        );
        if (!linked.ok) return linked;
      }
    }
    const properties: Record<string, string> = {
      [PLAN_HEADER_PROPERTIES.plan]: JSON.stringify(header),
      [PLAN_HEADER_PROPERTIES.version]: String(
        Math.min(MAX_PLAN_VERSION, Math.max(from.storedVersion, to.storedVersion) + 1),
      ),
      [PLAN_HEADER_PROPERTIES.valueSummary]: from.valueSummary,
    };
    for (const name of Object.values(MAP_DEAL_PROPERTIES))
      properties[name] = from.object.properties[name] ?? '';
    const patched = await patchObject(this.t, portalId, DEALS, toDealId, properties);
    return patched.ok ? ok(undefined) : patched;
  }

  /** The deal live, else archived (deleted or merged away), else gone. */
  private async readDeal(portalId: string, dealId: string): Promise<Result<DealRead, PlanStoreError>> {
    for (const archived of [false, true]) {
      // https://developers.hubspot.com/docs/api-reference/crm-objects-v3/basic/get-crm-v3-objects-objectType-objectId
      const res = await getObject(this.t, portalId, DEALS, dealId, DEAL_READ_PROPERTIES, undefined, archived);
      if (res.ok) {
        const state = readDealState(res.value);
        // A header this app cannot read is left alone: nothing it names can be trusted.
        const usable = state.headerProblem === null ? state : { ...state, header: null };
        return ok({ where: archived ? 'archived' : 'live', state: usable });
      }
      if (res.error.code !== 'CRM_NOT_FOUND') return err(res.error);
    }
    return ok({ where: 'gone' });
  }
}
