import { MIN_DATE } from '../src/domain/dates.js';
import { err, ok } from '../src/domain/result.js';
import { crmError } from '../src/ports/crm-error.js';
import type { CrmEvent } from '../src/ports/crm-events.js';
import type { Installation, InstallationStatus } from '../src/ports/installation-store.js';
import type { PlanLifecycle } from '../src/ports/plan-lifecycle.js';
import { crmEventHandler, type CrmEventDeps } from './handle-crm-event.js';

const tenant = { crm: 'hubspot', accountId: '123' } as const;
let ids = 0;
const event = (fields: Partial<CrmEvent> & Pick<CrmEvent, 'kind'>): CrmEvent =>
  ({ eventId: String(++ids), tenant, occurredAt: 1_000, type: 'x', ...fields }) as CrmEvent;
const deletion = (dealId = '7') => event({ kind: 'deal_deleted', dealId });

/** An installation store holding one installation (or none), and the event ids it has seen. */
function store(status: InstallationStatus | null = { state: 'active' }, updatedAt = 500) {
  const seen = new Set<string>();
  const deactivated: string[] = [];
  const installation: Installation | undefined =
    status === null
      ? undefined
      : {
          tenant,
          appId: '9',
          status,
          scopes: [],
          storageMode: 'document',
          settings: { writeNativeForecast: false, createReminderTasks: true },
          installedAt: 1,
          updatedAt,
          timeZone: null,
          timeZoneCheckedAt: null,
        };
  return {
    seen,
    deactivated,
    failForget: false,
    markEventSeen(id: string) {
      const fresh = !seen.has(id);
      seen.add(id);
      return Promise.resolve(fresh);
    },
    forgetEvent(id: string) {
      if (this.failForget) return Promise.reject(new Error('database is unavailable'));
      seen.delete(id);
      return Promise.resolve();
    },
    getInstallation: () => Promise.resolve(installation),
    deactivate: (_t: unknown, reason: string) => (deactivated.push(reason), Promise.resolve(true)),
  } satisfies CrmEventDeps['installations'] & Record<string, unknown>;
}

function lifecycle(failures: number): PlanLifecycle & { archived: string[] } {
  const archived: string[] = [];
  return {
    archived,
    archiveDealPlan: (deal) => {
      if (failures-- > 0) return Promise.resolve(err(crmError('CRM_UNAVAILABLE', 'down', 503)));
      archived.push(deal.dealId);
      return Promise.resolve(ok({ archivedMilestones: 1 }));
    },
    reconcileMerge: () => Promise.resolve(ok({ keptPlanOf: null, archivedMilestones: 0 })),
  };
}

test('an event is handled once; its redelivery is a duplicate', async () => {
  const plans = lifecycle(0);
  const handle = crmEventHandler({ installations: store(), lifecycle: plans });
  const e = deletion();
  expect(await handle(e)).toEqual(ok('handled'));
  expect(await handle(e)).toEqual(ok('duplicate'));
  expect(plans.archived).toEqual(['7']);
});

test('a failed event is forgotten, so its redelivery is handled; when the store cannot forget it, this handler still handles it', async () => {
  for (const failForget of [false, true]) {
    const installations = Object.assign(store(), { failForget });
    const plans = lifecycle(1);
    const handle = crmEventHandler({ installations, lifecycle: plans });
    const e = deletion();
    expect(await handle(e)).toEqual(err(crmError('CRM_UNAVAILABLE', 'down', 503)));
    expect(installations.seen.has(e.eventId)).toBe(failForget);
    expect(await handle(e)).toEqual(ok('handled'));
    expect(plans.archived).toEqual(['7']);
    expect(await handle(e)).toEqual(ok('duplicate'));
  }
});

test('an uninstall deactivates the installation, unless it happened before the installation was last written', async () => {
  const installations = store({ state: 'active' }, 2_000);
  const handle = crmEventHandler({ installations });
  expect(await handle(event({ kind: 'uninstalled', occurredAt: 1_000 }))).toEqual(ok('stale'));
  expect(installations.deactivated).toEqual([]);
  expect(await handle(event({ kind: 'uninstalled', occurredAt: 3_000 }))).toEqual(ok('handled'));
  expect(installations.deactivated).toEqual(['uninstalled']);
  expect(await crmEventHandler({ installations: store(null) })(event({ kind: 'uninstalled' }))).toEqual(
    ok('ignored'),
  );
});

