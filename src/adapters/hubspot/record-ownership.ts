/**
 * Proof that milestone records belong to a deal before the store or the lifecycle acts on them. Record ids
 * in a deal's `map_plan` header cannot be trusted: anyone who can edit a deal property (a user in HubSpot,
 * an import, a workflow) can put another deal's record ids there. Every record the store writes carries the
 * deal's id twice (`map_key` = `<dealId>:<milestoneId>` and `map_deal_id`); a record belongs to a deal only
 * when HubSpot itself says both name it.
 */
import { ok, type Result } from '../../domain/result.js';
import type { CrmError } from '../../ports/crm-error.js';
import { MILESTONE_KEY } from './codec.js';
import { batchReadByIds, type SimpleObject } from './crm-objects.js';
import type { HubSpotTransport } from './transport.js';

export const DEAL_ID_PROPERTY = 'map_deal_id';

export interface Ownership {
  /** Records of the deal, by record id, with the milestone id their key names. */
  readonly owned: ReadonlyMap<string, string>;
  /** Records that exist but belong to another deal (or to none): never touched. */
  readonly foreign: readonly string[];
  /** Ids HubSpot does not find (already archived, deleted, never existed). */
  readonly gone: readonly string[];
}

/** The milestone id a record's key names when the record belongs to `dealId`, else null. */
export function ownedMilestoneId(record: SimpleObject, dealId: string): string | null {
  const key = record.properties[MILESTONE_KEY] ?? '';
  const prefix = `${dealId}:`;
  if (!key.startsWith(prefix) || key.length === prefix.length) return null;
  return record.properties[DEAL_ID_PROPERTY] === dealId ? key.slice(prefix.length) : null;
}

/** Reads `ids` from HubSpot and sorts them into the deal's own records, other records, and missing ones. */
export async function recordsOwnedBy(
  t: HubSpotTransport,
  portalId: string,
  objectType: string,
  dealId: string,
  ids: readonly string[],
): Promise<Result<Ownership, CrmError>> {
  if (ids.length === 0) return ok({ owned: new Map(), foreign: [], gone: [] });
  const read = await batchReadByIds(t, portalId, objectType, ids, [MILESTONE_KEY, DEAL_ID_PROPERTY]);
  if (!read.ok) return read;
  const owned = new Map<string, string>();
  const foreign: string[] = [];
  const gone: string[] = [];
  for (const id of new Set(ids)) {
    const record = read.value.get(id);
    if (!record) {
      gone.push(id);
      continue;
    }
    const milestoneId = ownedMilestoneId(record, dealId);
    if (milestoneId === null) foreign.push(id);
    else owned.set(id, milestoneId);
  }
  return ok({ owned, foreign, gone });
}
