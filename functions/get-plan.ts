/** get-plan: the deal's plan and its projection; an empty plan (version 0, not saved) when it has none yet. */
import { z } from 'zod';
import { ok } from '../src/domain/result.js';
import { dealIdSchema, planResponseSchema } from './contract.js';
import { dealRef, editContext, loadOrEmpty, respond } from './plan-ops.js';
import { defineFunction } from './types.js';

export const getPlanInputSchema = z.strictObject({ dealId: dealIdSchema });
export type GetPlanInput = z.input<typeof getPlanInputSchema>;

export const getPlan = defineFunction({
  name: 'get-plan',
  summary: "The deal's plan, its projection and its version.",
  input: getPlanInputSchema,
  output: planResponseSchema,
  writes: false,
  handler: async (deps, caller, input) => {
    const { today } = editContext(deps, caller);
    const loaded = await loadOrEmpty(deps, dealRef(caller, input.dealId));
    if (!loaded.ok) return loaded;
    return ok(respond(loaded.value.plan, today, loaded.value.saved, loaded.value.stored));
  },
});
