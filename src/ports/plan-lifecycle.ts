/**
 * What happens to a plan when its deal changes under it in the CRM (webhooks): the deal is deleted, or
 * several deals are merged into one. Kept apart from PlanStore, which edits plans; each CRM's storage
 * adapter implements both. Every method is idempotent, so a redelivered or reordered webhook is harmless.
 */
import type { DealRef } from '../domain/model.js';
import type { Result } from '../domain/result.js';
import type { PlanStoreError } from './plan-store.js';

export interface MergeOutcome {
  /** The deal whose plan the surviving deal now has (null when none of them had a plan). */
  readonly keptPlanOf: string | null;
  /** Milestone records archived because they belonged to a plan that was not kept. */
  readonly archivedMilestones: number;
}

export interface PlanLifecycle {
  /**
   * Archives the milestones of a deleted deal (custom-object records; nothing to do in document mode, where
   * the plan is a property of the deal and goes with it). Archiving what is already archived is a success.
   */
  archiveDealPlan(deal: DealRef): Promise<Result<{ readonly archivedMilestones: number }, PlanStoreError>>;

  /**
   * After the CRM merged `mergedDealIds` into `survivor`, leaves the survivor with exactly one plan. The rule:
   * the plan of `primaryDealId` (the deal the CRM gave priority) is kept when it has one; otherwise the plan
   * with the highest version among the merged deals (ties: the first listed); the milestones of every other
   * plan are archived.
   */
  reconcileMerge(input: {
    readonly survivor: DealRef;
    readonly primaryDealId: string;
    readonly mergedDealIds: readonly string[];
  }): Promise<Result<MergeOutcome, PlanStoreError>>;
}
