/**
 * A PlanStore and PlanLifecycle kept in memory, faithful to the ports: deals exist per portal (a deal of
 * another portal is DEAL_NOT_FOUND), every save checks the version it was based on and says what changed
 * since, plans over the size limit are refused, a request sent again after it committed is recognised, and the
 * forecast fields written are remembered. For tests and for benchmarks of the server alone.
 */
import type { ActivityEntry, DealRef, Plan } from '../../domain/model.js';
import type { Projection } from '../../domain/project.js';
import { changedFields } from '../../domain/project.js';
import { err, ok, type Result } from '../../domain/result.js';
import { crmError, type CrmError } from '../../ports/crm-error.js';
import { validatePlan } from '../../domain/validate.js';
import type { MergeOutcome, PlanLifecycle } from '../../ports/plan-lifecycle.js';
import {
  changesSince,
  versionConflictMessage,
  type ActivityHistory,
  type PlanStore,
  type PlanStoreError,
  type SaveRequest,
  type StoredPlan,
} from '../../ports/plan-store.js';

/** HubSpot's limit on a text property value, which the `map_plan` document must fit in. */
export const DEFAULT_PLAN_SIZE_LIMIT = 65_536;

interface DealEntry {
  archived: boolean;
  /** Every saved version of the plan, oldest first (index = version - 1). */
  versions: Plan[];
  /** The activity history of the newest version. */
  history: ActivityHistory;
  writtenProjection: Projection | null;
  archivedMilestones: number;
  /** The request that wrote the newest version (see SaveRequest.requestDigest). */
  lastRequest: { base: number; digest: string } | null;
}

export interface MemoryPlanStoreOptions {
  readonly sizeLimit?: number;
  /** Waits this long in every call (benchmarks stand in for CRM latency with it). */
  readonly latencyMs?: number;
}

const key = (portalId: string, dealId: string): string => `${portalId}/${dealId}`;
const sameEntry = (a: ActivityEntry, b: ActivityEntry): boolean =>
  a.at === b.at &&
  a.actor === b.actor &&
  a.kind === b.kind &&
  a.text === b.text &&
  a.milestoneId === b.milestoneId;

export class MemoryPlanStore implements PlanStore, PlanLifecycle {
  private readonly deals = new Map<string, DealEntry>();
  private readonly failures: CrmError[] = [];
  private readonly sizeLimit: number;
  /** Calls made, by method (tests check that no write happened). */
  readonly calls = { load: 0, save: 0, writes: 0, projectionWrites: 0 };

  constructor(private readonly options: MemoryPlanStoreOptions = {}) {
    this.sizeLimit = options.sizeLimit ?? DEFAULT_PLAN_SIZE_LIMIT;
  }

  /** Creates a deal (with no plan) in a portal. */
  addDeal(portalId: string | number, dealId: string): void {
    this.deals.set(key(String(portalId), dealId), {
      archived: false,
      versions: [],
      history: NO_HISTORY,
      writtenProjection: null,
      archivedMilestones: 0,
      lastRequest: null,
    });
  }

  /** Deletes a deal, as HubSpot does (its plan stays, as milestone records stay until archived). */
  deleteDeal(portalId: string | number, dealId: string): void {
    const entry = this.deals.get(key(String(portalId), dealId));
    if (entry) entry.archived = true;
  }

  /** The next calls fail with these CRM errors, one each, in order. */
  failNext(...errors: CrmError[]): void {
    this.failures.push(...errors);
  }

  /** The stored state of a deal (tests). */
  inspect(
    portalId: string | number,
    dealId: string,
  ):
    | {
        plan: Plan | null;
        writtenProjection: Projection | null;
        archived: boolean;
        archivedMilestones: number;
      }
    | undefined {
    const entry = this.deals.get(key(String(portalId), dealId));
    if (!entry) return undefined;
    return {
      plan: entry.versions.at(-1) ?? null,
      writtenProjection: entry.writtenProjection,
      archived: entry.archived,
      archivedMilestones: entry.archivedMilestones,
    };
  }

