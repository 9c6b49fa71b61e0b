/**
 * Every conversion between our values and the strings HubSpot stores, in one place.
 *
 * HubSpot keeps every property value as a string and returns `null` for an empty one; writing `''` clears a
 * value. Numbers go out as decimal strings. `date` properties hold a calendar day: we write `YYYY-MM-DD`
 * (HubSpot also accepts midnight UTC in epoch ms) and read back either form. `datetime` properties take ISO
 * 8601 or epoch ms; we write ISO 8601 UTC with milliseconds (`toISOString`), which is also what HubSpot
 * returns, so a value read back compares equal to the value written.
 * https://developers.hubspot.com/docs/faq/how-should-timestamps-be-formatted-for-hubspots-apis
 */
import { isIsoDate } from '../../domain/dates.js';
import { milestoneSchema, type Milestone } from '../../domain/model.js';
import {
  MAP_DEAL_PROPERTIES,
  PROJECTION_FIELDS,
  projectionSchema,
  type Projection,
} from '../../domain/project.js';

/** A property map as HubSpot returns it. */
export type HubSpotProperties = Readonly<Record<string, string | null | undefined>>;

const DAY_MS = 86_400_000;

export const encodeText = (value: string | null): string => value ?? '';
export const decodeText = (raw: string | null | undefined): string => raw ?? '';
/** Empty and absent read as null: HubSpot never stores an empty string. */
export const decodeOptionalText = (raw: string | null | undefined): string | null =>
  raw === null || raw === undefined || raw === '' ? null : raw;

export function encodeNumber(value: number | null): string {
  if (value === null) return '';
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

export function decodeNumber(raw: string | null | undefined): number | null | undefined {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

export const encodeDate = (value: string | null): string => value ?? '';

/** A `date` value as `YYYY-MM-DD`: HubSpot returns the day itself, or midnight UTC as ISO or epoch ms. */
export function decodeDate(raw: string | null | undefined): string | null | undefined {
  if (raw === null || raw === undefined || raw === '') return null;
  if (isIsoDate(raw)) return raw;
  const ms = /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms) || ms % DAY_MS !== 0) return undefined;
  return new Date(ms).toISOString().slice(0, 10);
}

