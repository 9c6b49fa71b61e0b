/**
 * What hubspot.fetch and HubSpot's webhooks never send, refused before the body is read: a compressed body
 * (Content-Encoding other than identity) and a charset other than UTF-8. 415 in the usual error shape, logged
 * at warn without a stack — never an unauthenticated 500.
 */
import { apiErrorBodySchema } from '../../src/contract/index.js';
import {
  callFunction,
  installPortal,
  PORTAL_A,
  signedPost,
  startHarness,
  TestClock,
  type CallResult,
  type Harness,
} from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock: new TestClock() });
  await installPortal(h, PORTAL_A);
  h.plans.addDeal(PORTAL_A, '5001');
});
afterAll(async () => h.close());

const input = { dealId: '5001' };
const api = (headers: Record<string, string>) => callFunction(h, 'get-plan', input, { headers });
const webhook = (headers: Record<string, string>) =>
  signedPost(
    h,
    `${h.url}/webhooks/hubspot`,
    Buffer.from(JSON.stringify([{ eventId: 1, subscriptionType: 'x', portalId: PORTAL_A, occurredAt: 1 }])),
    { headers },
  );

function unsupported(res: CallResult, sentence: RegExp): void {
  expect(res.status).toBe(415);
  const { error } = apiErrorBodySchema.parse(res.body);
  expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  expect(error.message).toMatch(sentence);
  expect(error.message).toMatch(/\.$/);
}

const noErrorLogged = (): void => {
  expect(h.logs.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
  expect(JSON.stringify(h.logs)).not.toMatch(/"stack"/);
};

describe.each([
  ['/api', api],
  ['/webhooks/hubspot', webhook],
])('%s', (_path, send) => {
  test.each(['gzip', 'br', 'deflate', 'GZIP', 'x-unknown', 'gzip, identity'])(
    'a body declared Content-Encoding: %s (and not compressed) is 415 with a sentence, logged at warn without a stack',
    async (encoding) => {
      const before = h.logs.length;
      unsupported(await send({ 'content-encoding': encoding }), /must not be compressed/);
      expect(h.logs.slice(before)).toContainEqual(
        expect.objectContaining({ level: 'warn', reason: 'CONTENT_ENCODING' }),
      );
      noErrorLogged();
    },
  );

  test.each([
    'application/json; charset=utf-16',
    'application/json; charset="UTF-16LE"',
    'application/json;charset=iso-8859-1',
  ])('Content-Type %s is 415 with a sentence', async (contentType) => {
    unsupported(await send({ 'content-type': contentType }), /must be UTF-8 JSON/);
    noErrorLogged();
  });

  test.each(['identity', ''])('Content-Encoding "%s" passes the gate', async (encoding) => {
    expect((await send({ 'content-encoding': encoding })).status).toBe(200);
  });

  test.each(['application/json', 'application/json; charset=utf-8', 'application/json; charset="UTF-8"'])(
    'Content-Type %s passes the gate',
    async (contentType) => {
      expect((await send({ 'content-type': contentType })).status).toBe(200);
    },
  );
});
