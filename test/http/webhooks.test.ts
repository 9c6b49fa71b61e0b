/**
 * POST /webhooks/hubspot over HTTP: v3 signature, dedupe by event id, deal deletion archives milestones,
 * merged deals keep one plan, uninstall deactivates (unless stale), and a failed event is redelivered.
 */
import { crmError } from '../../src/ports/crm-error.js';
import {
  callFunction,
  installPortal,
  PORTAL_A,
  PORTAL_B,
  signedPost,
  startHarness,
  TestClock,
  USER,
  type Harness,
} from './harness.js';
import { withCallerQuery } from '../../src/adapters/hubspot/signature.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';

let h: Harness;
let clock: TestClock;
let eventIds = 100;

beforeEach(async () => {
  clock = new TestClock();
  h = await startHarness({ clock });
  await installPortal(h, PORTAL_A);
});
afterEach(async () => h.close());

const event = (fields: Record<string, unknown>) => ({
  eventId: ++eventIds,
  portalId: PORTAL_A,
  occurredAt: clock.now(),
  attemptNumber: 0,
  appId: 42,
  ...fields,
});
const deliver = (events: unknown, secret?: string) =>
  signedPost(
    h,
    `${h.url}/webhooks/hubspot`,
    Buffer.from(JSON.stringify(events)),
    secret === undefined ? {} : { secret },
  );

async function dealWithPlan(dealId: string, title: string): Promise<void> {
  h.plans.addDeal(PORTAL_A, dealId);
  const res = await callFunction(h, 'save-plan', {
    dealId,
    baseVersion: 0,
    edits: [
      { edit: 'setPlanTitle', input: { title } },
      { edit: 'addStakeholder', input: { id: 's1', side: 'seller', name: 'Sam' } },
      {
        edit: 'addMilestone',
        input: { id: 'm1', title: 'Sign', dueDate: '2026-12-18', sellerOwnerId: 's1' },
      },
      {
        edit: 'addMilestone',
        input: { id: 'm2', title: 'Kickoff', dueDate: '2026-12-21', sellerOwnerId: 's1' },
      },
    ],
  });
  expect(res.status).toBe(200);
}

test('a webhook with a bad signature is 401 and changes nothing', async () => {
  await dealWithPlan('10', 'Plan');
  const res = await deliver([event({ subscriptionType: 'deal.deletion', objectId: 10 })], 'wrong-secret');
  expect(res.status).toBe(401);
  expect(h.plans.inspect(PORTAL_A, '10')?.archivedMilestones).toBe(0);
});

test('a deleted deal’s milestones are archived once, however often the event is delivered', async () => {
  await dealWithPlan('10', 'Plan');
  const deletion = event({ subscriptionType: 'deal.deletion', objectId: 10 });
  const first = await deliver([deletion]);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ handled: 1 });
  expect(h.plans.inspect(PORTAL_A, '10')?.archivedMilestones).toBe(2);
  const again = await deliver([deletion, { ...deletion, attemptNumber: 1 }]);
  expect(again.body).toMatchObject({ handled: 0, duplicate: 2 });
  expect(h.plans.inspect(PORTAL_A, '10')?.archivedMilestones).toBe(2);
});

test('a webhook request replayed with its signature is 401; HubSpot’s redelivery (signed afresh) is answered as a duplicate', async () => {
  await dealWithPlan('11', 'Plan');
  const body = Buffer.from(JSON.stringify([event({ subscriptionType: 'deal.deletion', objectId: 11 })]));
  const signedAt = clock.now() - 2_000;
  const url = `${h.url}/webhooks/hubspot`;
  expect((await signedPost(h, url, body, { signedAt })).body).toMatchObject({ handled: 1 });
  const replay = await signedPost(h, url, body, { signedAt });
  expect(replay.status).toBe(401);
  expect(replay.body.error.code).toBe('UNAUTHORIZED');
  const redelivery = await signedPost(h, url, body, { signedAt: clock.now() });
  expect(redelivery.status).toBe(200);
  expect(redelivery.body).toMatchObject({ handled: 0, duplicate: 1 });
});

test('merged deals keep one plan: the primary deal’s, and the others’ milestones are archived', async () => {
  await dealWithPlan('21', 'Primary plan');
  await dealWithPlan('22', 'Secondary plan');
  const res = await deliver([
    event({
      subscriptionType: 'deal.merge',
      objectId: 23,
      primaryObjectId: 21,
      mergedObjectIds: [22],
      newObjectId: 23,
    }),
  ]);
  expect(res.status).toBe(200);
  expect(h.plans.inspect(PORTAL_A, '23')?.plan?.title).toBe('Primary plan');
  expect(h.plans.inspect(PORTAL_A, '22')?.archivedMilestones).toBe(2);
});

