/**
 * Custom-object mode: each milestone is a map_milestone record keyed by `map_key` (`{dealId}:{milestoneId}`),
 * associated with its deal; the deal's `map_plan` header lists them in order as `{id, recordId, stamp}`.
 *
 * The header decides which records belong to the plan, so records that a failed save left behind, or
 * associations that failed, cannot change what loads. Records are read by `map_key` (which names the deal),
 * never by a record id from the header, and never through search (eventually consistent).
 *
 * A save writes the records first, in parallel (batch upserts by map_key for new milestones, batch updates
 * with full values for changed ones), then commits the header, beside association repairs and the archive of
 * records retired by an earlier save. A failure before the commit leaves the old version in force: new
 * records are not in the old header, and an updated record keeps the content the old header trusts in
 * `map_previous`.
 */
import { z } from 'zod';
import { milestoneSchema, type DealRef, type Milestone } from '../../domain/model.js';
import { err, ok, type Result } from '../../domain/result.js';
import { crmError, type CrmError } from '../../ports/crm-error.js';
import {
  canonicalJson,
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
  removeAssociations,
  type SimpleObject,
} from './crm-objects.js';
import { DEALS } from './deal-state.js';
import { DEAL_ID_PROPERTY, ownedMilestoneId, recordsOwnedBy } from './record-ownership.js';
import {
  notSaved,
  tooLarge,
  type MilestoneRecords,
  type ModeTarget,
  type StorageMode,
} from './storage-mode.js';
import { fitHeader, type CustomObjectHeader, type MilestoneRef } from './stored-plan.js';

/** A record's content as kept in `map_previous`: the milestone and the stamp of the save that wrote it. */
const previousSchema = z.strictObject({ stamp: z.string().min(1), milestone: milestoneSchema });

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

/** Worst-case length of a HubSpot record id, for the size check made before the new records' ids are known. */
const MAX_RECORD_ID = '9'.repeat(20);

/** Records by map_key, in batches of 100 read in parallel. */
function readRecords(
  { t, deal, objectType }: ModeTarget,
  keys: readonly string[],
): Promise<Result<Map<string, SimpleObject>, CrmError>> {
  if (keys.length === 0) return Promise.resolve(ok(new Map<string, SimpleObject>()));
  return batchReadByProperty(t, deal.accountId, objectType, MILESTONE_KEY, keys, MILESTONE_RECORD_PROPERTIES);
}

