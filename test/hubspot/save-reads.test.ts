/**
 * The HubSpot calls of one edit made through the functions (load, version check, save under the deal's
 * lock), counted by kind, in both storage modes: the deal is read once per save (by the load; the save
 * takes its version check from it), and the milestone records are read once (by the load; the save reads
 * only the keys of milestones the edit added). Guards against a second read per save coming back.
 */
import { invokeFunction, FUNCTIONS } from '../../functions/index.js';
import { HubSpotPlanStore } from '../../src/adapters/hubspot/plan-store.js';
import { InProcessDealLocks } from '../../src/adapters/locks/deal-locks.js';
import type { Plan } from '../../src/domain/model.js';
import { callsByKind, captureRequests, type SeenRequest } from './fixtures.js';
import { FAST_RETRY, provisionedPortal, realClock, startHarness, type Harness } from './harness.js';

const DEAL_GET = 'GET /crm/v3/objects/deals/{id}';
const RECORD_READ = 'POST /crm/v3/objects/{milestone}/batch/read';

describe.each(['custom_object', 'document'] as const)('one edit through the functions, %s mode', (mode) => {
  let h: Harness;
  let seen: SeenRequest[];
  let portalId: string;
  let call: (
    fn: keyof typeof FUNCTIONS,
    input: Record<string, unknown>,
  ) => Promise<{ plan: Plan; version: number }>;

  beforeAll(async () => {
    h = await startHarness({}, FAST_RETRY, { perWindow: 10_000, windowMs: 10_000, searchPerSecond: 4 });
    const provisioned = await provisionedPortal(h, mode);
    portalId = provisioned.portalId;
    const config = provisioned.config;
    const deps = {
      plans: new HubSpotPlanStore({ transport: h.transport, portalConfig: () => Promise.resolve(config) }),
      locks: new InProcessDealLocks(),
      clock: realClock,
      newId: () => `id-${Math.random().toString(16).slice(2, 10)}`,
    };
    const caller = { tenant: { crm: 'hubspot', accountId: portalId }, userId: '5' } as const;
    call = async (fn, input) => {
      const res = await invokeFunction(FUNCTIONS[fn], deps, caller, input);
      if (!res.ok) throw new Error(`${fn}: ${JSON.stringify(res.error)}`);
      return res.value as { plan: Plan; version: number };
    };
    seen = captureRequests(h.transport);
  });
  afterAll(() => h.close());

  /** The calls `run` makes, by kind. */
  async function counted(run: () => Promise<unknown>): Promise<Record<string, number>> {
    seen.length = 0;
    await run();
    return callsByKind(seen);
  }
  const reads = (calls: Record<string, number>): Record<string, number> =>
    Object.fromEntries(
      Object.entries(calls).filter(([kind]) => kind.startsWith('GET') || kind === RECORD_READ),
    );

  test('the deal is read once per save, and the milestone records once (new ones only by the save)', async () => {
    const dealId = await h.newDeal(portalId);
    const records = mode === 'custom_object' ? 1 : 0;

    // A plan created on a deal that has none: the load reads the deal; the save reads the new milestones' keys.
    let plan: { plan: Plan; version: number } | undefined;
    const created = await counted(async () => {
      plan = await call('apply-template', {
        dealId,
        baseVersion: 0,
        templateId: 'smb-quick-close',
        targetCloseDate: '2027-06-25',
      });
    });
    expect(plan?.version).toBe(1);
    expect(reads(created)).toEqual({ [DEAL_GET]: 1, ...(records ? { [RECORD_READ]: 1 } : {}) });

    // A quick edit of one milestone: the load reads the deal and the plan's records; the save reads nothing.
    const first = plan!.plan.milestones[0]!;
    const quick = await counted(async () => {
      plan = await call('update-milestone', {
        dealId,
        baseVersion: 1,
        milestoneId: first.id,
        status: 'done',
      });
    });
    expect(plan?.version).toBe(2);
    expect(reads(quick)).toEqual({ [DEAL_GET]: 1, ...(records ? { [RECORD_READ]: 1 } : {}) });
    expect(quick['PATCH /crm/v3/objects/deals/{id}']).toBe(1);

    const owners = { sellerOwnerId: first.sellerOwnerId, buyerOwnerId: first.buyerOwnerId };
    // An added milestone: the save reads only the new milestone's key, beside nothing else.
    const added = await counted(async () => {
      plan = await call('save-plan', {
        dealId,
        baseVersion: 2,
        edits: [
          { edit: 'addMilestone', input: { id: 'added', title: 'Added', dueDate: '2027-05-03', ...owners } },
        ],
      });
    });
    expect(plan?.version).toBe(3);
    expect(reads(added)).toEqual({ [DEAL_GET]: 1, ...(records ? { [RECORD_READ]: 2 } : {}) });
    if (records) {
      const saveRead = seen.filter((s) => s.req.path.endsWith('/batch/read')).at(-1)?.req.body as {
        inputs: { id: string }[];
      };
      expect(saveRead.inputs).toEqual([{ id: `${dealId}:added` }]);
    }

    // A stale edit reads the deal once and writes nothing.
    const stale = await counted(() =>
      call('update-milestone', {
        dealId,
        baseVersion: 1,
        milestoneId: first.id,
        status: 'in_progress',
      }).catch((e: unknown) => e),
    );
    expect(Object.keys(stale).filter((kind) => !kind.startsWith('GET') && kind !== RECORD_READ)).toEqual([]);
    expect(stale[DEAL_GET]).toBe(1);
  });
});
