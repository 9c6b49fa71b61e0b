/** The PlanStore contract on the memory store and on the HubSpot store (both storage modes) against the sandbox. */
import { HubSpotPlanStore } from '../../src/adapters/hubspot/plan-store.js';
import { MemoryPlanStore } from '../../src/adapters/memory/plan-store.js';
import type { DealRef } from '../../src/domain/model.js';
import { FAST_RETRY, provisionedPortal, startHarness } from '../hubspot/harness.js';
import { planStoreContract, type PlanStoreFixture } from './plan-store-contract.js';

planStoreContract('memory store', () => {
  const store = new MemoryPlanStore();
  let n = 0;
  const deal = (portalId: string): DealRef => {
    const dealId = String(5_000 + ++n);
    store.addDeal(portalId, dealId);
    return { crm: 'hubspot', accountId: portalId, dealId };
  };
  const fixture: PlanStoreFixture = {
    store,
    newDeal: () => Promise.resolve(deal('111')),
    foreignDeal: () => Promise.resolve({ ...deal('222'), accountId: '111' }),
    close: () => Promise.resolve(),
  };
  return Promise.resolve(fixture);
});

for (const mode of ['custom_object', 'document'] as const) {
  planStoreContract(`HubSpot store, ${mode} mode`, async () => {
    const h = await startHarness({}, FAST_RETRY, { perWindow: 10_000, windowMs: 10_000, searchPerSecond: 4 });
    const { portalId: portal, config } = await provisionedPortal(h, mode);
    const other = await h.newPortal('professional');
    return {
      store: new HubSpotPlanStore({ transport: h.transport, portalConfig: () => Promise.resolve(config) }),
      newDeal: async () => ({ crm: 'hubspot', accountId: portal, dealId: await h.newDeal(portal) }),
      // A deal that exists, but in another portal: asked for in the fixture's portal.
      foreignDeal: async () => ({ crm: 'hubspot', accountId: portal, dealId: await h.newDeal(other) }),
      close: () => h.close(),
    };
  });
}
