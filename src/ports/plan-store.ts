/**
 * Where plans live. The CRM is the store of record: the plan header and the forecast fields live on the deal,
 * milestones are custom-object records or part of the deal's plan document, as each CRM's adapter decides
 * (docs/data-model.md). Implementations: one per CRM in src/adapters/<crm>, and src/adapters/memory. Every expected failure is a result; a method throws only on a bug.
 */
import type { ActivityEntry, DealRef, Plan } from '../domain/model.js';
import type { Projection } from '../domain/project.js';
import type { Result } from '../domain/result.js';
import type { CrmError } from './crm-error.js';
import type { DealLockBusy } from './deal-locks.js';

export interface StoredPlan {
  /** The plan as saved; `plan.version` is the version the next save must be based on. */
  readonly plan: Plan;
  /** The forecast fields as they were last written to the deal (null when none were written yet). */
  readonly writtenProjection: Projection | null;
  /** Which version added each activity entry: what changed since an older version (see changesSince). */
  readonly history: ActivityHistory;
  /**
   * What could not be read consistently and was left out of `plan` (a milestone whose record is missing
   * or belongs to another deal, a version edited by hand, ...), for an admin: ids and reasons, no personal
   * data. Empty when the plan loaded whole. The next save writes the plan as loaded, which repairs it.
   */
  readonly problems: readonly string[];
  /** The save that wrote this version: its base version and request digest (see SaveRequest.requestDigest). */
  readonly lastRequest: { readonly base: number; readonly digest: string } | null;
}

/** The versions behind a plan's activity log. */
export interface ActivityHistory {
  /** For each entry of `plan.activity`, in the same order, the plan version that added it. */
  readonly versions: readonly number[];
  /**
   * The newest version some of whose entries were dropped from the log (it is bounded, oldest dropped
   * first); 0 when none were.
   */
  readonly trimmedThrough: number;
}

/**
 * What changed in a stored plan since `baseVersion` (its activity entries added by later versions, oldest
 * first), and whether the list is complete: it is not when the log no longer reaches back that far.
 */
export function changesSince(
  stored: StoredPlan,
  baseVersion: number,
): { changes: ActivityEntry[]; complete: boolean } {
  const changes = stored.plan.activity.filter((_, i) => (stored.history.versions[i] ?? 0) > baseVersion);
  return { changes, complete: baseVersion >= stored.history.trimmedThrough };
}

/**
 * The one sentence for a version conflict, whoever finds it (a function before it saves, or a store at its
 * version check): which version is in force, which one the change was based on, that nothing was saved, what
 * to do, and whether the list of changes that comes with it is complete.
 */
export function versionConflictMessage(
  currentVersion: number,
  baseVersion: number,
  complete: boolean,
): string {
  return (
    `Someone changed this plan since you loaded it (it is now at version ${currentVersion}; your change was based on version ${baseVersion}). ` +
    `Nothing was saved: reload the plan to see their changes, then make yours again.` +
    (complete
      ? ''
      : ' Older changes are no longer in the activity log (it keeps only the newest entries), so this list is incomplete.')
  );
}

export type PlanStoreError =
  | CrmError
  | DealLockBusy
  | { readonly code: 'DEAL_NOT_FOUND'; readonly message: string }
  | {
      readonly code: 'VERSION_CONFLICT';
      readonly message: string;
      /** The version now in the CRM. */
      readonly currentVersion: number;
      /** What changed since the version the save was based on, from the current plan's activity log. */
      readonly changesSince: readonly ActivityEntry[];
      /**
       * False when the log no longer reaches back to that version (its oldest entries were dropped: the
       * log is bounded), so `changesSince` lists only the changes that remain.
       */
      readonly changesSinceComplete: boolean;
    }
  | {
      readonly code: 'PLAN_TOO_LARGE';
      readonly message: string;
      readonly size: number;
      readonly limit: number;
    };

export interface SaveRequest {
  /** The edited plan; its `version` is the version the edit was based on. */
  readonly plan: Plan;
  /** The projection of the edited plan, for the deal's forecast fields (only changed fields are written). */
  readonly projection: Projection;
  /**
   * A digest of the request that made this edit (function, user, input). Stored with the new version, so
   * that the same request sent again after its answer was lost is recognised as already saved.
   */
  readonly requestDigest?: string;
  /**
   * The version the request was based on, when it differs from `plan.version` (a quick edit rebased onto a
   * later version): stored with the digest, so the same request sent again is recognised.
   */
  readonly requestBase?: number;
  /**
   * What `load` returned for this deal (the StoredPlan, or null when it had no plan yet), when this save
   * follows that load in the same hold of the deal's lock and nothing was written to the deal in between.
   * See PlanStore.save: the store may then check the version against that load instead of reading again.
   */
  readonly loaded?: StoredPlan | null;
}

export interface PlanStore {
  /**
   * The deal's plan, or `null` when the deal exists but has no plan yet. A deal that does not exist, or
   * is not in the account `deal.accountId`, is DEAL_NOT_FOUND.
   */
  load(deal: DealRef): Promise<Result<StoredPlan | null, PlanStoreError>>;

  /**
   * Saves an edited plan when the CRM still holds the version it was based on, writing only what changed,
   * and returns it with its new version. A stale version is VERSION_CONFLICT and writes nothing.
   *
   * One read per save: a use case loads, edits and saves while it holds the deal's lock (DealLocks, taken
   * for every writing function from before its load to after its commit), and every writer through the app
   * (functions, plan lifecycle, CLI repair) takes that lock. So the version its load read is still the
   * version in force when it saves, and a save given `request.loaded` may take its version check, and the
   * rest of what that load read, from it rather than read the deal again. The CRM has no conditional write,
   * so a change made in the CRM itself (not through the app) between the read and the commit is not seen
   * either way; reading at the load only moves that read earlier within the same lock. A save without
   * `loaded` (or with one the store cannot match to a load of its own) reads the current version itself,
   * so it stays correct after any load or none. Never pass a plan loaded outside the lock this save holds.
   */
  save(request: SaveRequest): Promise<Result<StoredPlan, PlanStoreError>>;

  /**
   * Writes the deal's forecast fields whose value differs from `written` (the projection `load`
   * returned) and nothing else: the plan and its version stay as they are, so a rep with the card open gets
   * no conflict when only the calendar moved. Returns the projection fields written (none: no call).
   */
  writeProjection(
    deal: DealRef,
    projection: Projection,
    written: Projection | null,
  ): Promise<Result<readonly string[], PlanStoreError>>;
}
