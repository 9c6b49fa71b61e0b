/**
 * The PlanStore on HubSpot, in both storage modes (docs/data-model.md has the full picture).
 *
 * Load: (1) the deal with its map_* properties (and, in custom-object mode, its associated milestone
 * records), then (2) the milestone records named in `map_plan`, read by `map_key` in batches of 100 and in
 * parallel: 2 sequential round trips, 1 + ceil(N/100) calls. The header decides which records belong to
 * the plan, so records that a failed save left behind, or associations that failed, cannot change what
 * loads. Never through search (eventually consistent).
 *
 * Save: (1) the deal (version check) and the records of the edited plan's milestones, in parallel;
 * (2) the milestone writes in parallel: batch upserts by map_key for new milestones, batch updates with full
 * values for changed ones, batch archives for records retired by an earlier save; (3) one deal PATCH — the
 * commit point — with the new header and version and only the changed map_* fields, in parallel with
 * association repairs. A failure before the PATCH leaves the old version in force: new records are not in
 * the old header, and an updated record keeps the content the old header trusts in `map_previous`.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { milestoneSchema, type DealRef, type Milestone, type Plan } from '../../domain/model.js';
import { changedFields, MAP_DEAL_PROPERTIES, type Projection } from '../../domain/project.js';
import { err, ok, type Result } from '../../domain/result.js';
import { validatePlan } from '../../domain/validate.js';
import { crmError, type CrmError } from '../../ports/crm-error.js';
import type { StorageMode } from '../../ports/installation-store.js';
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
  decodeProjection,
  decodeText,
  encodeNativeForecastProbability,
  encodeProjection,
  encodeText,
  MILESTONE_KEY,
  MILESTONE_RECORD_PROPERTIES,
  milestoneKey,
  milestoneToProperties,
  PREVIOUS_CONTENT,
  propertiesToMilestone,
  WRITE_STAMP,
  type HubSpotProperties,
} from './codec.js';
import {
  associateDefault,
  associatedIds,
  batchArchive,
  batchReadByProperty,
  batchUpdate,
  batchUpsert,
  getObject,
  patchObject,
  removeAssociations,
  type SimpleObject,
} from './crm-objects.js';
import { MILESTONE_OBJECT, PLAN_HEADER_PROPERTIES } from './definitions.js';
import { DEAL_ID_PROPERTY, ownedMilestoneId, recordsOwnedBy } from './record-ownership.js';
import { KeyedMutex } from '../locks/keyed-mutex.js';
import {
  changesSinceVersion,
  fitHeader,
  headerCommon,
  nextActivity,
  parseHeader,
  stripVersion,
  type CustomObjectHeader,
  type MilestoneRef,
  type StoredHeader,
} from './stored-plan.js';
import type { HubSpotTransport } from './transport.js';

export const NATIVE_FORECAST_PROBABILITY = 'hs_forecast_probability';
const DEALS = 'deals';

/** Every deal property a load or a version check reads. */
export const DEAL_READ_PROPERTIES: readonly string[] = [
  PLAN_HEADER_PROPERTIES.plan,
  PLAN_HEADER_PROPERTIES.version,
  PLAN_HEADER_PROPERTIES.valueSummary,
  ...Object.values(MAP_DEAL_PROPERTIES),
  NATIVE_FORECAST_PROBABILITY,
];

/** How one portal keeps its plans (from its installation and the provisioning report). */
export interface PortalStoreConfig {
  readonly storageMode: StorageMode;
  /** Also write HubSpot's native hs_forecast_probability (opt-in admin setting). */
  readonly writeNativeForecast: boolean;
  /** The milestone object's type id from provisioning (`2-…`); default `p{portalId}_map_milestone`. */
  readonly milestoneObjectType?: string;
}

export interface HubSpotPlanStoreOptions {
  readonly transport: HubSpotTransport;
  readonly portalConfig: (portalId: string) => Promise<PortalStoreConfig>;
  /** A stamp unique to one save (default: the new version and 8 random hex digits). */
  readonly newStamp?: (version: number) => string;
  /** Told when a plan loads with repairable problems (the backend logs them for admins). */
  readonly onRepairable?: (deal: DealRef, problems: readonly string[]) => void;
}

/** A record's content as kept in `map_previous`: the milestone and the stamp of the save that wrote it. */
const previousSchema = z.strictObject({ stamp: z.string().min(1), milestone: milestoneSchema });

