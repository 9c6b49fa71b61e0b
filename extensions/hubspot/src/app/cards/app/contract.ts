/**
 * The card's view of the backend contract. Every type and schema here comes from src/contract and the domain
 * it builds on (copied into ../generated/contract by `npm run card:contract`, which the pre-scripts run); this
 * file only picks what the card uses and checks, at compile time, that the picks still match the contract.
 * Values come from the contract's own files (responses, errors), never from its index: the function table
 * (summaries and all) stays out of the bundle.
 */
import type { z } from 'zod';
import type { ApiErrorCode } from '../generated/contract/src/contract/errors.js';
import type {
  FunctionInput,
  FunctionName,
  FunctionOutput,
} from '../generated/contract/src/contract/functions.js';
import type { PlanEditRequest } from '../generated/contract/src/contract/requests.js';
import {
  planResponseSchema,
  templatesResponseSchema,
  type PlanResponse,
} from '../generated/contract/src/contract/responses.js';
import type {
  AddMilestoneInput,
  AddStakeholderInput,
  EditName,
  MoveDueDateInput,
  RemoveMilestoneInput,
  RemoveStakeholderInput,
  ReorderMilestonesInput,
  SetGoalsInput,
  SetMilestoneStatusInput,
  SetPlanTitleInput,
  SetRisksInput,
  SetTargetCloseDateInput,
  SetValueSummaryInput,
  UpdateMilestoneInput,
  UpdateStakeholderInput,
} from '../generated/contract/src/domain/edits.js';

export { apiErrorBodySchema } from '../generated/contract/src/contract/errors.js';
export type { ApiErrorCode, PlanResponse };
export type { FunctionInput, FunctionOutput };
export type {
  ActivityEntry,
  Goal,
  Milestone,
  MilestoneStatus,
  OwnerSide,
  Plan,
  Risk,
  RiskStatus,
  Side,
  Stakeholder,
  StakeholderRole,
  Visibility,
} from '../generated/contract/src/domain/model.js';
export {
  MILESTONE_STATUSES,
  OWNER_SIDES,
  RISK_STATUSES,
  STAKEHOLDER_ROLES,
} from '../generated/contract/src/domain/model.js';
export type { Health, Projection } from '../generated/contract/src/domain/project.js';
export type { Problem } from '../generated/contract/src/domain/result.js';
export type { Template } from '../generated/contract/src/domain/template-model.js';
export { earliestFeasibleCloseDate, scheduleTemplate } from '../generated/contract/src/domain/templates.js';
export { addDays, calendarDay, daysBetween, isIsoDate } from '../generated/contract/src/domain/dates.js';

/** The functions the card calls (reproject-deal is the backend's own scheduled job). */
export type CardFunctionName = Exclude<FunctionName, 'reproject-deal'>;

/** The schema each answer is parsed with: the compiler checks each one against the contract's output. */
export const RESPONSE_SCHEMAS = {
  'get-plan': planResponseSchema,
  'save-plan': planResponseSchema,
  'update-milestone': planResponseSchema,
  'apply-template': planResponseSchema,
  'add-stakeholder': planResponseSchema,
  'remove-stakeholder': planResponseSchema,
  'list-templates': templatesResponseSchema,
} as const satisfies { readonly [N in CardFunctionName]: z.ZodType<FunctionOutput<N>> };

/** The input of each plan edit save-plan accepts, by edit name (the domain's own input types). */
export interface EditInputs {
  addMilestone: AddMilestoneInput;
  updateMilestone: UpdateMilestoneInput;
  removeMilestone: RemoveMilestoneInput;
  reorderMilestones: ReorderMilestonesInput;
  setMilestoneStatus: SetMilestoneStatusInput;
  moveDueDate: MoveDueDateInput;
  addStakeholder: AddStakeholderInput;
  updateStakeholder: UpdateStakeholderInput;
  removeStakeholder: RemoveStakeholderInput;
  setValueSummary: SetValueSummaryInput;
  setGoals: SetGoalsInput;
  setRisks: SetRisksInput;
  setTargetCloseDate: SetTargetCloseDateInput;
  setPlanTitle: SetPlanTitleInput;
}
/** One typed edit of a save-plan batch. */
export type PlanEdit = { [E in keyof EditInputs]: { edit: E; input: EditInputs[E] } }[keyof EditInputs];

// Compile-time checks: EditInputs names exactly the domain's edits, and a PlanEdit is a valid request item.
type Assert<T extends true> = T;
export type _EveryEditTyped = Assert<[EditName] extends [keyof EditInputs] ? true : false>;
export type _NoUnknownEdit = Assert<[keyof EditInputs] extends [EditName] ? true : false>;
export type _EditIsRequest = Assert<[PlanEdit] extends [PlanEditRequest] ? true : false>;
