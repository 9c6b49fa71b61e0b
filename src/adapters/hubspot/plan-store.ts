/**
 * The PlanStore on HubSpot (docs/data-model.md has the full picture): what both storage modes share. What
 * differs — where the milestones live — is a StorageMode (storage-mode.ts): map_milestone records
 * (custom-object-mode.ts) or the deal's `map_plan` document (document-mode.ts).
 *
 * Load: (1) the deal with its map_* properties (and, in custom-object mode, its associated milestone
 * records), then (2) what the header names outside the deal: in custom-object mode the milestone records,
 * read by `map_key` in batches of 100 and in parallel. 2 sequential round trips, 1 + ceil(N/100) calls (1 in
 * document mode).
 *
 * Save: (1) the version check, from the deal as the load in the same hold of the deal's lock read it
 * (SaveRequest.loaded; see PlanStore.save for why that read is still current), else from a read of the deal;
 * beside it, in custom-object mode, the records of milestone keys that load did not read (those the edit
 * added; all of them without a load); (2) the mode's writes; (3) one deal PATCH — the commit point — with the
 * new header and version and only the changed map_* fields. A failure before the PATCH leaves the old version
 * in force. A save that follows its load reads nothing more in document mode, and only the added milestones'
 * keys in custom-object mode.
 *
 * What a load read is kept for its save in a WeakMap keyed by the StoredPlan it returned (or, when the deal had
 * no plan, by the DealRef it was given, which the edited plan still carries): no copy of it leaves the store,
 * it is taken by the first save that names it, and it goes with the plan when nobody saves. Written values
 * are computed from that read: a bulk reprojection (reproject.ts, which takes no deal lock) that writes the
 * deal's map_* fields between the load and the commit may leave one of them as it wrote it until the next
 * save or run, as it already could between a save's own read and its commit.
 */
import { randomBytes } from 'node:crypto';
import type { DealRef, Plan } from '../../domain/model.js';
import { changedFields, type Projection } from '../../domain/project.js';
import { err, ok, type Result } from '../../domain/result.js';
import { validatePlan } from '../../domain/validate.js';
import { crmError, type CrmError } from '../../ports/crm-error.js';
import {
  versionConflictMessage,
  type ActivityHistory,
  type PlanStore,
  type PlanStoreError,
  type SaveRequest,
  type StoredPlan,
} from '../../ports/plan-store.js';
import {
  canonicalJson,
  canonicalProjection,
  decodeNumber,
  encodeNativeForecastProbability,
  encodeProjection,
  encodeText,
} from './codec.js';
import { patchObject } from './crm-objects.js';
import { customObjectMode } from './custom-object-mode.js';
import {
  dealNotFound,
  DEALS,
  MAX_PLAN_VERSION,
  milestoneType,
  NATIVE_FORECAST_PROBABILITY,
  readDeal,
  type DealState,
  type PortalStoreConfig,
} from './deal-state.js';
import { PLAN_HEADER_PROPERTIES } from './definitions.js';
import { documentMode } from './document-mode.js';
import { KeyedMutex } from '../locks/keyed-mutex.js';
import { NO_RECORDS, type MilestoneRecords, type RecordsRead, type StorageMode } from './storage-mode.js';
import {
  changesSinceVersion,
  headerCommon,
  nextActivity,
  stripVersion,
  type StoredHeader,
} from './stored-plan.js';
import type { HubSpotTransport } from './transport.js';

// What the bulk reprojection (reproject.ts) and the plan lifecycle (plan-lifecycle.ts) share with the store.
export {
  DEAL_READ_PROPERTIES,
  MAX_PLAN_VERSION,
  milestoneType,
  NATIVE_FORECAST_PROBABILITY,
  readDealState,
  type DealState,
  type PortalStoreConfig,
} from './deal-state.js';

export interface HubSpotPlanStoreOptions {
  readonly transport: HubSpotTransport;
  readonly portalConfig: (portalId: string) => Promise<PortalStoreConfig>;
  /** A stamp unique to one save (default: the new version and 8 random hex digits). */
  readonly newStamp?: (version: number) => string;
  /** Told when a plan loads with repairable problems (the backend logs them for admins). */
  readonly onRepairable?: (deal: DealRef, problems: readonly string[]) => void;
}

/** The storage mode of each kind of header, and of each portal setting. */
const MODES: { readonly [S in StoredHeader['storage']]: StorageMode<Extract<StoredHeader, { storage: S }>> } =
  {
    custom_object: customObjectMode,
    document: documentMode,
  };

