/**
 * What differs between the two ways a portal keeps its plans' milestones (docs/data-model.md): as
 * map_milestone records (`custom-object-mode.ts`) or inside the deal's `map_plan` document
 * (`document-mode.ts`). The store (`plan-store.ts`) does the rest the same way in both: the deal read, the
 * version check, the header's common parts, the commit. A plan is read in the mode its header was written
 * in, and saved in the portal's mode (a portal that gains custom objects moves its plans at their next save).
 */
import type { DealRef, Milestone, Plan } from '../../domain/model.js';
import type { Result } from '../../domain/result.js';
import type { CrmError } from '../../ports/crm-error.js';
import type { PlanStoreError } from '../../ports/plan-store.js';
import type { SimpleObject } from './crm-objects.js';
import type { DealState } from './deal-state.js';
import type { DocumentHeader, StoredHeader } from './stored-plan.js';
import type { HubSpotTransport } from './transport.js';

/** Milestone records by map_key (always empty in document mode). */
export type MilestoneRecords = ReadonlyMap<string, SimpleObject>;

/** Records read by map_key: every key asked for (one with no record has none in HubSpot), and those found. */
export interface RecordsRead {
  readonly keys: ReadonlySet<string>;
  readonly records: MilestoneRecords;
}

export const NO_RECORDS: RecordsRead = { keys: new Set(), records: new Map() };

/** Where a mode reads and writes: the portal's transport, the deal, and the milestone object's type. */
export interface ModeTarget {
  readonly t: HubSpotTransport;
  readonly deal: DealRef;
  readonly objectType: string;
}

/** Everything a mode's save is given, once the store has checked the version. */
export interface SaveContext extends ModeTarget {
  /** The plan to save (validated), based on the version in force. */
  readonly plan: Plan;
  /** The deal as read for the version check (in custom-object mode with its milestone associations). */
  readonly state: DealState;
  /** What the mode's readForSave returned. */
  readonly records: MilestoneRecords;
  /** The new header's parts every mode writes: version, request, title, ..., and the activity log. */
  readonly common: Omit<DocumentHeader, 'storage' | 'milestones'>;
  /** The stamp of this save (custom-object records name the save that wrote them). */
  readonly stamp: string;
  /** The commit point: the deal PATCH with the new header and version. Until it succeeds the old version is in force. */
  readonly commit: (serialised: string) => Promise<Result<unknown, CrmError>>;
}

/** One storage mode. `H` is the header it writes. */
export interface StorageMode<H extends StoredHeader> {
  /** The second round trip of a load: what a header names outside the deal (custom-object mode: its records). */
  readForLoad(target: ModeTarget, header: H): Promise<Result<RecordsRead, CrmError>>;
  /**
   * The milestones of a loaded plan. Loading is tolerant: what cannot be read consistently is left out (with
   * what depended on it), each such case a repairable problem; the next save writes the plan as loaded.
   */
  loadMilestones(
    deal: DealRef,
    header: H,
    records: MilestoneRecords,
  ): { milestones: Milestone[]; problems: string[] };
  /** The milestones exactly as the header committed them, or null when one no longer reads so (a resent save's check). */
  committedMilestones(deal: DealRef, header: H, records: MilestoneRecords): Milestone[] | null;
  /**
   * What a save must know beside the deal before it writes (custom-object mode: the records holding the edited
   * plan's milestone keys), taking what a load in the same hold of the deal's lock read (`known`) instead of
   * reading it again. Records of this deal's keys that belong to another deal are refused here.
   */
  readForSave(
    target: ModeTarget,
    plan: Plan,
    known: RecordsRead,
  ): Promise<Result<MilestoneRecords, PlanStoreError>>;
  /** Writes what the mode keeps outside the deal, then commits the new header; returns the header written. */
  save(context: SaveContext): Promise<Result<H, PlanStoreError>>;
}

/** PLAN_TOO_LARGE from fitHeader's refusal (size, limit, and the sentence naming what to shorten). */
export function tooLarge(refused: { message: string; size: number; limit: number }): PlanStoreError {
  return { code: 'PLAN_TOO_LARGE', message: refused.message, size: refused.size, limit: refused.limit };
}

/** A write failure before or at the commit: the old version of the plan is still the one in force. */
export function notSaved(error: CrmError): CrmError {
  return { ...error, message: `The change was not saved; the plan is as it was before. ${error.message}` };
}
