/** get-plan: the deal's plan and its projection; an empty plan (version 0, not saved) when it has none yet. */
import { ok } from '../src/domain/result.js';
import { CONTRACT } from '../src/contract/index.js';
import { dealRef, editContext, loadOrEmpty, respond } from './plan-ops.js';
import { defineFunction } from './types.js';

export const getPlan = defineFunction({
  ...CONTRACT['get-plan'],
  handler: async (deps, caller, input) => {
    const { today } = editContext(deps, caller);
    const loaded = await loadOrEmpty(deps, dealRef(caller, input.dealId));
    if (!loaded.ok) return loaded;
    return ok(respond(loaded.value.plan, today, loaded.value.saved, loaded.value.stored));
  },
});
