/** What the backend functions answer on success. */
import { z } from 'zod';
import { planSchema } from '../domain/model.js';
import { projectionSchema } from '../domain/project.js';
import { templateSchema } from '../domain/template-model.js';
import { versionSchema } from './fields.js';

/** What every plan function answers: the plan, its projection and the version the next edit is based on. */
export const planResponseSchema = z.strictObject({
  plan: planSchema,
  projection: projectionSchema,
  version: versionSchema,
  /** False when the deal has no saved plan yet (the plan shown is empty, version 0). */
  saved: z.boolean(),
  /**
   * Set when the plan loaded with problems the next save repairs (a step whose HubSpot record was deleted,
   * a version edited by hand): a sentence for the rep. The details are in the backend's log and `cli show`.
   */
  repairNotice: z.string().optional(),
});
export type PlanResponse = z.infer<typeof planResponseSchema>;

export const templatesResponseSchema = z.strictObject({ templates: z.array(templateSchema) });
export type TemplatesResponse = z.infer<typeof templatesResponseSchema>;

export const reprojectResponseSchema = planResponseSchema.extend({
  /** The map_* fields whose value changed and were written (empty: the deal was already current). */
  changedFields: z.array(z.string()),
});
export type ReprojectResponse = z.infer<typeof reprojectResponseSchema>;