export function encodeDateTime(value: string | null): string {
  if (value === null) return '';
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a datetime: ${value}`);
  return new Date(ms).toISOString();
}

export function decodeDateTime(raw: string | null | undefined): string | null | undefined {
  if (raw === null || raw === undefined || raw === '') return null;
  const ms = /^-?\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export const encodeBool = (value: boolean): string => (value ? 'true' : 'false');
export function decodeBool(raw: string | null | undefined): boolean | undefined {
  if (raw === null || raw === undefined) return undefined;
  const lower = raw.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// The forecast fields (map_* deal properties)

type FieldKind = 'number' | 'text' | 'enum' | 'date' | 'datetime';
const FIELD_KINDS: Readonly<Record<keyof Projection, FieldKind>> = {
  progress: 'number',
  health: 'enum',
  phase: 'text',
  nextStep: 'text',
  nextStepDue: 'date',
  nextStepOwnerSide: 'enum',
  overdueCount: 'number',
  buyerOverdueCount: 'number',
  slipDays: 'number',
  projectedCloseDate: 'date',
  closeProbability: 'number',
  milestonesTotal: 'number',
  milestonesDone: 'number',
  updatedAt: 'datetime',
};

/** The forecast fields as HubSpot property values (every field; null clears). */
export function encodeProjection(projection: Partial<Projection>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of PROJECTION_FIELDS) {
    if (!(field in projection)) continue;
    const value = projection[field] ?? null;
    const name = MAP_DEAL_PROPERTIES[field];
    switch (FIELD_KINDS[field]) {
      case 'number':
        out[name] = encodeNumber(value as number | null);
        break;
      case 'date':
        out[name] = encodeDate(value as string | null);
        break;
      case 'datetime':
        out[name] = encodeDateTime(value as string | null);
        break;
      case 'text':
      case 'enum':
        out[name] = encodeText(value as string | null);
        break;
    }
  }
  return out;
}

/**
 * The forecast fields as last written to a deal, or null when none were written or one of them no longer
 * reads as a valid value (someone edited it in HubSpot): then every field is written again.
 */
export function decodeProjection(props: HubSpotProperties): Projection | null {
  const names = PROJECTION_FIELDS.map((f) => MAP_DEAL_PROPERTIES[f]);
  if (names.every((n) => props[n] === null || props[n] === undefined || props[n] === '')) return null;
  const raw: Record<string, unknown> = {};
  for (const field of PROJECTION_FIELDS) {
    const value = props[MAP_DEAL_PROPERTIES[field]];
    switch (FIELD_KINDS[field]) {
      case 'number':
        raw[field] = decodeNumber(value);
        break;
      case 'date':
        raw[field] = decodeDate(value);
        break;
      case 'datetime':
        raw[field] = decodeDateTime(value);
        break;
      case 'text':
      case 'enum':
        raw[field] = decodeOptionalText(value);
        break;
    }
  }
  const parsed = projectionSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * The projection as it will read back from HubSpot (an empty phase reads as null, a datetime gains its
 * milliseconds), so that comparing it with what was read finds only real changes.
 */
export function canonicalProjection(projection: Projection): Projection {
  return decodeProjection(encodeProjection(projection)) ?? projection;
}

/**
 * HubSpot's native `hs_forecast_probability` holds a fraction between 0 and 1 (its stage probabilities
 * are 0–1 too); our close probability is a percentage. See docs/data-model.md.
 */
export const encodeNativeForecastProbability = (closeProbability: number): string =>
  String(Math.round(closeProbability) / 100);

// ---------------------------------------------------------------------------------------------------------
// Milestone records (map_milestone)

export const MILESTONE_KEY = 'map_key';
export const milestoneKey = (dealId: string, milestoneId: string): string => `${dealId}:${milestoneId}`;

/** The record's own bookkeeping: which save wrote it, and the content it replaced (see docs/data-model.md). */
export const WRITE_STAMP = 'map_write_stamp';
export const PREVIOUS_CONTENT = 'map_previous';

/** Every milestone property the store reads and writes. */
export const MILESTONE_RECORD_PROPERTIES = [
  MILESTONE_KEY,
  'map_deal_id',
  'map_milestone_id',
  'map_title',
  'map_description',
  'map_phase',
  'map_seller_owner_id',
  'map_buyer_owner_id',
  'map_due_date',
  'map_baseline_due_date',
  'map_status',
  'map_completed_date',
  'map_depends_on',
  'map_is_close',
  'map_visibility',
  'map_success_criteria',
  'map_weight',
  'map_order',
  WRITE_STAMP,
  PREVIOUS_CONTENT,
] as const;

/** A milestone's content as record properties (full values: every property is written). */
export function milestoneToProperties(
  dealId: string,
  m: Milestone,
  stamp: string,
  previous: string,
): Record<string, string> {
  return {
    [MILESTONE_KEY]: milestoneKey(dealId, m.id),
    map_deal_id: dealId,
    map_milestone_id: m.id,
    map_title: encodeText(m.title),
    map_description: encodeText(m.description),
    map_phase: encodeText(m.phase),
    map_seller_owner_id: encodeText(m.sellerOwnerId),
    map_buyer_owner_id: encodeText(m.buyerOwnerId),
    map_due_date: encodeDate(m.dueDate),
    map_baseline_due_date: encodeDate(m.baselineDueDate),
    map_status: m.status,
    map_completed_date: encodeDate(m.completedDate),
    // JSON rather than a comma list: a milestone id may itself contain a comma.
    map_depends_on: m.dependsOn.length === 0 ? '' : JSON.stringify(m.dependsOn),
    map_is_close: encodeBool(m.isClose),
    map_visibility: m.visibility,
    map_success_criteria: encodeText(m.successCriteria),
    map_weight: encodeNumber(m.weight),
    map_order: encodeNumber(m.order),
    [WRITE_STAMP]: stamp,
    [PREVIOUS_CONTENT]: previous,
  };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    // Not JSON: the caller reports the value as unreadable.
    return undefined;
  }
}

/** A record's milestone, or the problems that stop it from being one (for an admin-facing message). */
export function propertiesToMilestone(
  props: HubSpotProperties,
): { ok: true; value: Milestone } | { ok: false; problems: string[] } {
  const dependsRaw = decodeOptionalText(props.map_depends_on);
  const candidate = {
    id: decodeText(props.map_milestone_id),
    title: decodeText(props.map_title),
    description: decodeText(props.map_description),
    phase: decodeText(props.map_phase),
    sellerOwnerId: decodeOptionalText(props.map_seller_owner_id),
    buyerOwnerId: decodeOptionalText(props.map_buyer_owner_id),
    dueDate: decodeDate(props.map_due_date),
    baselineDueDate: decodeDate(props.map_baseline_due_date),
    status: decodeOptionalText(props.map_status),
    completedDate: decodeDate(props.map_completed_date),
    dependsOn: dependsRaw === null ? [] : parseJson(dependsRaw),
    isClose: decodeBool(props.map_is_close) ?? false,
    visibility: decodeOptionalText(props.map_visibility),
    successCriteria: decodeText(props.map_success_criteria),
    weight: decodeNumber(props.map_weight),
    order: decodeNumber(props.map_order),
  };
  const parsed = milestoneSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
  };
}

/** Stable JSON (sorted keys), so that two equal milestones always compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