  private async enter(): Promise<CrmError | undefined> {
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    return this.failures.shift();
  }

  private live(deal: DealRef): DealEntry | undefined {
    const entry = this.deals.get(key(deal.accountId, deal.dealId));
    return entry && !entry.archived ? entry : undefined;
  }

  async load(deal: DealRef): Promise<Result<StoredPlan | null, PlanStoreError>> {
    this.calls.load++;
    const failure = await this.enter();
    if (failure) return err(failure);
    const entry = this.live(deal);
    if (!entry) return err(dealNotFound(deal));
    const plan = entry.versions.at(-1);
    return ok(
      plan
        ? {
            plan: structuredClone(plan),
            writtenProjection: entry.writtenProjection,
            history: entry.history,
            problems: [],
            lastRequest: entry.lastRequest,
          }
        : null,
    );
  }

  async save(request: SaveRequest): Promise<Result<StoredPlan, PlanStoreError>> {
    this.calls.save++;
    const failure = await this.enter();
    if (failure) return err(failure);
    const { deal } = request.plan;
    const entry = this.live(deal);
    if (!entry) return err(dealNotFound(deal));
    // As the HubSpot store: a plan that does not pass validation is refused before anything is written.
    const valid = validatePlan(request.plan);
    if (!valid.ok) {
      return err(
        crmError('CRM_VALIDATION', 'The plan was not saved: it does not pass validation.', 0, {
          details: valid.error.slice(0, 20).map((p) => `${p.path}: ${p.message}`),
        }),
      );
    }
    // Reading its own state costs nothing, so every save checks the version in force (request.loaded unused).
    const currentVersion = entry.versions.length;
    if (request.plan.version !== currentVersion) {
      const current = entry.versions.at(-1);
      const resent =
        current !== undefined &&
        request.requestDigest !== undefined &&
        entry.lastRequest?.base === (request.requestBase ?? request.plan.version) &&
        entry.lastRequest.digest === request.requestDigest;
      if (resent) return ok(this.stored(entry, current));
      const since = current
        ? changesSince(this.stored(entry, current), request.plan.version)
        : { changes: [], complete: true };
      return err({
        code: 'VERSION_CONFLICT',
        message: versionConflictMessage(currentVersion, request.plan.version, since.complete),
        currentVersion,
        changesSince: since.changes,
        changesSinceComplete: since.complete,
      });
    }
    const plan: Plan = { ...structuredClone(request.plan), version: currentVersion + 1 };
    const size = JSON.stringify(plan).length;
    if (size > this.sizeLimit) {
      return err({
        code: 'PLAN_TOO_LARGE',
        message: `The plan is too large to store (${size} characters; the limit is ${this.sizeLimit}). Remove old milestones or shorten descriptions.`,
        size,
        limit: this.sizeLimit,
      });
    }
    this.calls.writes++;
    if (Object.keys(changedFields(entry.writtenProjection, request.projection)).length > 0)
      this.calls.projectionWrites++;
    pushVersion(entry, plan);
    entry.writtenProjection = request.projection;
    entry.lastRequest =
      request.requestDigest === undefined
        ? null
        : { base: request.requestBase ?? request.plan.version, digest: request.requestDigest };
    return ok(this.stored(entry, plan));
  }

  private stored(entry: DealEntry, plan: Plan): StoredPlan {
    return {
      plan: structuredClone(plan),
      writtenProjection: entry.writtenProjection,
      history: entry.history,
      problems: [],
      lastRequest: entry.lastRequest,
    };
  }

  async writeProjection(
    deal: DealRef,
    projection: Projection,
    written: Projection | null,
  ): Promise<Result<readonly string[], PlanStoreError>> {
    const failure = await this.enter();
    if (failure) return err(failure);
    const entry = this.live(deal);
    if (!entry) return err(dealNotFound(deal));
    const fields = Object.keys(changedFields(written, projection));
    if (fields.length === 0) return ok([]);
    this.calls.projectionWrites++;
    entry.writtenProjection = projection;
    return ok(fields);
  }

