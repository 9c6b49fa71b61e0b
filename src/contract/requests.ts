/**
 * What each backend function takes: its strict zod input schema (every problem reported at once), built from
 * the domain's own edit schemas so that a rule lives in one place.
 */
import { z } from 'zod';
import {
  addStakeholderInputSchema,
  EDITS,
  MAX_REASON_LENGTH,
  removeStakeholderInputSchema,
  type EditName,
} from '../domain/edits.js';
import { isoDateSchema, LIMITS, milestoneStatusSchema } from '../domain/model.js';
import { applyTemplateInputSchema } from '../domain/templates.js';
import { dealIdSchema, versionSchema } from './fields.js';

// get-plan -------------------------------------------------------------------------------------------------

export const getPlanInputSchema = z.strictObject({ dealId: dealIdSchema });
export type GetPlanInput = z.input<typeof getPlanInputSchema>;

// save-plan ------------------------------------------------------------------------------------------------

export const EDIT_NAMES = Object.keys(EDITS) as [EditName, ...EditName[]];
/** Edits in one save: far more than a card sends, few enough to bound the work of one request. */
export const MAX_EDITS_PER_SAVE = 100;

export const planEditSchema = z.strictObject({
  edit: z.enum(EDIT_NAMES),
  /** The edit's own input (src/domain/edits.ts schemas); checked by the edit. */
  input: z.unknown(),
});
export type PlanEditRequest = z.input<typeof planEditSchema>;

export const savePlanInputSchema = z.strictObject({
  dealId: dealIdSchema,
  baseVersion: versionSchema,
  edits: z.array(planEditSchema).min(1).max(MAX_EDITS_PER_SAVE),
});
export type SavePlanInput = z.input<typeof savePlanInputSchema>;

// update-milestone -----------------------------------------------------------------------------------------

/** Ids and the reason's length come from the domain, which checks them again when the edit applies. */
const id = z.string().min(1).max(LIMITS.id);

export const updateMilestoneFunctionInputSchema = z.strictObject({
  dealId: dealIdSchema,
  baseVersion: versionSchema.optional(),
  milestoneId: id,
  status: milestoneStatusSchema.optional(),
  /** Only with status done: when it was done (not in the future); today when absent. */
  completedDate: isoDateSchema.optional(),
  dueDate: isoDateSchema.optional(),
  /** Required with dueDate: why the date moves (kept in the activity log). */
  reason: z.string().max(MAX_REASON_LENGTH).optional(),
  sellerOwnerId: id.nullable().optional(),
  buyerOwnerId: id.nullable().optional(),
});
export type UpdateMilestoneFunctionInput = z.input<typeof updateMilestoneFunctionInputSchema>;

// apply-template -------------------------------------------------------------------------------------------

export const applyTemplateFunctionInputSchema = applyTemplateInputSchema
  .omit({ replaceExisting: true })
  .extend({
    dealId: dealIdSchema,
    baseVersion: versionSchema,
    /** Replace the milestones of a plan that has some; without it such a plan is refused. */
    replace: z.boolean().default(false),
  });
export type ApplyTemplateFunctionInput = z.input<typeof applyTemplateFunctionInputSchema>;

// add-stakeholder, remove-stakeholder ----------------------------------------------------------------------

export const addStakeholderFunctionInputSchema = addStakeholderInputSchema.extend({
  dealId: dealIdSchema,
  baseVersion: versionSchema,
});
export type AddStakeholderFunctionInput = z.input<typeof addStakeholderFunctionInputSchema>;

export const removeStakeholderFunctionInputSchema = removeStakeholderInputSchema.extend({
  dealId: dealIdSchema,
  baseVersion: versionSchema,
});
export type RemoveStakeholderFunctionInput = z.input<typeof removeStakeholderFunctionInputSchema>;

// list-templates, reproject-deal ---------------------------------------------------------------------------

export const listTemplatesInputSchema = z.strictObject({});
export type ListTemplatesInput = z.input<typeof listTemplatesInputSchema>;

export const reprojectDealInputSchema = z.strictObject({ dealId: dealIdSchema });
export type ReprojectDealInput = z.input<typeof reprojectDealInputSchema>;
