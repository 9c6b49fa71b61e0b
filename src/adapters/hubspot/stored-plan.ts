/**
 * The `map_plan` deal property: the plan header as JSON, in one of two shapes.
 *
 * - `custom_object`: milestones live in map_milestone records; the header lists them in order as
 *   `{id, recordId, stamp}`. `stamp` names the save whose write of that record this version of the plan
 *   trusts (see docs/data-model.md); `retired` lists records of removed milestones still to be archived.
 * - `document`: the milestones themselves are in the header.
 *
 * Each activity entry carries `v`, the plan version that added it, so that a conflicting save can be told
 * exactly what changed since the version it was based on. The log is bounded, oldest dropped first: by the
 * domain (LIMITS.activity entries) and here, when the header would not fit in one property value
 * (`fitHeader`). `activityTrimmedThrough` is the newest version some of whose entries are gone, so that a
 * conflict based on an older version knows its list of changes is incomplete. The value summary and the
 * version live in their own properties (`map_value_summary`, `map_plan_version`).
 */
import { z } from 'zod';
import {
  activityEntrySchema,
  goalSchema,
  isoDateSchema,
  milestoneSchema,
  riskSchema,
  stakeholderSchema,
  type ActivityEntry,
  type Plan,
} from '../../domain/model.js';
import { canonicalJson } from './codec.js';

/** HubSpot's limit on one property value, in characters. */
export const PROPERTY_VALUE_LIMIT = 65_536;

const storedActivitySchema = activityEntrySchema.extend({ v: z.number().int().nonnegative() });
export type StoredActivity = z.infer<typeof storedActivitySchema>;

const common = {
  format: z.literal(1),
  title: z.string(),
  templateId: z.string().nullable(),
  targetCloseDate: isoDateSchema.nullable(),
  goals: z.array(goalSchema),
  stakeholders: z.array(stakeholderSchema),
  risks: z.array(riskSchema),
  activity: z.array(storedActivitySchema),
  /** The newest plan version some of whose activity entries were dropped from the log; absent: none were. */
  activityTrimmedThrough: z.number().int().nonnegative().optional(),
  /**
   * The version this header was written as (also in map_plan_version, which anyone can edit: the larger of
   * the two is in force). Absent in headers written before it was kept.
   */
  version: z.number().int().nonnegative().optional(),
  /** The save that wrote this header: its base version and a digest of the request (a resent save is recognised). */
  lastRequest: z
    .strictObject({ base: z.number().int().nonnegative(), digest: z.string().min(1).max(128) })
    .optional(),
};

export const milestoneRefSchema = z.strictObject({
  id: z.string().min(1),
  recordId: z.string().min(1),
  stamp: z.string().min(1),
});
export type MilestoneRef = z.infer<typeof milestoneRefSchema>;

const customObjectHeaderSchema = z.strictObject({
  ...common,
  storage: z.literal('custom_object'),
  milestones: z.array(milestoneRefSchema),
  retired: z.array(z.string().min(1)),
});
const documentHeaderSchema = z.strictObject({
  ...common,
  storage: z.literal('document'),
  milestones: z.array(milestoneSchema),
});
export const storedHeaderSchema = z.discriminatedUnion('storage', [
  customObjectHeaderSchema,
  documentHeaderSchema,
]);
export type StoredHeader = z.infer<typeof storedHeaderSchema>;
export type CustomObjectHeader = z.infer<typeof customObjectHeaderSchema>;
export type DocumentHeader = z.infer<typeof documentHeaderSchema>;

/** The `map_plan` value of a deal, parsed; a reason an admin can act on when it cannot be read. */
export function parseHeader(raw: string): { ok: true; value: StoredHeader } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // Someone edited the property by hand or it was cut: say so rather than guess.
    return { ok: false, reason: 'the map_plan property does not hold valid JSON (was it edited by hand?)' };
  }
  const parsed = storedHeaderSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return {
    ok: false,
    reason: `the map_plan property is not in the format this app writes (${where.join('; ')})`,
  };
}

const activityKey = (a: ActivityEntry): string =>
  canonicalJson([a.at, a.actor, a.kind, a.text, a.milestoneId]);

/**
 * The plan's activity with the version that added each entry: entries already stored keep their version,
 * new ones get `version`.
 */
export function versionActivity(
  activity: readonly ActivityEntry[],
  stored: readonly StoredActivity[],
  version: number,
): StoredActivity[] {
  return nextActivity(activity, stored, 0, version).activity;
}

/**
 * The activity of a save: each entry with the version that added it (see versionActivity), and the newest
 * version whose entries are no longer all in the log, counting the stored entries the edited log dropped
 * (the domain keeps the newest LIMITS.activity entries).
 */
export function nextActivity(
  activity: readonly ActivityEntry[],
  stored: readonly StoredActivity[],
  storedTrimmedThrough: number,
  version: number,
): { activity: StoredActivity[]; trimmedThrough: number } {
  const known = new Map<string, number[]>();
  for (const entry of stored) {
    const key = activityKey(entry);
    known.set(key, [...(known.get(key) ?? []), entry.v]);
  }
  const versioned = activity.map((entry) => {
    const versions = known.get(activityKey(entry));
    const v = versions?.shift();
    return { ...entry, v: v ?? version };
  });
  let trimmedThrough = storedTrimmedThrough;
  for (const left of known.values()) for (const v of left) trimmedThrough = Math.max(trimmedThrough, v);
  return { activity: versioned, trimmedThrough };
}