export const customObjectMode: StorageMode<CustomObjectHeader> = {
  async readForLoad(target, header) {
    const keys = header.milestones.map((r) => milestoneKey(target.deal.dealId, r.id));
    const read = await readRecords(target, keys);
    return read.ok ? ok({ keys: new Set(keys), records: read.value }) : read;
  },

  loadMilestones(deal, header, records) {
    const problems: string[] = [];
    let milestones: Milestone[] = [];
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
    const kept = new Set(milestones.map((m) => m.id));
    if (kept.size < header.milestones.length) {
      // What depended on a milestone that was left out depends on it no longer.
      milestones = milestones.map((m) =>
        m.dependsOn.every((d) => kept.has(d))
          ? m
          : { ...m, dependsOn: m.dependsOn.filter((d) => kept.has(d)) },
      );
      if (milestones.length > 0 && !milestones.some((m) => m.isClose)) {
        const last = milestones.reduce((a, b) => (b.dueDate > a.dueDate ? b : a));
        milestones = milestones.map((m) => (m === last ? { ...m, isClose: true } : m));
        problems.push(
          `the close milestone was left out; milestone ${last.id} (the latest) is now the close milestone`,
        );
      }
    }
    return { milestones, problems };
  },

  committedMilestones(deal, header, records) {
    const milestones: Milestone[] = [];
    for (const ref of header.milestones) {
      const record = records.get(milestoneKey(deal.dealId, ref.id));
      const content = record ? committedContent(record, ref.stamp) : undefined;
      if (!content?.ok) return null;
      milestones.push(content.milestone);
    }
    return milestones;
  },

  async readForSave(target, plan, known) {
    const { deal } = target;
    const keys = plan.milestones.map((m) => milestoneKey(deal.dealId, m.id));
    const read = await readRecords(
      target,
      keys.filter((key) => !known.keys.has(key)),
    );
    if (!read.ok) return read;
    const records = new Map<string, SimpleObject>();
    for (const key of keys) {
      const record = read.value.get(key) ?? known.records.get(key);
      if (record) records.set(key, record);
    }
    const foreign = [...records].filter(
      ([key, record]) => ownedMilestoneId(record, deal.dealId) !== key.slice(deal.dealId.length + 1),
    );
    if (foreign.length > 0)
      return err(
        keyTaken(
          deal,
          foreign.map(([key, record]) => ({ key, record })),
        ),
      );
    return ok(records);
  },

  async save({ t, deal, objectType, plan, state, records, common, stamp, commit }) {
    const previous = state.header?.storage === 'custom_object' ? state.header : null;
    const writes = planWrites(deal.dealId, plan.milestones, previous, records, stamp);
    // Records retired by earlier saves, still to be archived: checked against HubSpot before any is touched.
    const inPlan = new Set(plan.milestones.map((m) => m.id));
    const referenced = new Set(writes.refs.flatMap((r) => (r.recordId === null ? [] : [r.recordId])));
    const candidates = [...new Set(previous?.retired ?? [])].filter(
      (id) => !referenced.has(id) && !writes.retire.includes(id),
    );
    // Sized with a worst-case id for records not created yet: the header written later is never larger.
    const estimate = fitHeader<CustomObjectHeader>({
      ...common,
      storage: 'custom_object',
      milestones: writes.refs.map((r) => ({
        id: r.id,
        recordId: r.recordId ?? MAX_RECORD_ID,
        stamp: r.stamp,
      })),
      retired: [...writes.retire, ...candidates],
    });
    if (!estimate.ok) return err(tooLarge(estimate));
    const { activity: keptActivity, activityTrimmedThrough } = estimate.header;
    const fittedCommon = {
      ...common,
      activity: keptActivity,
      ...(activityTrimmedThrough === undefined ? {} : { activityTrimmedThrough }),
    };

    // The milestone writes, independent of each other, and which retired records are this deal's.
    const [upserted, updated, ownership] = await Promise.all([
      batchUpsert(t, deal.accountId, objectType, MILESTONE_KEY, writes.creates),
      batchUpdate(t, deal.accountId, objectType, writes.updates),
      recordsOwnedBy(t, deal.accountId, objectType, deal.dealId, candidates),
    ]);
    if (!upserted.ok) return err(notSaved(upserted.error));
    if (!updated.ok) return err(notSaved(updated.error));
    const createdIds = new Map<string, string>();
    for (const record of upserted.value) {
      const key = record.properties[MILESTONE_KEY];
      if (key) createdIds.set(key, record.id);
    }
    const refs: MilestoneRef[] = [];
    for (const r of writes.refs) {
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
    const retired = [...new Set([...writes.retire, ...(ownership.ok ? toArchive : candidates)])].filter(
      (id) => !inUse.has(id),
    );
    const header: CustomObjectHeader = {
      ...fittedCommon,
      storage: 'custom_object',
      milestones: refs,
      retired,
    };

    // The commit, with association repairs and archives beside it (they do not decide what loads).
    const linked = associatedIds(state.object);
    const toLink = refs
      .filter((r) => !linked.has(r.recordId))
      .map((r) => ({ from: deal.dealId, to: r.recordId }));
    const toUnlink = [...writes.retire, ...toArchive]
      .filter((id) => linked.has(id) && !inUse.has(id))
      .map((id) => ({ from: deal.dealId, to: id }));
    const [committed] = await Promise.all([
      commit(JSON.stringify(header)),
      toLink.length > 0
        ? associateDefault(t, deal.accountId, DEALS, objectType, toLink)
        : Promise.resolve(ok([])),
      toUnlink.length > 0
        ? removeAssociations(t, deal.accountId, DEALS, objectType, toUnlink)
        : Promise.resolve(ok([])),
      toArchive.length > 0 ? batchArchive(t, deal.accountId, objectType, toArchive) : Promise.resolve(ok([])),
    ]);
    if (!committed.ok) return err(notSaved(committed.error));
    return ok(header);
  },
};

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
function planWrites(
  dealId: string,
  milestones: readonly Milestone[],
  header: CustomObjectHeader | null,
  records: MilestoneRecords,
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