test('when the primary deal had no plan, the merged deal with the highest version gives its plan', async () => {
  h.plans.addDeal(PORTAL_A, '31');
  await dealWithPlan('32', 'Only plan');
  const res = await deliver([
    event({ subscriptionType: 'deal.merge', objectId: 31, primaryObjectId: 31, mergedObjectIds: [32] }),
  ]);
  expect(res.status).toBe(200);
  expect(h.plans.inspect(PORTAL_A, '31')?.plan?.title).toBe('Only plan');
});

test('an uninstall event marks the installation inactive; an older one arriving after a reinstall is ignored', async () => {
  const old = event({ subscriptionType: 'app.uninstall', occurredAt: clock.now() - 60_000 });
  const stale = await deliver([old]);
  expect(stale.body).toMatchObject({ stale: 1 });
  expect((await h.installations.getInstallation(hubSpotTenant(PORTAL_A)))?.status.state).toBe('active');
  clock.ms += 1_000;
  const current = await deliver([event({ subscriptionType: 'app.uninstall', occurredAt: clock.now() })]);
  expect(current.body).toMatchObject({ handled: 1 });
  expect(await h.installations.getInstallation(hubSpotTenant(PORTAL_A))).toMatchObject({
    status: { state: 'inactive', reason: 'uninstalled' },
  });
});

test('events of other types are acknowledged and ignored; a body that is not a batch is 400', async () => {
  expect(
    (await deliver([event({ subscriptionType: 'deal.propertyChange', objectId: 1, propertyName: 'amount' })]))
      .body,
  ).toMatchObject({ ignored: 1 });
  expect((await deliver({ not: 'a batch' })).status).toBe(400);
});

test('an event that fails is answered 503 and handled on redelivery, not skipped as a duplicate', async () => {
  await dealWithPlan('40', 'Plan');
  const deletion = event({ subscriptionType: 'deal.deletion', objectId: 40 });
  h.plans.failNext(crmError('CRM_RATE_LIMITED', 'busy', 429, { retryAfterMs: 1_000 }));
  const failed = await deliver([deletion]);
  expect(failed.status).toBe(503);
  expect(failed.headers.get('retry-after')).toBe('30');
  expect(h.plans.inspect(PORTAL_A, '40')?.archivedMilestones).toBe(0);
  const retried = await deliver([{ ...deletion, attemptNumber: 1 }]);
  expect(retried.status).toBe(200);
  expect(h.plans.inspect(PORTAL_A, '40')?.archivedMilestones).toBe(2);
});

test('a failed event is forgotten by the installation store, so a redelivery to another instance is handled too', async () => {
  await dealWithPlan('41', 'Plan');
  const deletion = event({ subscriptionType: 'deal.deletion', objectId: 41 });
  h.plans.failNext(crmError('CRM_UNAVAILABLE', 'down', 503));
  expect((await deliver([deletion])).status).toBe(503);
  // What another instance would see: the event id is not recorded, so it is handled there.
  expect(await h.installations.markEventSeen(String(deletion.eventId))).toBe(true);
});

test('a card call (hubspot.fetch, caller in the query) aimed at the webhook endpoint is refused', async () => {
  await installPortal(h, PORTAL_B);
  h.plans.addDeal(PORTAL_B, '50');
  const forged = [
    event({ subscriptionType: 'app.uninstall', portalId: PORTAL_B, occurredAt: clock.now() + 60_000 }),
  ];
  // Signed exactly as HubSpot signs a card's request from portal A: same secret, caller appended.
  const url = withCallerQuery(`${h.url}/webhooks/hubspot`, { portalId: PORTAL_A, userId: USER, appId: 42 });
  const res = await signedPost(h, url, Buffer.from(JSON.stringify(forged)));
  expect(res.status).toBe(401);
  expect((await h.installations.getInstallation(hubSpotTenant(PORTAL_B)))?.status.state).toBe('active');
});

test('deal events of a portal that is not installed do nothing', async () => {
  const res = await deliver([event({ subscriptionType: 'deal.deletion', objectId: 10, portalId: 999 })]);
  expect(res.body).toMatchObject({ inactive_portal: 1 });
});