/** Runs `use` with the mode a header was written in and the header typed for it. */
function inMode<R>(
  header: StoredHeader,
  use: <H extends StoredHeader>(mode: StorageMode<H>, header: H) => R,
): R {
  return header.storage === 'document' ? use(MODES.document, header) : use(MODES.custom_object, header);
}

/** What a load read, kept for the save that follows it (see SaveRequest.loaded). */
interface LoadRead {
  readonly deal: DealRef;
  readonly config: PortalStoreConfig;
  readonly state: DealState;
  readonly records: RecordsRead;
}

const defaultStamp = (version: number): string => `${version}-${randomBytes(4).toString('hex')}`;

export class HubSpotPlanStore implements PlanStore {
  private readonly locks = new KeyedMutex();
  private readonly t: HubSpotTransport;
  private readonly newStamp: (version: number) => string;
  /** What each load read, by the StoredPlan it returned (or the DealRef of a deal with no plan). */
  private readonly reads = new WeakMap<object, LoadRead>();

  constructor(private readonly options: HubSpotPlanStoreOptions) {
    this.t = options.transport;
    this.newStamp = options.newStamp ?? defaultStamp;
  }

  async load(deal: DealRef): Promise<Result<StoredPlan | null, PlanStoreError>> {
    const config = await this.options.portalConfig(deal.accountId);
    const read = await readDeal(this.t, deal, config);
    if (!read.ok) return read;
    const state = read.value;
    if (state.headerProblem !== null) return err(unreadable(deal, [state.headerProblem]));
    const header = state.header;
    if (header === null) {
      this.reads.set(deal, { deal, config, state, records: NO_RECORDS });
      return ok(null);
    }
    const target = { t: this.t, deal, objectType: milestoneType(config, deal.accountId) };
    const records = await inMode(header, (mode, h) => mode.readForLoad(target, h));
    if (!records.ok) return records;
    const plan = planOf(deal, state, header, records.value.records);
    if (!plan.ok) return err(unreadable(deal, plan.error));
    const problems = [...state.repairable, ...plan.value.problems];
    if (problems.length > 0) this.options.onRepairable?.(deal, problems);
    const stored = storedPlan(plan.value.plan, state.written, header, problems);
    this.reads.set(stored, { deal, config, state, records: records.value });
    return ok(stored);
  }

  save(request: SaveRequest): Promise<Result<StoredPlan, PlanStoreError>> {
    const deal = request.plan.deal;
    // What the load named by the request read, taken once (a second save of the same load reads again).
    const key = request.loaded === undefined ? undefined : (request.loaded ?? deal);
    const loaded = key === undefined ? undefined : this.reads.get(key);
    if (key !== undefined) this.reads.delete(key);
    const valid = validatePlan(request.plan);
    if (!valid.ok) {
      return Promise.resolve(
        err(
          crmError('CRM_VALIDATION', 'The plan was not saved: it does not pass validation.', 0, {
            details: valid.error.slice(0, 20).map((p) => `${p.path}: ${p.message}`),
          }),
        ),
      );
    }
    return this.locks.run(`${deal.accountId}:${deal.dealId}`, () =>
      this.saveLocked(valid.value, request, loaded),
    );
  }

  writeProjection(
    deal: DealRef,
    projection: Projection,
    written: Projection | null,
  ): Promise<Result<readonly string[], PlanStoreError>> {
    const changed = changedFields(written, projection);
    const fields = Object.keys(changed);
    if (fields.length === 0) return Promise.resolve(ok([]));
    // Under the deal's lock, so that it cannot land between a save's version check and its commit.
    return this.locks.run(`${deal.accountId}:${deal.dealId}`, async () => {
      const config = await this.options.portalConfig(deal.accountId);
      const properties = encodeProjection(changed);
      if (config.writeNativeForecast && changed.closeProbability !== undefined) {
        properties[NATIVE_FORECAST_PROBABILITY] = encodeNativeForecastProbability(
          projection.closeProbability,
        );
      }
      const patched = await patchObject(this.t, deal.accountId, DEALS, deal.dealId, properties);
      if (!patched.ok)
        return patched.error.code === 'CRM_NOT_FOUND' ? err(dealNotFound(deal)) : err(patched.error);
      return ok(fields);
    });
  }