/** The deal as read for a load or a version check. */
export interface DealState {
  readonly object: SimpleObject;
  /**
   * The plan's version: map_plan_version, unless that property was edited to something that is not a version
   * or is lower than the version the header itself records (then the header's; versions never go back).
   */
  readonly storedVersion: number;
  readonly header: StoredHeader | null;
  /** Why the header cannot be read at all (the plan is then unreadable until an admin restores it). */
  readonly headerProblem: string | null;
  /** Problems that do not stop the plan from loading, and that the next save repairs. */
  readonly repairable: readonly string[];
  readonly valueSummary: string;
  readonly written: Projection | null;
}

/** The version a header itself vouches for: the one it was written as, else the newest in its activity log. */
function headerVersion(header: StoredHeader): number {
  return Math.max(
    header.version ?? 0,
    header.activityTrimmedThrough ?? 0,
    ...header.activity.map((a) => a.v),
  );
}

/**
 * The largest version a save writes. map_plan_version is a number property anyone can edit: a value above this
 * is not taken as a version (the header's is used), so that a save can never write a version past
 * Number.MAX_SAFE_INTEGER, which would make the header unreadable.
 */
export const MAX_PLAN_VERSION = 2 ** 50;

export function readDealState(object: SimpleObject): DealState {
  const props = object.properties;
  const rawPlan = props[PLAN_HEADER_PROPERTIES.plan];
  const rawVersion = props[PLAN_HEADER_PROPERTIES.version];
  const version = decodeNumber(rawVersion);
  const validVersion =
    typeof version === 'number' && Number.isSafeInteger(version) && version >= 0 && version < MAX_PLAN_VERSION
      ? version
      : null;
  let header: StoredHeader | null = null;
  let headerProblem: string | null = null;
  const repairable: string[] = [];
  let storedVersion = validVersion ?? 0;
  if (rawPlan !== null && rawPlan !== undefined && rawPlan !== '') {
    const parsed = parseHeader(rawPlan);
    if (parsed.ok) {
      header = parsed.value;
      const floor = headerVersion(header);
      if (validVersion === null) {
        repairable.push(
          `map_plan_version holds “${(rawVersion ?? '').slice(0, 40)}”, which is not a version number; the plan's own header says version ${floor}, which is used`,
        );
      } else if (validVersion < floor) {
        repairable.push(
          `map_plan_version holds ${validVersion}, lower than the version ${floor} the plan's header records (edited by hand?); ${floor} is used`,
        );
      }
      storedVersion = Math.max(validVersion ?? 0, floor);
    } else {
      headerProblem = parsed.reason;
    }
  }
  return {
    object,
    storedVersion,
    header,
    headerProblem,
    repairable,
    valueSummary: decodeText(props[PLAN_HEADER_PROPERTIES.valueSummary]),
    written: decodeProjection(props),
  };
}

type Committed = { ok: true; milestone: Milestone } | { ok: false; problem: string };

/** The content of a record that the header's stamp trusts: its own, or the copy it kept before a later write. */
function committedContent(record: SimpleObject, stamp: string): Committed {
  const props: HubSpotProperties = record.properties;
  if (props[WRITE_STAMP] === stamp) {
    const m = propertiesToMilestone(props);
    return m.ok
      ? { ok: true, milestone: m.value }
      : {
          ok: false,
          problem: `its record ${record.id} holds values this app cannot read (${m.problems.join('; ')})`,
        };
  }
  const raw = props[PREVIOUS_CONTENT];
  if (raw) {
    try {
      const previous = previousSchema.safeParse(JSON.parse(raw));
      if (previous.success && previous.data.stamp === stamp)
        return { ok: true, milestone: previous.data.milestone };
    } catch {
      // An unreadable copy is the same as no copy: reported below.
    }
  }
  return {
    ok: false,
    problem: `its record ${record.id} was overwritten by a save that did not finish and no longer holds the saved version`,
  };
}

const defaultStamp = (version: number): string => `${version}-${randomBytes(4).toString('hex')}`;

/** Worst-case length of a HubSpot record id, for the size check made before the new records' ids are known. */
const MAX_RECORD_ID = '9'.repeat(20);

export class HubSpotPlanStore implements PlanStore {
  private readonly locks = new KeyedMutex();
  private readonly t: HubSpotTransport;
  private readonly newStamp: (version: number) => string;

  constructor(private readonly options: HubSpotPlanStoreOptions) {
    this.t = options.transport;
    this.newStamp = options.newStamp ?? defaultStamp;
  }

