/**
 * The deal as a plan's load, save, lifecycle or bulk reprojection reads it: its plan header (`map_plan`), the
 * version in force, the value summary and the forecast fields last written, whatever the storage mode.
 */
import type { DealRef } from '../../domain/model.js';
import { MAP_DEAL_PROPERTIES, type Projection } from '../../domain/project.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { StorageMode } from '../../ports/installation-store.js';
import type { PlanStoreError } from '../../ports/plan-store.js';
import { decodeNumber, decodeProjection, decodeText } from './codec.js';
import { getObject, type SimpleObject } from './crm-objects.js';
import { MILESTONE_OBJECT, PLAN_HEADER_PROPERTIES } from './definitions.js';
import { parseHeader, type StoredHeader } from './stored-plan.js';
import type { HubSpotTransport } from './transport.js';

export const NATIVE_FORECAST_PROBABILITY = 'hs_forecast_probability';
export const DEALS = 'deals';

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

export function milestoneType(config: PortalStoreConfig, portalId: string): string {
  return config.milestoneObjectType ?? `p${portalId}_${MILESTONE_OBJECT.name}`;
}

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

export const dealNotFound = (deal: DealRef): PlanStoreError => ({
  code: 'DEAL_NOT_FOUND',
  message: `Deal ${deal.dealId} was not found in HubSpot account ${deal.accountId}.`,
});

/**
 * The deal with every property a load or save reads, and, in custom-object mode, its associated milestone
 * records (which a save repairs). One call.
 */
export async function readDeal(
  t: HubSpotTransport,
  deal: DealRef,
  config: PortalStoreConfig,
): Promise<Result<DealState, PlanStoreError>> {
  const res = await getObject(
    t,
    deal.accountId,
    DEALS,
    deal.dealId,
    DEAL_READ_PROPERTIES,
    config.storageMode === 'custom_object' ? milestoneType(config, deal.accountId) : undefined,
  );
  if (!res.ok) return res.error.code === 'CRM_NOT_FOUND' ? err(dealNotFound(deal)) : res;
  return ok(readDealState(res.value));
}