  private async saveLocked(
    plan: Plan,
    request: SaveRequest,
    loaded: LoadRead | undefined,
  ): Promise<Result<StoredPlan, PlanStoreError>> {
    const deal = plan.deal;
    const config = await this.options.portalConfig(deal.accountId);
    const mode: StorageMode<StoredHeader> = MODES[config.storageMode];
    const target = { t: this.t, deal, objectType: milestoneType(config, deal.accountId) };
    // The load's read serves when it was made for this deal in the same storage setting.
    const known =
      loaded !== undefined &&
      loaded.deal.accountId === deal.accountId &&
      loaded.deal.dealId === deal.dealId &&
      loaded.config.storageMode === config.storageMode &&
      milestoneType(loaded.config, deal.accountId) === target.objectType
        ? loaded
        : undefined;

    // Round trip 1: the version check (from the load, else read now), and what the mode needs beside it.
    const [read, records] = await Promise.all([
      known === undefined ? readDeal(this.t, deal, config) : Promise.resolve(ok(known.state)),
      mode.readForSave(target, plan, known?.records ?? NO_RECORDS),
    ]);
    if (!read.ok) return read;
    const state = read.value;
    if (state.headerProblem !== null) return err(unreadable(deal, [state.headerProblem]));
    const currentVersion = state.header === null ? 0 : state.storedVersion;
    if (!records.ok) return records;
    const { requestDigest, requestBase } = request;
    if (plan.version !== currentVersion) {
      // The same save sent again after its answer was lost (it did commit): report the success it had.
      const resent =
        requestDigest !== undefined || currentVersion === plan.version + 1
          ? storedIfResent(plan, state, records.value, requestDigest, requestBase)
          : null;
      if (resent !== null) return ok(storedPlan(resent.plan, state.written, resent.header, []));
      return err(conflict(plan.version, currentVersion, state.header));
    }

    // The version number never goes back, even over a plan an admin cleared by hand.
    const newVersion = state.storedVersion + 1;
    if (newVersion > MAX_PLAN_VERSION) return err(versionExhausted(deal, state.storedVersion));
    const activity = nextActivity(
      plan.activity,
      state.header?.activity ?? [],
      state.header?.activityTrimmedThrough ?? 0,
      newVersion,
    );
    const lastRequest =
      requestDigest === undefined ? undefined : { base: requestBase ?? plan.version, digest: requestDigest };
    const next = canonicalProjection(request.projection);
    const saved = await mode.save({
      ...target,
      plan,
      state,
      records: records.value,
      common: headerCommon(plan, activity.activity, activity.trimmedThrough, {
        version: newVersion,
        lastRequest,
      }),
      stamp: this.newStamp(newVersion),
      commit: (serialised) =>
        patchObject(
          this.t,
          deal.accountId,
          DEALS,
          deal.dealId,
          this.dealChanges(config, state, plan, next, serialised, newVersion),
        ),
    });
    if (!saved.ok) return saved;
    const header = saved.value;
    // The plan as saved: its new version, and its log without the oldest entries dropped to fit.
    const savedPlan: Plan = { ...plan, version: newVersion, activity: header.activity.map(stripVersion) };
    return ok(storedPlan(savedPlan, next, header, []));
  }

  /** The deal PATCH: header and version always; value summary, forecast fields and the native field only when changed. */
  private dealChanges(
    config: PortalStoreConfig,
    state: DealState,
    plan: Plan,
    next: Projection,
    serialised: string,
    version: number,
  ): Record<string, string> {
    const properties: Record<string, string> = {
      [PLAN_HEADER_PROPERTIES.plan]: serialised,
      [PLAN_HEADER_PROPERTIES.version]: String(version),
    };
    if (plan.valueSummary !== state.valueSummary)
      properties[PLAN_HEADER_PROPERTIES.valueSummary] = encodeText(plan.valueSummary);
    Object.assign(properties, encodeProjection(changedFields(state.written, next)));
    if (config.writeNativeForecast) {
      const value = encodeNativeForecastProbability(next.closeProbability);
      if (decodeNumber(state.object.properties[NATIVE_FORECAST_PROBABILITY]) !== Number(value))
        properties[NATIVE_FORECAST_PROBABILITY] = value;
    }
    return properties;
  }
}

/**
 * The stored plan when it is `plan` one version later, saved by this same request (a retry of a save that
 * had committed, whose answer was lost), else null. With a request digest the header's record of the save
 * that wrote it decides; without one, the stored plan must equal `plan` exactly.
 */
