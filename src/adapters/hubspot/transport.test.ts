import nock from 'nock';
import { z } from 'zod';
import { err } from '../../domain/result.js';
import type { Clock } from '../../ports/clock.js';
import type { AccessTokenResult } from './oauth/token-provider.js';
import { PortalThrottle } from './throttle.js';
import { HubSpotTransport, type AttemptEvent } from './transport.js';

const BASE = 'https://api.hubapi.test';
const objectSchema = z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()) });

/** Sleeps advance a virtual clock, so retries and waits cost no real time. */
function virtualClock(): Clock & { slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: (ms: number) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

function transport(
  clock = virtualClock(),
  accessToken: () => Promise<string | AccessTokenResult> = () => Promise.resolve('token-1'),
) {
  const attempts: AttemptEvent[] = [];
  const t = new HubSpotTransport({
    basePath: BASE,
    accessToken,
    clock,
    throttle: new PortalThrottle(clock),
    random: () => 0.5,
    onAttempt: (e) => attempts.push(e),
  });
  return { t, attempts, clock };
}

const getDeal = {
  portalId: '1',
  method: 'GET',
  path: '/crm/v3/objects/deals/7',
  idempotent: true,
  schema: objectSchema,
} as const;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
// nock patches Node's shared http modules; another test file in the same Jest worker loads its own copy of
// nock, so leave the modules as they were found.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('HubSpotTransport', () => {
  it('sends the bearer token and parses a successful body', async () => {
    nock(BASE, { reqheaders: { authorization: 'Bearer token-1' } })
      .get('/crm/v3/objects/deals/7')
      .query({ properties: 'dealname,amount' })
      .reply(200, { id: '7', properties: { dealname: 'Acme', amount: null } });
    const { t } = transport();
    const res = await t.request({ ...getDeal, query: { properties: ['dealname', 'amount'] } });
    expect(res).toEqual({ ok: true, value: { id: '7', properties: { dealname: 'Acme', amount: null } } });
  });

  it('waits and retries after a TEN_SECONDLY_ROLLING 429, then succeeds', async () => {
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .reply(
        429,
        {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          correlationId: 'c1',
          policyName: 'TEN_SECONDLY_ROLLING',
        },
        { 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' },
      )
      .get('/crm/v3/objects/deals/7')
      .reply(200, { id: '7', properties: {} });
    const { t, attempts, clock } = transport();
    const res = await t.request(getDeal);
    expect(res.ok).toBe(true);
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(clock.slept.some((ms) => ms >= 1_000)).toBe(true);
  });

  it('fails at once with CRM_DAILY_LIMIT on a DAILY 429', async () => {
    nock(BASE).get('/crm/v3/objects/deals/7').reply(429, {
      status: 'error',
      message: 'You have reached your daily limit.',
      errorType: 'RATE_LIMIT',
      correlationId: 'c2',
      policyName: 'DAILY',
    });
    const { t, attempts } = transport();
    const res = await t.request(getDeal);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('CRM_DAILY_LIMIT');
      expect(res.error.message).toMatch(/today/);
    }
    expect(attempts).toHaveLength(1);
  });

  it('retries a 503 for an idempotent read, then succeeds', async () => {
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .reply(503, 'Service Unavailable')
      .get('/crm/v3/objects/deals/7')
      .reply(200, { id: '7', properties: {} });
    const { t, attempts } = transport();
    expect((await t.request(getDeal)).ok).toBe(true);
    expect(attempts.map((a) => a.status)).toEqual([503, 200]);
  });

  it('does not retry a 5xx for a non-idempotent create, and says nothing was lost', async () => {
    nock(BASE).post('/crm/v3/objects/deals').reply(502, 'Bad Gateway');
    const { t, attempts } = transport();
    const res = await t.request({
      portalId: '1',
      method: 'POST',
      path: '/crm/v3/objects/deals',
      body: { properties: {} },
      idempotent: false,
      schema: objectSchema,
    });
    expect(attempts).toHaveLength(1);
    expect(res.ok ? null : res.error.code).toBe('CRM_UNAVAILABLE');
  });

  it('gives up on a persistently failing read after the bounded number of attempts', async () => {
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .times(10)
      .reply(500, { status: 'error', message: 'internal', category: 'INTERNAL_ERROR', correlationId: 'c3' });
    const { t, attempts } = transport();
    const res = await t.request(getDeal);
    expect(attempts).toHaveLength(4);
    expect(res.ok ? null : res.error).toMatchObject({ code: 'CRM_UNAVAILABLE', correlationId: 'c3' });
  });

  it('never retries a 400 validation error and keeps its per-property details', async () => {
    nock(BASE)
      .patch('/crm/v3/objects/deals/7')
      .reply(400, {
        status: 'error',
        message: 'Property values were not valid: ...',
        correlationId: 'c4',
        category: 'VALIDATION_ERROR',
        errors: [{ message: 'Property "map_nope" does not exist', code: 'PROPERTY_DOESNT_EXIST' }],
      });
    const { t, attempts } = transport();
    const res = await t.request({
      portalId: '1',
      method: 'PATCH',
      path: '/crm/v3/objects/deals/7',
      body: { properties: { map_nope: '1' } },
      idempotent: true,
      schema: objectSchema,
    });
    expect(attempts).toHaveLength(1);
    expect(res.ok ? null : res.error).toMatchObject({
      code: 'CRM_VALIDATION',
      details: ['Property "map_nope" does not exist'],
    });
  });

  it('takes the details of a VALIDATION_ERROR from the JSON list HubSpot embeds in its message, without errors[]', async () => {
    // Shape of HubSpot's body: the changelog's example
    // (https://developers.hubspot.com/changelog/upcoming-property-validations-rules-will-be-enforced-for-apis-and-integrations)
    // has no errors[]; the error-handling guide (https://developers.hubspot.com/docs/api/error-handling)
    // shows each problem with localizedErrorMessage and portalId.
    const embedded = [
      {
        isValid: false,
        message: 'at_risk was not one of the allowed options',
        error: 'INVALID_OPTION',
        name: 'map_health',
        localizedErrorMessage: 'at_risk was not one of the allowed options',
        portalId: 1,
      },
      {
        isValid: false,
        message: 'Property "map_nope" does not exist',
        error: 'PROPERTY_DOESNT_EXIST',
        name: 'map_nope',
        localizedErrorMessage: 'Property "map_nope" does not exist',
        portalId: 1,
      },
    ];
    nock(BASE)
      .patch('/crm/v3/objects/deals/7')
      .reply(400, {
        status: 'error',
        message: `Property values were not valid: ${JSON.stringify(embedded)}`,
        correlationId: 'c5',
        category: 'VALIDATION_ERROR',
      });
    const { t } = transport();
    const res = await t.request({
      portalId: '1',
      method: 'PATCH',
      path: '/crm/v3/objects/deals/7',
      body: { properties: { map_nope: '1' } },
      idempotent: true,
      schema: objectSchema,
    });
    expect(res.ok ? null : res.error).toMatchObject({
      code: 'CRM_VALIDATION',
      message: 'Property values were not valid.',
      details: [
        'map_health: at_risk was not one of the allowed options',
        'Property "map_nope" does not exist',
      ],
    });
  });

  it('keeps working when the message embeds no list (or a malformed one) and no errors[] come', async () => {
    nock(BASE).patch('/crm/v3/objects/deals/7').reply(400, {
      status: 'error',
      message: 'Property values were not valid: [not json]',
      correlationId: 'c6',
      category: 'VALIDATION_ERROR',
    });
    const { t } = transport();
    const res = await t.request({
      portalId: '1',
      method: 'PATCH',
      path: '/crm/v3/objects/deals/7',
      body: { properties: {} },
      idempotent: true,
      schema: objectSchema,
    });
    expect(res.ok ? null : res.error).toMatchObject({
      code: 'CRM_VALIDATION',
      message: 'Property values were not valid: [not json]',
    });
    expect(res.ok ? null : res.error.details).toBeUndefined();
  });

  it('maps 401, 403, 404 and 409 to their own codes', async () => {
    const cases = [
      [401, 'CRM_UNAUTHORIZED'],
      [403, 'CRM_FORBIDDEN'],
      [404, 'CRM_NOT_FOUND'],
      [409, 'CRM_CONFLICT'],
    ] as const;
    for (const [status, code] of cases) {
      nock(BASE)
        .get('/crm/v3/objects/deals/7')
        .reply(status, { status: 'error', message: 'x', category: 'X', correlationId: 'c' });
      const { t } = transport();
      const res = await t.request(getDeal);
      expect(res.ok ? null : res.error.code).toBe(code);
    }
  });

  it('reports a body it cannot parse as CRM_BAD_RESPONSE instead of passing it on', async () => {
    nock(BASE).get('/crm/v3/objects/deals/7').reply(200, { id: 7 });
    const { t } = transport();
    const res = await t.request(getDeal);
    expect(res.ok ? null : res.error.code).toBe('CRM_BAD_RESPONSE');
  });

  it('retries a dropped connection for a read', async () => {
    nock(BASE)
      .get('/crm/v3/objects/deals/7')
      .replyWithError('socket hang up')
      .get('/crm/v3/objects/deals/7')
      .reply(200, { id: '7', properties: {} });
    const { t, attempts } = transport();
    expect((await t.request(getDeal)).ok).toBe(true);
    expect(attempts.map((a) => a.status)).toEqual([0, 200]);
  });

  it('sends nothing without a token: an inactive installation is CRM_ACCESS_REVOKED, a failed renewal CRM_UNAVAILABLE', async () => {
    const without = (reason: 'inactive' | 'unavailable') =>
      transport(virtualClock(), () =>
        Promise.resolve(err({ portalId: 1, reason, message: `Portal 1: ${reason}.` })),
      );
    const revoked = without('inactive');
    expect(await revoked.t.request(getDeal)).toEqual(
      err({
        code: 'CRM_ACCESS_REVOKED',
        message:
          'HubSpot no longer accepts this app’s access for this account. An admin should reinstall the app.',
        status: 0,
        details: ['Portal 1: inactive.'],
      }),
    );
    const renewal = without('unavailable');
    expect(await renewal.t.request(getDeal)).toEqual(
      err({
        code: 'CRM_UNAVAILABLE',
        message: 'HubSpot could not be reached to renew access. Try again in a moment.',
        status: 0,
        retryAfterMs: 5_000,
        details: ['Portal 1: unavailable.'],
      }),
    );
    expect([...revoked.attempts, ...renewal.attempts]).toEqual([]);
    // No retry either: a missing token does not come back within a request.
    expect([...revoked.clock.slept, ...renewal.clock.slept]).toEqual([]);
  });
});
