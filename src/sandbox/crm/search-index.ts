/**
 * The search index's lag. HubSpot's search reads an index that trails writes: "It may take a few moments for
 * newly created or updated CRM objects to appear in search results" (Limitations,
 * https://developers.hubspot.com/docs/guides/api/crm/search). The sandbox models it exactly and
 * deterministically: search sees every record as it was at `now - lag`, by the sandbox's clock.
 *
 * Model: the store reports each record write (create, update, archive) here with the record as it was just
 * before the write (`null` when it did not exist or was archived). The state of a record at time T is the
 * `before` of its first write after T, or its current row when it has no write after T. Writes older than
 * MAX_SEARCH_LAG_MS can never matter again and are dropped. The history lives in memory, per database: after
 * a restart, writes of the last few seconds are visible at once (the index has "caught up"). Associations are
 * not lagged (searches through associations read the current associations).
 *
 * The lag is a sandbox default (createSandbox `searchIndexLagMs`, env SANDBOX_SEARCH_LAG_MS, default 1 s) and
 * may be set per portal through the admin API; 0 turns it off. Seeding demo data is indexed at once.
 */
import type { SandboxDb } from '../db.js';
import type { CrmRecord } from './model.js';

/**
 * Default lag: 1 s. Long enough that any code searching right after it wrote (a test runs a write and a search
 * within milliseconds) misses the write, as it may live; short enough that a test that does wait, as code
 * must against HubSpot, waits about a second. The app itself never reads through search except for a count
 * used as an estimate.
 */
export const DEFAULT_SEARCH_LAG_MS = 1000;
/** Upper bound of the setting (HubSpot's "a few moments"); also how long write history is kept. */
export const MAX_SEARCH_LAG_MS = 3000;

interface Write {
  at: number;
  before: CrmRecord | null;
}

interface IndexState {
  defaultLagMs: number;
  lagByPortal: Map<number, number>;
  /** `${portalId}/${objectTypeId}` → record id → its writes, oldest first. */
  writes: Map<string, Map<number, Write[]>>;
  /** Writes noted since the last sweep of old history. */
  sinceSweep: number;
}

/** Writes between two sweeps of the whole history (so that types nobody searches do not keep theirs). */
const SWEEP_EVERY = 1000;

/** Drops the writes that no search can see any more (older than the largest lag). */
function sweep(byId: Map<number, Write[]>, now: number): void {
  const horizon = now - MAX_SEARCH_LAG_MS;
  for (const [id, list] of byId) {
    const kept = list.filter((w) => w.at > horizon);
    if (kept.length === 0) byId.delete(id);
    else if (kept.length !== list.length) byId.set(id, kept);
  }
}

const states = new WeakMap<SandboxDb, IndexState>();

function state(db: SandboxDb): IndexState {
  let s = states.get(db);
  if (!s) {
    s = { defaultLagMs: DEFAULT_SEARCH_LAG_MS, lagByPortal: new Map(), writes: new Map(), sinceSweep: 0 };
    states.set(db, s);
  }
  return s;
}

function checkLag(ms: number): void {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_SEARCH_LAG_MS) {
    throw new RangeError(
      `sandbox: the search index lag must be an integer from 0 to ${MAX_SEARCH_LAG_MS} ms, got ${ms}`,
    );
  }
}

/** Sets the sandbox's default lag (portalId undefined) or one portal's (null clears the portal's own). */
export function setSearchLag(db: SandboxDb, portalId: number | undefined, ms: number | null): void {
  const s = state(db);
  if (portalId === undefined) {
    if (ms === null) throw new RangeError('sandbox: the default search index lag cannot be cleared');
    checkLag(ms);
    s.defaultLagMs = ms;
    return;
  }
  if (ms === null) {
    s.lagByPortal.delete(portalId);
    return;
  }
  checkLag(ms);
  s.lagByPortal.set(portalId, ms);
}

/** The lag searches of a portal see. */
export function searchLag(db: SandboxDb, portalId: number): number {
  const s = state(db);
  return s.lagByPortal.get(portalId) ?? s.defaultLagMs;
}

/** Called by the store for every record write, with the record as it was before (null: absent or archived). */
export function noteWrite(
  db: SandboxDb,
  portalId: number,
  objectTypeId: string,
  id: number,
  before: CrmRecord | null,
  at: number,
): void {
  const key = `${portalId}/${objectTypeId}`;
  const s = state(db);
  let byId = s.writes.get(key);
  if (!byId) {
    byId = new Map();
    s.writes.set(key, byId);
  }
  const list = byId.get(id);
  if (list) list.push({ at, before });
  else byId.set(id, [{ at, before }]);
  s.sinceSweep += 1;
  if (s.sinceSweep >= SWEEP_EVERY) {
    s.sinceSweep = 0;
    for (const [k, m] of s.writes) {
      sweep(m, at);
      if (m.size === 0) s.writes.delete(k);
    }
  }
}

/** Marks every write of a portal as indexed (demo seeding, portal reset or delete). */
export function indexPortalNow(db: SandboxDb, portalId: number): void {
  const s = state(db);
  for (const key of [...s.writes.keys()]) if (key.startsWith(`${portalId}/`)) s.writes.delete(key);
}

/**
 * The records of a type as the search index shows them at `now` (ordered by id): `live` is the type's
 * current live records.
 */
export function searchVisible(
  db: SandboxDb,
  portalId: number,
  objectTypeId: string,
  live: CrmRecord[],
  now: number,
): CrmRecord[] {
  const byId = state(db).writes.get(`${portalId}/${objectTypeId}`);
  if (!byId || byId.size === 0) return live;
  sweep(byId, now);
  const asOf = now - searchLag(db, portalId);
  const stateAt = (id: number, current: CrmRecord | null): CrmRecord | null => {
    const first = byId.get(id)?.find((w) => w.at > asOf);
    return first ? first.before : current;
  };
  const out: CrmRecord[] = [];
  const seen = new Set<number>();
  for (const r of live) {
    seen.add(r.id);
    const visible = stateAt(r.id, r);
    if (visible) out.push(visible);
  }
  // Records archived since the index's time are still in the index.
  for (const id of byId.keys()) {
    if (seen.has(id)) continue;
    const visible = stateAt(id, null);
    if (visible) out.push(visible);
  }
  return out.sort((a, b) => a.id - b.id);
}

/** How many writes the index still remembers (tests: the history stays bounded). */
export function rememberedWrites(db: SandboxDb): number {
  let n = 0;
  for (const byId of state(db).writes.values()) for (const list of byId.values()) n += list.length;
  return n;
}