test('deal events of an inactive tenant do nothing; without a PlanLifecycle they are unsupported; other events are ignored', async () => {
  const inactive = crmEventHandler({
    installations: store({ state: 'inactive', reason: 'uninstalled' }),
    lifecycle: lifecycle(0),
  });
  expect(await inactive(deletion())).toEqual(ok('inactive_tenant'));
  const bare = crmEventHandler({ installations: store() });
  expect(await bare(deletion())).toEqual(ok('unsupported'));
  expect(
    await bare(
      event({ kind: 'deals_merged', survivorDealId: '1', primaryDealId: '1', mergedDealIds: ['2'] }),
    ),
  ).toEqual(ok('unsupported'));
  expect(await bare(event({ kind: 'other' }))).toEqual(ok('ignored'));
});

test('a store that throws is an UNEXPECTED failure, and the event is forgotten', async () => {
  const installations = {
    ...store(),
    getInstallation: () => Promise.reject(new Error('database is unavailable')),
  };
  const e = deletion();
  expect(await crmEventHandler({ installations })(e)).toMatchObject({
    ok: false,
    error: { code: 'UNEXPECTED', message: 'database is unavailable' },
  });
  expect(installations.seen.has(e.eventId)).toBe(false);
});

/** The index calls a deal event makes: rows forgotten, entries recorded. */
function index() {
  const forgotten: string[] = [];
  const recorded: { dealId: string; nextChange: string | null; version?: number }[] = [];
  return {
    forgotten,
    recorded,
    fail: false,
    forget(deals: readonly { dealId: string }[]) {
      if (this.fail) return Promise.reject(new Error('database is unavailable'));
      forgotten.push(...deals.map((d) => d.dealId));
      return Promise.resolve();
    },
    record(entries: readonly { deal: { dealId: string }; nextChange: string | null; version?: number }[]) {
      recorded.push(...entries.map((e) => ({ dealId: e.deal.dealId, nextChange: e.nextChange })));
      return Promise.resolve();
    },
  } satisfies CrmEventDeps['schedule'] & Record<string, unknown>;
}

test("a deleted deal's index row is forgotten once its plan is archived; a failure of the index fails the event for redelivery", async () => {
  const schedule = index();
  const installations = store();
  const handle = crmEventHandler({ installations, lifecycle: lifecycle(0), schedule });
  expect(await handle(deletion('7'))).toEqual(ok('handled'));
  expect(schedule.forgotten).toEqual(['7']);

  schedule.fail = true;
  const e = deletion('8');
  expect(await handle(e)).toMatchObject({ ok: false, error: { code: 'UNEXPECTED' } });
  expect(installations.seen.has(e.eventId)).toBe(false);
  schedule.fail = false;
  expect(await handle(e)).toEqual(ok('handled'));
  expect(schedule.forgotten).toEqual(['7', '8']);

  // A deletion that could not be archived leaves the row: the redelivery forgets it.
  const failing = index();
  await crmEventHandler({ installations: store(), lifecycle: lifecycle(1), schedule: failing })(
    deletion('9'),
  );
  expect(failing.forgotten).toEqual([]);
});

test('after a merge the merged-away deals are forgotten and the survivor is due at once when it kept a plan', async () => {
  const merge = (keptPlanOf: string | null) => ({
    ...lifecycle(0),
    reconcileMerge: () => Promise.resolve(ok({ keptPlanOf, archivedMilestones: 0 })),
  });
  const merged = event({
    kind: 'deals_merged',
    survivorDealId: '1',
    primaryDealId: '2',
    mergedDealIds: ['1', '3'],
  });
  const kept = index();
  expect(
    await crmEventHandler({ installations: store(), lifecycle: merge('2'), schedule: kept })(merged),
  ).toEqual(ok('handled'));
  expect(kept.forgotten).toEqual(['2', '3']);
  expect(kept.recorded).toEqual([{ dealId: '1', nextChange: MIN_DATE }]);

  const none = index();
  await crmEventHandler({ installations: store(), lifecycle: merge(null), schedule: none })({
    ...merged,
    eventId: 'other-merge',
  });
  expect(none.forgotten).toEqual(['2', '3', '1']);
  expect(none.recorded).toEqual([]);
});