function storedIfResent(
  plan: Plan,
  state: DealState,
  records: MilestoneRecords,
  requestDigest: string | undefined,
  requestBase: number | undefined,
): { plan: Plan; header: StoredHeader } | null {
  const header = state.header;
  if (header === null) return null;
  // The header records the request that wrote the version in force: the same request (same base) is this one.
  if (
    requestDigest !== undefined &&
    (header.lastRequest?.base !== (requestBase ?? plan.version) ||
      header.lastRequest.digest !== requestDigest)
  )
    return null;
  const milestones = inMode(header, (mode, h) => mode.committedMilestones(plan.deal, h, records));
  if (milestones === null) return null;
  const stored = assemble(plan.deal, header, state, milestones);
  if (requestDigest !== undefined) return { plan: stored, header };
  // The save may have dropped the oldest activity entries to fit: the stored log is then a suffix of the plan's.
  const activity = plan.activity.slice(plan.activity.length - stored.activity.length);
  return canonicalJson(stored) === canonicalJson({ ...plan, activity, version: state.storedVersion })
    ? { plan: stored, header }
    : null;
}

function storedPlan(
  plan: Plan,
  written: Projection | null,
  header: StoredHeader,
  problems: readonly string[],
): StoredPlan {
  return {
    plan,
    writtenProjection: written,
    history: historyOf(header),
    problems,
    lastRequest: header.lastRequest ?? null,
  };
}

/**
 * The plan a deal's header and its milestone records (by map_key; unused in document mode) make, validated.
 * Loading is tolerant (StorageMode.loadMilestones): what cannot be read consistently is left out, each such
 * case a repairable problem; the next save writes the plan as loaded. Only a plan that still does not validate
 * is an error, with the problems an admin can act on.
 */
export function planOf(
  deal: DealRef,
  state: DealState,
  header: StoredHeader,
  records: MilestoneRecords,
): Result<{ plan: Plan; problems: string[] }, string[]> {
  const { milestones, problems } = inMode(header, (mode, h) => mode.loadMilestones(deal, h, records));
  const valid = validatePlan(assemble(deal, header, state, milestones));
  if (!valid.ok) return err([...problems, ...valid.error.map((p) => `${p.path}: ${p.message}`)]);
  return ok({ plan: valid.value, problems });
}

function historyOf(header: StoredHeader): ActivityHistory {
  return { versions: header.activity.map((a) => a.v), trimmedThrough: header.activityTrimmedThrough ?? 0 };
}

function assemble(
  deal: DealRef,
  header: StoredHeader,
  state: DealState,
  milestones: Plan['milestones'],
): Plan {
  return {
    deal,
    title: header.title,
    valueSummary: state.valueSummary,
    goals: header.goals,
    stakeholders: header.stakeholders,
    milestones,
    risks: header.risks,
    targetCloseDate: header.targetCloseDate,
    templateId: header.templateId,
    version: state.storedVersion,
    activity: header.activity.map(stripVersion),
  };
}

function conflict(base: number, current: number, header: StoredHeader | null): PlanStoreError {
  const { changes, complete } =
    header === null ? { changes: [], complete: true } : changesSinceVersion(header, base);
  return {
    code: 'VERSION_CONFLICT',
    message: versionConflictMessage(current, base, complete),
    currentVersion: current,
    changesSince: changes,
    changesSinceComplete: complete,
  };
}

function unreadable(deal: DealRef, problems: readonly string[]): CrmError {
  return crmError(
    'CRM_BAD_RESPONSE',
    `The plan stored on deal ${deal.dealId} cannot be read, so it was left untouched. ` +
      `An admin can see why with \`npm run cli -- show ${deal.accountId} ${deal.dealId}\` (the reasons are also in the backend's log); ` +
      `the deal's map_plan property and its MAP milestone records hold the data.`,
    200,
    { details: problems.slice(0, 20) },
  );
}

/** A plan whose version (edited by hand far past any real count) cannot go up any more. */
function versionExhausted(deal: DealRef, version: number): CrmError {
  return crmError(
    'CRM_VALIDATION',
    `The plan on deal ${deal.dealId} was not saved: its version number (${version}) was set by hand so high that it cannot go up any more. ` +
      `An admin can set the deal's map_plan_version property back to a small number (for example 1000) and save again.`,
    0,
  );
}
