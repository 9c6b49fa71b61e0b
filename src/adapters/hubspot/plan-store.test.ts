/** The plan store against exact HubSpot replies (nock): the failures the sandbox cannot produce on demand. */
import nock from 'nock';
import type { Clock } from '../../ports/clock.js';
import { aMilestone, aPlan, testContext } from '../../domain/test-factories.js';
import { setMilestoneStatus } from '../../domain/edits.js';
import { project } from '../../domain/project.js';
import type { Plan } from '../../domain/model.js';
import { milestoneToProperties } from './codec.js';
import { HubSpotPlanStore } from './plan-store.js';
import { headerCommon, versionActivity } from './stored-plan.js';
import { PortalThrottle } from './throttle.js';
import { HubSpotTransport, type AttemptEvent } from './transport.js';

const BASE = 'https://api.hubapi.test';
const TYPE = '2-99';
const DEAL = { crm: 'hubspot', accountId: '1', dealId: '7' } as const;

function virtualClock(): Clock {
  let t = 1_000_000;
  return {
    now: () => t,
    sleep: (ms) => {
      t += ms;
      return Promise.resolve();
    },
  };
}

function setup(storageMode: 'custom_object' | 'document' = 'custom_object') {
  const clock = virtualClock();
  const attempts: AttemptEvent[] = [];
  const transport = new HubSpotTransport({
    basePath: BASE,
    accessToken: () => Promise.resolve('token-1'),
    clock,
    throttle: new PortalThrottle(clock),
    random: () => 0.5,
    onAttempt: (e) => attempts.push(e),
  });
  const store = new HubSpotPlanStore({
    transport,
    portalConfig: () =>
      Promise.resolve({ storageMode, writeNativeForecast: false, milestoneObjectType: TYPE }),
    newStamp: (v) => `${v}-test`,
  });
  const calls = () => attempts.map((a) => `${a.method} ${a.path} ${a.status}`);
  return { store, calls };
}

const basePlan = (): Plan =>
  aPlan({
    deal: { ...DEAL },
    version: 1,
    milestones: [aMilestone({ id: 'm-1', title: 'Contract signed', isClose: true })],
  });

/** The deal as HubSpot returns it with the plan of basePlan() stored in custom-object mode. */
function storedDeal(plan: Plan) {
  const header = {
    ...headerCommon(plan, versionActivity(plan.activity, [], 1)),
    storage: 'custom_object',
    milestones: [{ id: 'm-1', recordId: '501', stamp: 's1' }],
    retired: [],
  };
  return {
    id: '7',
    properties: {
      map_plan: JSON.stringify(header),
      map_plan_version: '1',
      map_value_summary: plan.valueSummary,
    },
    associations: { p1_map_milestone: { results: [{ id: '501', type: 'deal_to_map_milestone' }] } },
  };
}
const storedRecord = (plan: Plan) => ({
  id: '501',
  properties: milestoneToProperties('7', plan.milestones[0]!, 's1', ''),
});