  async archiveDealPlan(
    deal: DealRef,
  ): Promise<Result<{ readonly archivedMilestones: number }, PlanStoreError>> {
    const failure = await this.enter();
    if (failure) return err(failure);
    const entry = this.deals.get(key(deal.accountId, deal.dealId));
    const plan = entry?.versions.at(-1);
    if (!entry || !plan || plan.milestones.length === 0) return ok({ archivedMilestones: 0 });
    const archivedMilestones = plan.milestones.length;
    entry.archivedMilestones += archivedMilestones;
    pushVersion(entry, { ...plan, milestones: [], version: plan.version + 1 });
    return ok({ archivedMilestones });
  }

  async reconcileMerge(input: {
    survivor: DealRef;
    primaryDealId: string;
    mergedDealIds: readonly string[];
  }): Promise<Result<MergeOutcome, PlanStoreError>> {
    const failure = await this.enter();
    if (failure) return err(failure);
    const { accountId: portalId } = input.survivor;
    const candidates = [
      input.primaryDealId,
      ...input.mergedDealIds.filter((id) => id !== input.primaryDealId),
    ];
    const plans = candidates.flatMap((dealId) => {
      const plan = this.deals.get(key(portalId, dealId))?.versions.at(-1);
      return plan ? [{ dealId, plan }] : [];
    });
    const primary = plans.find((p) => p.dealId === input.primaryDealId);
    const kept =
      primary ??
      plans.reduce<(typeof plans)[number] | undefined>(
        (best, p) => (best === undefined || p.plan.version > best.plan.version ? p : best),
        undefined,
      );
    let archivedMilestones = 0;
    for (const p of plans) {
      if (p === kept) continue;
      const archived = await this.archiveDealPlan({ ...input.survivor, dealId: p.dealId });
      if (archived.ok) archivedMilestones += archived.value.archivedMilestones;
    }
    if (kept && kept.dealId !== input.survivor.dealId) {
      const survivorKey = key(portalId, input.survivor.dealId);
      if (!this.deals.has(survivorKey)) this.addDeal(portalId, input.survivor.dealId);
      const survivor = this.deals.get(survivorKey);
      const current = survivor?.versions.at(-1);
      const strip = (p: Plan): string => JSON.stringify({ ...p, deal: null, version: 0 });
      // A redelivered merge finds the kept plan already copied: nothing to do.
      if (survivor && (current === undefined || strip(current) !== strip(kept.plan))) {
        pushVersion(survivor, {
          ...kept.plan,
          deal: { ...input.survivor },
          version: survivor.versions.length + 1,
        });
      }
    }
    return ok({ keptPlanOf: kept?.dealId ?? null, archivedMilestones });
  }
}

const NO_HISTORY: ActivityHistory = { versions: [], trimmedThrough: 0 };

/**
 * Adds a version: entries already in the log keep the version that added them, new ones get the new
 * version, and entries the new log dropped count as trimmed.
 */
function pushVersion(entry: DealEntry, plan: Plan): void {
  const previous = entry.versions.at(-1)?.activity ?? [];
  const left = previous.map((a, i) => ({ a, v: entry.history.versions[i] ?? 0, used: false }));
  const versions = plan.activity.map((a) => {
    const match = left.find((p) => !p.used && sameEntry(p.a, a));
    if (!match) return plan.version;
    match.used = true;
    return match.v;
  });
  const trimmedThrough = Math.max(
    entry.history.trimmedThrough,
    ...left.filter((p) => !p.used).map((p) => p.v),
  );
  entry.versions.push(plan);
  entry.history = { versions, trimmedThrough };
}

const dealNotFound = (deal: DealRef): PlanStoreError => ({
  code: 'DEAL_NOT_FOUND',
  message: `There is no deal ${deal.dealId} in this HubSpot account.`,
});