  async load(deal: DealRef): Promise<Result<StoredPlan | null, PlanStoreError>> {
    const config = await this.options.portalConfig(deal.accountId);
    const read = await this.readDeal(deal, config, false);
    if (!read.ok) return read;
    const state = read.value;
    if (state.headerProblem !== null) return err(unreadable(deal, [state.headerProblem]));
    if (state.header === null) return ok(null);
    const header = state.header;

    let records: ReadonlyMap<string, SimpleObject> = new Map();
    if (header.storage === 'custom_object') {
      const read = await batchReadByProperty(
        this.t,
        deal.accountId,
        milestoneType(config, deal.accountId),
        MILESTONE_KEY,
        header.milestones.map((r) => milestoneKey(deal.dealId, r.id)),
        MILESTONE_RECORD_PROPERTIES,
      );
      if (!read.ok) return read;
      records = read.value;
    }
    const plan = planOf(deal, state, header, records);
    if (!plan.ok) return err(unreadable(deal, plan.error));
    const problems = [...state.repairable, ...plan.value.problems];
    if (problems.length > 0) this.options.onRepairable?.(deal, problems);
    return ok(storedPlan(plan.value.plan, state.written, header, problems));
  }

  save(request: SaveRequest): Promise<Result<StoredPlan, PlanStoreError>> {
    const deal = request.plan.deal;
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
      this.saveLocked(valid.value, request.projection, request.requestDigest, request.requestBase),
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
      if (!patched.ok) {
        return patched.error.code === 'CRM_NOT_FOUND'
          ? err({
              code: 'DEAL_NOT_FOUND',
              message: `Deal ${deal.dealId} was not found in HubSpot account ${deal.accountId}.`,
            })
          : err(patched.error);
      }
      return ok(fields);
    });
  }

  private async saveLocked(
    plan: Plan,
    projection: Projection,
    requestDigest: string | undefined,
    requestBase: number | undefined,
  ): Promise<Result<StoredPlan, PlanStoreError>> {
    const deal = plan.deal;
    const config = await this.options.portalConfig(deal.accountId);
    const customObjects = config.storageMode === 'custom_object';
    const objectType = milestoneType(config, deal.accountId);

    // Round trip 1: the version check, and the records of the edited plan's milestones (by map_key, which
    // names this deal: never by a record id from the header) beside it.
    const [read, records] = await Promise.all([
      this.readDeal(deal, config, customObjects),
      customObjects && plan.milestones.length > 0
        ? batchReadByProperty(
            this.t,
            deal.accountId,
            objectType,
            MILESTONE_KEY,
            plan.milestones.map((m) => milestoneKey(deal.dealId, m.id)),
            MILESTONE_RECORD_PROPERTIES,
          )
        : Promise.resolve(ok(new Map<string, SimpleObject>())),
    ]);
    if (!read.ok) return read;
    const state = read.value;
    if (state.headerProblem !== null) return err(unreadable(deal, [state.headerProblem]));
    const currentVersion = state.header === null ? 0 : state.storedVersion;
    if (!records.ok) return records;
    const foreign = [...records.value].filter(
      ([key, record]) => ownedMilestoneId(record, deal.dealId) !== key.slice(deal.dealId.length + 1),
    );
    if (foreign.length > 0)
      return err(
        keyTaken(
          deal,
          foreign.map(([key, record]) => ({ key, record })),
        ),
      );
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
    const common = headerCommon(plan, activity.activity, activity.trimmedThrough, {
      version: newVersion,
      lastRequest,
    });
    const next = canonicalProjection(projection);
    const dealProperties = (serialised: string): Record<string, string> =>
      this.dealChanges(config, state, plan, next, serialised, newVersion);
    /** The plan as saved: its new version, and its log without the oldest entries dropped to fit. */
    const savedPlan = (header: StoredHeader): Plan => ({
      ...plan,
      version: newVersion,
      activity: header.activity.map(stripVersion),
    });

    if (!customObjects) {
      const fitted = fitHeader<StoredHeader>({ ...common, storage: 'document', milestones: plan.milestones });
      if (!fitted.ok) return err(tooLarge(fitted));
      const patched = await patchObject(
        this.t,
        deal.accountId,
        DEALS,
        deal.dealId,
        dealProperties(fitted.serialised),
      );
      if (!patched.ok) return err(notSaved(patched.error));
      return ok(storedPlan(savedPlan(fitted.header), next, fitted.header, []));
    }

    const stamp = this.newStamp(newVersion);
    const previous = state.header?.storage === 'custom_object' ? state.header : null;
    const plan2 = planWrites(deal.dealId, plan.milestones, previous, records.value, stamp);
    // Records retired by earlier saves, still to be archived: checked against HubSpot before any is touched.
    const inPlan = new Set(plan.milestones.map((m) => m.id));
    const referenced = new Set(plan2.refs.flatMap((r) => (r.recordId === null ? [] : [r.recordId])));
    const candidates = [...new Set(previous?.retired ?? [])].filter(
      (id) => !referenced.has(id) && !plan2.retire.includes(id),
    );
    // Sized with a worst-case id for records not created yet: the header written later is never larger.
    const estimate = fitHeader<CustomObjectHeader>({
      ...common,
      storage: 'custom_object',
      milestones: plan2.refs.map((r) => ({
        id: r.id,
        recordId: r.recordId ?? MAX_RECORD_ID,
        stamp: r.stamp,
      })),
      retired: [...plan2.retire, ...candidates],
    });
    if (!estimate.ok) return err(tooLarge(estimate));
    const { activity: keptActivity, activityTrimmedThrough } = estimate.header;
    const fittedCommon = {
      ...common,
      activity: keptActivity,
      ...(activityTrimmedThrough === undefined ? {} : { activityTrimmedThrough }),
    };

    // Round trip 2: the milestone writes, independent of each other, and which retired records are this deal's.
    const [upserted, updated, ownership] = await Promise.all([
      batchUpsert(this.t, deal.accountId, objectType, MILESTONE_KEY, plan2.creates),
      batchUpdate(this.t, deal.accountId, objectType, plan2.updates),
      recordsOwnedBy(this.t, deal.accountId, objectType, deal.dealId, candidates),
    ]);
    if (!upserted.ok) return err(notSaved(upserted.error));
    if (!updated.ok) return err(notSaved(updated.error));
    const createdIds = new Map<string, string>();
    for (const record of upserted.value) {
      const key = record.properties[MILESTONE_KEY];
      if (key) createdIds.set(key, record.id);
    }
    const refs: MilestoneRef[] = [];
    for (const r of plan2.refs) {
      const recordId = r.recordId ?? createdIds.get(milestoneKey(deal.dealId, r.id));
      if (recordId === undefined) {
        return err(
          notSaved(
            crmError(
              'CRM_BAD_RESPONSE',
              `HubSpot did not return the record it created for milestone ${r.id}.`,
              200,
            ),
          ),
        );
      }
      refs.push({ id: r.id, recordId, stamp: r.stamp });
    }
    const inUse = new Set(refs.map((r) => r.recordId));
    // Archived now: retired records that are this deal's and not in use again (a milestone removed, then added
    // back with the same id, takes its old record back through the upsert by map_key).
    const toArchive = ownership.ok
      ? [...ownership.value.owned]
          .filter(([id, milestoneId]) => !inUse.has(id) && !inPlan.has(milestoneId))
          .map(([id]) => id)
      : [];
    // They stay listed until a later save finds them gone (the archive runs beside the commit, so this save
    // cannot know whether it worked); records of other deals and records already gone are dropped.
    const retired = [...new Set([...plan2.retire, ...(ownership.ok ? toArchive : candidates)])].filter(
      (id) => !inUse.has(id),
    );
    const header: StoredHeader = { ...fittedCommon, storage: 'custom_object', milestones: refs, retired };
    const serialised = JSON.stringify(header);

    // Round trip 3: the commit, with association repairs and archives beside it (they do not decide what loads).
    const linked = associatedIds(state.object);
    const toLink = refs
      .filter((r) => !linked.has(r.recordId))
      .map((r) => ({ from: deal.dealId, to: r.recordId }));
    const toUnlink = [...plan2.retire, ...toArchive]
      .filter((id) => linked.has(id) && !inUse.has(id))
      .map((id) => ({ from: deal.dealId, to: id }));
    const [patched] = await Promise.all([
      patchObject(this.t, deal.accountId, DEALS, deal.dealId, dealProperties(serialised)),
      toLink.length > 0
        ? associateDefault(this.t, deal.accountId, DEALS, objectType, toLink)
        : Promise.resolve(ok([])),
      toUnlink.length > 0
        ? removeAssociations(this.t, deal.accountId, DEALS, objectType, toUnlink)
        : Promise.resolve(ok([])),
      toArchive.length > 0
        ? batchArchive(this.t, deal.accountId, objectType, toArchive)
        : Promise.resolve(ok([])),
    ]);
    if (!patched.ok) return err(notSaved(patched.error));
    return ok(storedPlan(savedPlan(header), next, header, []));
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

  private async readDeal(
    deal: DealRef,
    config: PortalStoreConfig,
    withAssociations: boolean,
  ): Promise<Result<DealState, PlanStoreError>> {
    const res = await getObject(
      this.t,
      deal.accountId,
      DEALS,
      deal.dealId,
      DEAL_READ_PROPERTIES,
      withAssociations ? milestoneType(config, deal.accountId) : undefined,
    );
    if (!res.ok) {
      if (res.error.code === 'CRM_NOT_FOUND') {
        return err({
          code: 'DEAL_NOT_FOUND',
          message: `Deal ${deal.dealId} was not found in HubSpot account ${deal.accountId}.`,
        });
      }
      return res;
    }
    return ok(readDealState(res.value));
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
  records: ReadonlyMap<string, SimpleObject>,
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
  let milestones: Milestone[];
  if (header.storage === 'document') {
    milestones = header.milestones;
  } else {
    milestones = [];
    for (const ref of header.milestones) {
      const record = records.get(milestoneKey(plan.deal.dealId, ref.id));
      const content = record ? committedContent(record, ref.stamp) : undefined;
      if (!content?.ok) return null;
      milestones.push(content.milestone);
    }
  }
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
 * Loading is tolerant: a milestone whose record is missing, belongs to another deal or cannot be read is left
 * out (with what depended on it), a record holding a write no save confirmed is taken as it is, and each
 * such case is a repairable problem; the next save writes the plan as loaded. Only a plan that still does not
 * validate is an error, with the problems an admin can act on.
 */
export function planOf(
  deal: DealRef,
  state: DealState,
  header: StoredHeader,
  records: ReadonlyMap<string, SimpleObject>,
): Result<{ plan: Plan; problems: string[] }, string[]> {
  const problems: string[] = [];
  let milestones: Milestone[];
  if (header.storage === 'document') {
    milestones = header.milestones;
  } else {
    milestones = [];
    const seen = new Set<string>();
    for (const ref of header.milestones) {
      const key = milestoneKey(deal.dealId, ref.id);
      const record = records.get(key);
      if (seen.has(ref.id)) {
        problems.push(`milestone ${ref.id} is listed twice in map_plan; the second entry was left out`);
        continue;
      }
      if (!record) {
        problems.push(
          `milestone ${ref.id}: its record (map_key ${key}) is missing from HubSpot (deleted or archived there?), so the milestone was left out`,
        );
        continue;
      }
      if (ownedMilestoneId(record, deal.dealId) !== ref.id) {
        problems.push(
          `milestone ${ref.id}: record ${record.id} does not belong to this deal's milestone (its map_deal_id or map_key was changed), so the milestone was left out`,
        );
        continue;
      }
      const content = committedContent(record, ref.stamp);
      if (content.ok && content.milestone.id === ref.id) {
        milestones.push(content.milestone);
        seen.add(ref.id);
        continue;
      }
      const current = propertiesToMilestone(record.properties);
      if (current.ok && current.value.id === ref.id) {
        problems.push(
          `milestone ${ref.id}: record ${record.id} holds a change that no save confirmed (a save that did not finish, or an edit in HubSpot); it is shown as it is now`,
        );
        milestones.push(current.value);
        seen.add(ref.id);
        continue;
      }
      problems.push(
        `milestone ${ref.id}: ${content.ok ? `its record ${record.id} names another milestone (${content.milestone.id})` : content.problem}, so the milestone was left out`,
      );
    }
  }
  const kept = new Set(milestones.map((m) => m.id));
  const left = header.storage === 'custom_object' && kept.size < header.milestones.length;
  if (left) {
    // What depended on a milestone that was left out depends on it no longer.
    milestones = milestones.map((m) =>
      m.dependsOn.every((d) => kept.has(d)) ? m : { ...m, dependsOn: m.dependsOn.filter((d) => kept.has(d)) },
    );
    if (milestones.length > 0 && !milestones.some((m) => m.isClose)) {
      const last = milestones.reduce((a, b) => (b.dueDate > a.dueDate ? b : a));
      milestones = milestones.map((m) => (m === last ? { ...m, isClose: true } : m));
      problems.push(
        `the close milestone was left out; milestone ${last.id} (the latest) is now the close milestone`,
      );
    }
  }
  const valid = validatePlan(assemble(deal, header, state, milestones));
  if (!valid.ok) return err([...problems, ...valid.error.map((p) => `${p.path}: ${p.message}`)]);
  return ok({ plan: valid.value, problems });
}

function historyOf(header: StoredHeader): ActivityHistory {
  return { versions: header.activity.map((a) => a.v), trimmedThrough: header.activityTrimmedThrough ?? 0 };
}

export function milestoneType(config: PortalStoreConfig, portalId: string): string {
  return config.milestoneObjectType ?? `p${portalId}_${MILESTONE_OBJECT.name}`;
}

function assemble(deal: DealRef, header: StoredHeader, state: DealState, milestones: Milestone[]): Plan {
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

interface PendingRef {
  readonly id: string;
  /** Unknown until the upsert of a new record answers. */
  readonly recordId: string | null;
  readonly stamp: string;
}

interface MilestoneWrites {
  readonly creates: { id: string; properties: Record<string, string> }[];
  readonly updates: { id: string; properties: Record<string, string> }[];
  /** Records of milestones the edit removed: archived by the next save, after this one has committed. */
  readonly retire: string[];
  readonly refs: PendingRef[];
}

/**
 * What to write for the edited milestones, given the header in force and the records read beside it.
 * A milestone the header does not know, or whose record is gone, is upserted by its key. A known one is
 * updated when its content changed or when its record holds a write the header never confirmed (left by
 * a failed save): the update keeps the confirmed content in `map_previous` until the new header commits.
 */
export function planWrites(
  dealId: string,
  milestones: readonly Milestone[],
  header: CustomObjectHeader | null,
  records: ReadonlyMap<string, SimpleObject>,
  stamp: string,
): MilestoneWrites {
  const known = new Map((header?.milestones ?? []).map((r) => [r.id, r] as const));
  const writes: MilestoneWrites = { creates: [], updates: [], retire: [], refs: [] };
  for (const m of milestones) {
    const key = milestoneKey(dealId, m.id);
    const record = records.get(key);
    const ref = known.get(m.id);
    if (!record || !ref) {
      writes.creates.push({ id: key, properties: milestoneToProperties(dealId, m, stamp, '') });
      writes.refs.push({ id: m.id, recordId: null, stamp });
      continue;
    }
    const committed = committedContent(record, ref.stamp);
    const clean = record.properties[WRITE_STAMP] === ref.stamp;
    if (clean && committed.ok && canonicalJson(committed.milestone) === canonicalJson(m)) {
      writes.refs.push({ id: m.id, recordId: record.id, stamp: ref.stamp });
      continue;
    }
    const keep = committed.ok ? JSON.stringify({ stamp: ref.stamp, milestone: committed.milestone }) : '';
    writes.updates.push({ id: record.id, properties: milestoneToProperties(dealId, m, stamp, keep) });
    writes.refs.push({ id: m.id, recordId: record.id, stamp });
  }
  const kept = new Set(milestones.map((m) => m.id));
  for (const ref of header?.milestones ?? []) if (!kept.has(ref.id)) writes.retire.push(ref.recordId);
  return writes;
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

/** PLAN_TOO_LARGE from fitHeader's refusal (size, limit, and the sentence naming what to shorten). */
function tooLarge(refused: { message: string; size: number; limit: number }): PlanStoreError {
  return { code: 'PLAN_TOO_LARGE', message: refused.message, size: refused.size, limit: refused.limit };
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

/**
 * Records that hold this deal's milestone keys but belong to another deal (their map_deal_id was left as it
 * was when their map_key was edited in HubSpot): never overwritten; an admin decides.
 */
function keyTaken(deal: DealRef, taken: readonly { key: string; record: SimpleObject }[]): CrmError {
  const list = taken
    .slice(0, 5)
    .map(
      (t) =>
        `${t.key} (record ${t.record.id}, map_deal_id ${t.record.properties[DEAL_ID_PROPERTY] ?? 'empty'})`,
    );
  return crmError(
    'CRM_CONFLICT',
    `The change was not saved: HubSpot has MAP milestone records with this deal's milestone keys that belong to another deal, ` +
      `so saving would overwrite them. An admin can fix or delete those records in HubSpot: ${list.join('; ')}.`,
    0,
    { details: list },
  );
}

/** A write failure before or at the commit: the old version of the plan is still the one in force. */
function notSaved(error: CrmError): CrmError {
  return { ...error, message: `The change was not saved; the plan is as it was before. ${error.message}` };
}