const edited = (plan: Plan): Plan => {
  const res = setMilestoneStatus(plan, { milestoneId: 'm-1', status: 'in_progress' }, testContext());
  if (!res.ok) throw new Error('edit failed');
  return res.value.plan;
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
// nock patches Node's shared http modules; another test file in the same Jest worker loads its own copy of
// nock, so leave the modules as they were found.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('HubSpotPlanStore with exact HubSpot replies', () => {
  it('fails a save whose batch update answers 207 with per-item errors, before writing any deal property', async () => {
    const plan = basePlan();
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .query(true)
      .reply(200, storedDeal(plan))
      .post(`/crm/v3/objects/${TYPE}/batch/read`)
      .reply(200, { status: 'COMPLETE', results: [storedRecord(plan)] })
      .post(`/crm/v3/objects/${TYPE}/batch/update`)
      .reply(207, {
        status: 'COMPLETE',
        results: [],
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: 'Could not update some MAP_MILESTONE objects.',
            context: { ids: ['501'] },
          },
        ],
      });
    const { store, calls } = setup();
    const next = edited(plan);
    const res = await store.save({ plan: next, projection: project(next, '2026-11-16') });
    expect(res.ok).toBe(false);
    if (res.ok || res.error.code !== 'CRM_NOT_FOUND')
      throw new Error(`expected CRM_NOT_FOUND, got ${JSON.stringify(res)}`);
    expect(res.error.details?.[0]).toMatch(/OBJECT_NOT_FOUND.*\(501\)/);
    expect(res.error.message).toMatch(/not saved/);
    expect(calls().some((c) => c.startsWith('PATCH'))).toBe(false);
  });

  it('fails a save whose upsert hits a 409 on the unique map_key, with CRM_CONFLICT and no deal write', async () => {
    const plan = { ...basePlan(), version: 0 };
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .query(true)
      .reply(200, { id: '7', properties: {} })
      .post(`/crm/v3/objects/${TYPE}/batch/read`)
      .reply(207, {
        status: 'COMPLETE',
        results: [],
        errors: [{ category: 'OBJECT_NOT_FOUND', message: 'not found', context: { ids: ['7:m-1'] } }],
      })
      .post(`/crm/v3/objects/${TYPE}/batch/upsert`)
      .reply(409, {
        status: 'error',
        category: 'CONFLICT',
        message: 'A MAP milestone with map_key "7:m-1" already exists. Existing ID: 77',
        correlationId: 'c-409',
      });
    const { store, calls } = setup();
    const res = await store.save({ plan, projection: project(plan, '2026-11-16') });
    expect(!res.ok && res.error.code).toBe('CRM_CONFLICT');
    expect(calls().filter((c) => c.includes('batch/upsert'))).toEqual([
      `POST /crm/v3/objects/${TYPE}/batch/upsert 409`,
    ]);
    expect(calls().some((c) => c.startsWith('PATCH'))).toBe(false);
  });

  it('retries a batch upsert after a 502 (an upsert by key is idempotent) and commits once', async () => {
    const plan = { ...basePlan(), version: 0 };
    let patchBody: { properties: Record<string, string> } | undefined;
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .query(true)
      .reply(200, { id: '7', properties: {} })
      .post(`/crm/v3/objects/${TYPE}/batch/read`)
      .reply(207, {
        status: 'COMPLETE',
        results: [],
        errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['7:m-1'] } }],
      })
      .post(`/crm/v3/objects/${TYPE}/batch/upsert`)
      .reply(502, '<html>Bad Gateway</html>')
      .post(`/crm/v3/objects/${TYPE}/batch/upsert`)
      .reply(200, {
        status: 'COMPLETE',
        results: [{ id: '900', new: true, properties: { map_key: '7:m-1' } }],
      })
      .post(`/crm/v4/associations/deals/${TYPE}/batch/associate/default`)
      .reply(200, { status: 'COMPLETE', results: [] })
      .patch('/crm/v3/objects/deals/7', (body: { properties: Record<string, string> }) => {
        patchBody = body;
        return true;
      })
      .reply(200, { id: '7', properties: {} });
    const { store, calls } = setup();
    const res = await store.save({ plan, projection: project(plan, '2026-11-16') });
    expect(res.ok).toBe(true);
    expect(calls().filter((c) => c.includes('batch/upsert'))).toEqual([
      `POST /crm/v3/objects/${TYPE}/batch/upsert 502`,
      `POST /crm/v3/objects/${TYPE}/batch/upsert 200`,
    ]);
    expect(calls().filter((c) => c.startsWith('PATCH'))).toHaveLength(1);
    expect(JSON.parse(patchBody?.properties.map_plan ?? '{}')).toMatchObject({
      milestones: [{ id: 'm-1', recordId: '900', stamp: '1-test' }],
    });
    expect(patchBody?.properties.map_plan_version).toBe('1');
  });

  it('stops a save at a DAILY 429 before the commit and says when it can work again', async () => {
    const plan = basePlan();
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .query(true)
      .reply(200, storedDeal(plan))
      .post(`/crm/v3/objects/${TYPE}/batch/read`)
      .reply(200, { status: 'COMPLETE', results: [storedRecord(plan)] })
      .post(`/crm/v3/objects/${TYPE}/batch/update`)
      .reply(429, {
        status: 'error',
        message: 'You have reached your daily limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'DAILY',
      });
    const { store, calls } = setup();
    const next = edited(plan);
    const res = await store.save({ plan: next, projection: project(next, '2026-11-16') });
    expect(!res.ok && res.error.code).toBe('CRM_DAILY_LIMIT');
    expect(!res.ok && res.error.message).toMatch(/after midnight/);
    expect(calls().filter((c) => c.includes('batch/update'))).toHaveLength(1);
    expect(calls().some((c) => c.startsWith('PATCH'))).toBe(false);
  });

  it('waits out a TEN_SECONDLY_ROLLING 429 on the deal read and then loads the plan', async () => {
    const plan = basePlan();
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .query(true)
      .reply(429, {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
      })
      .get('/crm/v3/objects/deals/7')
      .query(true)
      .reply(200, storedDeal(plan))
      .post(`/crm/v3/objects/${TYPE}/batch/read`)
      .reply(200, { status: 'COMPLETE', results: [storedRecord(plan)] });
    const { store } = setup();
    const res = await store.load(DEAL);
    expect(res.ok && res.value?.plan).toEqual(plan);
  });

  it('maps a 401 on load to CRM_UNAUTHORIZED and calls nothing else', async () => {
    nock(BASE).get('/crm/v3/objects/deals/7').query(true).reply(401, {
      status: 'error',
      message: 'Authentication credentials not found.',
      category: 'INVALID_AUTHENTICATION',
    });
    const { store, calls } = setup();
    const res = await store.load(DEAL);
    expect(!res.ok && res.error.code).toBe('CRM_UNAUTHORIZED');
    expect(calls()).toEqual(['GET /crm/v3/objects/deals/7 401']);
  });

  it('reports a map_plan that is not JSON clearly instead of crashing, and refuses to save over it', async () => {
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .query(true)
      .times(2)
      .reply(200, {
        id: '7',
        properties: { map_plan: '{"format": 1, "title": "cut off', map_plan_version: '4' },
      });
    const { store } = setup('document');
    const loaded = await store.load(DEAL);
    expect(!loaded.ok && loaded.error.code).toBe('CRM_BAD_RESPONSE');
    expect(!loaded.ok && 'details' in loaded.error ? loaded.error.details : []).toEqual([
      expect.stringMatching(/not hold valid JSON/),
    ]);
    const plan = { ...basePlan(), version: 4 };
    const saved = await store.save({ plan, projection: project(plan, '2026-11-16') });
    expect(!saved.ok && saved.error.code).toBe('CRM_BAD_RESPONSE');
  });
});
