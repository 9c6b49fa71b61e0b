import { createFetchBackend, type HubSpotFetch } from '../app/fetch-backend.js';
import { aPlan, respond } from '../test-utils/mocks.js';

const ORIGIN = 'https://map.example.com';
const reply =
  (status: number, body: unknown): HubSpotFetch =>
  () =>
    Promise.resolve({
      status,
      json: () => (body instanceof Error ? Promise.reject(body) : Promise.resolve(body)),
    });

test('posts the input as the JSON body to <origin>/api/<function> with the timeout, and parses the answer', async () => {
  const seen: unknown[] = [];
  const fetch: HubSpotFetch = (url, options) => {
    seen.push({ url, options });
    return reply(200, respond(aPlan()))(url, options);
  };
  const backend = createFetchBackend({ origin: `${ORIGIN}/`, timeoutMs: 5_000, fetch });
  const result = await backend.call('get-plan', { dealId: '123' });
  expect(seen).toEqual([
    { url: `${ORIGIN}/api/get-plan`, options: { method: 'POST', body: { dealId: '123' }, timeout: 5_000 } },
  ]);
  expect(result).toEqual({ ok: true, value: respond(aPlan()) });
});

test('an error body becomes a typed API error with its code, problems, conflict details and retry hint', async () => {
  const body = {
    error: {
      code: 'VERSION_CONFLICT',
      message: 'Someone changed this plan.',
      currentVersion: 4,
      changesSince: [
        {
          at: '2026-11-16T14:02:00.000Z',
          actor: 'user:7',
          kind: 'status_changed',
          text: 'Done.',
          milestoneId: null,
        },
      ],
      requestId: 'r1',
    },
  };
  const backend = createFetchBackend({ origin: ORIGIN, timeoutMs: 1_000, fetch: reply(409, body) });
  expect(await backend.call('save-plan', { dealId: '1', baseVersion: 3, edits: [] })).toEqual({
    ok: false,
    error: {
      kind: 'api',
      status: 409,
      code: 'VERSION_CONFLICT',
      message: 'Someone changed this plan.',
      problems: [],
      currentVersion: 4,
      changesSince: body.error.changesSince,
      retryAfterSeconds: null,
      requestId: 'r1',
    },
  });
});

test('answers outside the contract are bad responses: a 200 of the wrong shape, an HTML error page', async () => {
  const wrongShape = createFetchBackend({
    origin: ORIGIN,
    timeoutMs: 1_000,
    fetch: reply(200, { plan: 'nope' }),
  });
  expect(await wrongShape.call('get-plan', { dealId: '1' })).toEqual({
    ok: false,
    error: { kind: 'bad_response', status: 200 },
  });
  const html = createFetchBackend({
    origin: ORIGIN,
    timeoutMs: 1_000,
    fetch: reply(502, new SyntaxError('Unexpected token <')),
  });
  expect(await html.call('get-plan', { dealId: '1' })).toEqual({
    ok: false,
    error: { kind: 'bad_response', status: 502 },
  });
});

test('no answer is "unreachable": a rejected fetch at once, a hanging one after the timeout', async () => {
  const rejected = createFetchBackend({
    origin: ORIGIN,
    timeoutMs: 1_000,
    fetch: () => Promise.reject(new Error('offline')),
  });
  expect(await rejected.call('list-templates', {})).toEqual({
    ok: false,
    error: { kind: 'unreachable', timedOut: false },
  });
  const hanging = createFetchBackend({
    origin: ORIGIN,
    timeoutMs: 10,
    fetch: () => new Promise(() => undefined),
  });
  expect(await hanging.call('list-templates', {})).toEqual({
    ok: false,
    error: { kind: 'unreachable', timedOut: true },
  });
});

test('reads a plan from a backend of the first release, which names the account portalId (card uploaded first)', async () => {
  const current = respond(aPlan());
  const { accountId, ...deal } = current.plan.deal;
  const earlier = { ...current, plan: { ...current.plan, deal: { ...deal, portalId: accountId } } };
  const backend = createFetchBackend({ origin: ORIGIN, timeoutMs: 5_000, fetch: reply(200, earlier) });
  expect(await backend.call('get-plan', { dealId: '123' })).toEqual({ ok: true, value: current });
  // Anything else that does not match is still refused.
  const broken = { ...current, plan: { ...current.plan, deal: { ...deal, portalId: 7 } } };
  const strict = createFetchBackend({ origin: ORIGIN, timeoutMs: 5_000, fetch: reply(200, broken) });
  expect(await strict.call('get-plan', { dealId: '123' })).toMatchObject({
    ok: false,
    error: { kind: 'bad_response' },
  });
});