export const stripVersion = ({ v: _v, ...entry }: StoredActivity): ActivityEntry => entry;

/** The activity entries the versions after `baseVersion` added, oldest first. */
export function activitySince(header: StoredHeader, baseVersion: number): ActivityEntry[] {
  return header.activity.filter((a) => a.v > baseVersion).map(stripVersion);
}

/**
 * What changed since `baseVersion`, and whether that list is complete: it is not when entries added after
 * `baseVersion` may have been dropped from the log (the base is older than the oldest kept entries).
 */
export function changesSinceVersion(
  header: StoredHeader,
  baseVersion: number,
): { changes: ActivityEntry[]; complete: boolean } {
  return {
    changes: activitySince(header, baseVersion),
    complete: baseVersion >= (header.activityTrimmedThrough ?? 0),
  };
}

/** The parts of a plan that every header holds. */
export function headerCommon(
  plan: Plan,
  activity: StoredActivity[],
  trimmedThrough = 0,
  written?: { version: number; lastRequest?: { base: number; digest: string } | undefined },
): Omit<DocumentHeader, 'storage' | 'milestones'> {
  return {
    format: 1,
    ...(written === undefined ? {} : { version: written.version }),
    ...(written?.lastRequest === undefined ? {} : { lastRequest: written.lastRequest }),
    title: plan.title,
    templateId: plan.templateId,
    targetCloseDate: plan.targetCloseDate,
    goals: plan.goals,
    stakeholders: plan.stakeholders,
    risks: plan.risks,
    activity,
    ...(trimmedThrough > 0 ? { activityTrimmedThrough: trimmedThrough } : {}),
  };
}

export type SizeCheck = { ok: true } | { ok: false; size: number; limit: number; message: string };

/**
 * Makes a header fit in one property value by dropping its oldest activity entries, never anything else
 * (the log is documented as bounded, oldest dropped first). Refused, with checkSize's message, only when
 * the header does not fit even with an empty log.
 */
export function fitHeader<H extends StoredHeader>(
  header: H,
): { ok: true; header: H; serialised: string; dropped: number } | Extract<SizeCheck, { ok: false }> {
  const serialised = JSON.stringify(header);
  if (serialised.length <= PROPERTY_VALUE_LIMIT) return { ok: true, header, serialised, dropped: 0 };
  const trimmed = (drop: number): H => {
    const through = Math.max(
      header.activityTrimmedThrough ?? 0,
      ...header.activity.slice(0, drop).map((a) => a.v),
    );
    return {
      ...header,
      activity: header.activity.slice(drop),
      ...(through > 0 ? { activityTrimmedThrough: through } : {}),
    };
  };
  const empty = trimmed(header.activity.length);
  const emptySerialised = JSON.stringify(empty);
  const refused = checkSize(emptySerialised, empty);
  if (!refused.ok) {
    return {
      ...refused,
      message: `${refused.message} (Old activity entries are dropped before a plan is refused: this size counts none.)`,
    };
  }
  // Each entry takes its own JSON plus a comma: estimate how many oldest entries to drop, then check (the
  // trimmed-through number can add a few characters, hence the loop; it ends at the empty log, which fits).
  const sizes = header.activity.map((a) => JSON.stringify(a).length + 1);
  let size = serialised.length;
  let drop = 0;
  while (drop < sizes.length && size > PROPERTY_VALUE_LIMIT) size -= sizes[drop++]!;
  for (; drop < header.activity.length; drop++) {
    const next = trimmed(drop);
    const text = JSON.stringify(next);
    if (text.length <= PROPERTY_VALUE_LIMIT)
      return { ok: true, header: next, serialised: text, dropped: drop };
  }
  return { ok: true, header: empty, serialised: emptySerialised, dropped: header.activity.length };
}

/**
 * Refuses a header that does not fit in one HubSpot property, naming the parts that take the most room so
 * that the rep knows what to shorten. Nothing is cut here (fitHeader first drops old activity entries).
 */
export function checkSize(serialised: string, header: StoredHeader): SizeCheck {
  const size = serialised.length;
  if (size <= PROPERTY_VALUE_LIMIT) return { ok: true };
  const parts: [string, unknown][] = [
    ['milestones (their descriptions and success criteria)', header.milestones],
    ['activity log', header.activity],
    ['stakeholders', header.stakeholders],
    ['goals', header.goals],
    ['risks', header.risks],
  ];
  const sized = parts
    .map(([name, value]) => ({ name, chars: JSON.stringify(value).length }))
    .sort((a, b) => b.chars - a.chars)
    .slice(0, 3)
    .map((p) => `${p.name}: ${p.chars.toLocaleString('en-US')}`);
  const over = size - PROPERTY_VALUE_LIMIT;
  const message =
    `This plan takes ${size.toLocaleString('en-US')} characters to store, but HubSpot keeps at most ` +
    `${PROPERTY_VALUE_LIMIT.toLocaleString('en-US')} in one property, so it was not saved (nothing was cut). ` +
    `Shorten it by at least ${over.toLocaleString('en-US')} characters. The largest parts are ${sized.join('; ')}.`;
  return { ok: false, size, limit: PROPERTY_VALUE_LIMIT, message };
}
