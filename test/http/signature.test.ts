/**
 * The signature gate through the real server: what HubSpot signs is accepted, anything changed after
 * signing is 401, the 5-minute window holds at its edges, the portal comes only from the signed query, and a
 * correctly signed request from one portal never reaches another portal's deal.
 */
import { apiErrorBodySchema } from '../../src/contract/index.js';
import { MAX_BODY_BYTES } from '../../src/http/signed-request.js';
import {
  SIGNATURE_HEADER,
  signedRequestHeaders,
  TIMESTAMP_HEADER,
  withCallerQuery,
} from '../../src/adapters/hubspot/signature.js';
import {
  callFunction,
  installPortal,
  PORTAL_A,
  PORTAL_B,
  signedPost,
  startHarness,
  TestClock,
  type CallResult,
  type Harness,
} from './harness.js';

const DEAL_A = '5001';
const DEAL_B = '6001';
let h: Harness;
let clock: TestClock;

beforeAll(async () => {
  clock = new TestClock();
  h = await startHarness({ clock, env: { TRUST_PROXY: 'false' } });
  await installPortal(h, PORTAL_A);
  await installPortal(h, PORTAL_B);
  h.plans.addDeal(PORTAL_A, DEAL_A);
  h.plans.addDeal(PORTAL_B, DEAL_B);
  // Portal B's deal has a plan with content that must never reach portal A.
  const res = await callFunction(
    h,
    'add-stakeholder',
    { dealId: DEAL_B, baseVersion: 0, side: 'buyer', name: 'Secret Person B' },
    { caller: { portalId: PORTAL_B, userId: 9 } },
  );
  expect(res.status).toBe(200);
});
afterAll(async () => h.close());

const unauthorized = (res: CallResult): void => {
  expect(res.status).toBe(401);
  expect(apiErrorBodySchema.parse(res.body).error.code).toBe('UNAUTHORIZED');
};

test('a correctly signed request is answered', async () => {
  expect((await callFunction(h, 'get-plan', { dealId: DEAL_A })).status).toBe(200);
});

test('a body changed after signing is 401', async () => {
  unauthorized(
    await callFunction(
      h,
      'get-plan',
      { dealId: DEAL_A },
      {
        tamper: (req) => {
          req.body = Buffer.from(JSON.stringify({ dealId: DEAL_B }));
        },
      },
    ),
  );
});

test('the same JSON re-serialised differently is 401: the raw bytes are what is signed', async () => {
  unauthorized(
    await callFunction(
      h,
      'get-plan',
      { dealId: DEAL_A },
      {
        tamper: (req) => {
          req.body = Buffer.from(JSON.stringify({ dealId: DEAL_A }, null, 2));
        },
      },
    ),
  );
});

test('a portalId changed in the query after signing is 401', async () => {
  unauthorized(
    await callFunction(
      h,
      'get-plan',
      { dealId: DEAL_B },
      {
        tamper: (req) => {
          req.url = req.url.replace(`portalId=${PORTAL_A}`, `portalId=${PORTAL_B}`);
        },
      },
    ),
  );
});

test('a request signed with another secret is 401', async () => {
  unauthorized(
    await callFunction(h, 'get-plan', { dealId: DEAL_A }, { secret: 'someone-elses-client-secret' }),
  );
});

test('a request signed 4:59 ago is accepted and one signed 5:01 ago is 401', async () => {
  const now = clock.now();
  expect(
    (await callFunction(h, 'get-plan', { dealId: DEAL_A }, { signedAt: now - (4 * 60 + 59) * 1000 })).status,
  ).toBe(200);
  unauthorized(
    await callFunction(h, 'get-plan', { dealId: DEAL_A }, { signedAt: now - (5 * 60 + 1) * 1000 }),
  );
});

test('a request dated more than 5 minutes ahead is 401', async () => {
  unauthorized(
    await callFunction(h, 'get-plan', { dealId: DEAL_A }, { signedAt: clock.now() + 6 * 60 * 1000 }),
  );
});

test.each([SIGNATURE_HEADER, TIMESTAMP_HEADER])('a request without %s is 401', async (name) => {
  unauthorized(
    await callFunction(
      h,
      'get-plan',
      { dealId: DEAL_A },
      {
        tamper: (req) => {
          delete req.headers[name];
        },
      },
    ),
  );
});

test('a request with no signature headers at all is 401 and says why', async () => {
  const res = await fetch(withCallerQuery(`${h.url}/api/get-plan`, { portalId: PORTAL_A, userId: 1 }), {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status).toBe(401);
  expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
    /X-HubSpot-Signature-v3/,
  );
});

test('a signed query naming portalId twice (card code adding its own) is 401', async () => {
  const url = `${h.url}/api/get-plan?portalId=${PORTAL_B}&portalId=${PORTAL_A}&userId=1`;
  unauthorized(await signedPost(h, url, Buffer.from(JSON.stringify({ dealId: DEAL_B }))));
});

test('a portalId in the body is refused as input; the portal comes from the signed query only', async () => {
  const res = await callFunction(h, 'get-plan', { dealId: DEAL_B, portalId: PORTAL_B });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body)).not.toContain('Secret Person B');
});

test('tenant isolation: a correctly signed request from portal A for portal B’s deal is 404, like a missing deal, with no data', async () => {
  const cross = await callFunction(h, 'get-plan', { dealId: DEAL_B });
  const missing = await callFunction(h, 'get-plan', { dealId: '7777' });
  expect(cross.status).toBe(404);
  const crossError = apiErrorBodySchema.parse(cross.body).error;
  expect(crossError.code).toBe('DEAL_NOT_FOUND');
  expect(crossError.message).toBe(
    apiErrorBodySchema.parse(missing.body).error.message.replace('7777', DEAL_B),
  );
  expect(JSON.stringify(cross.body)).not.toContain('Secret Person B');
  const write = await callFunction(h, 'add-stakeholder', {
    dealId: DEAL_B,
    baseVersion: 1,
    side: 'buyer',
    name: 'Intruder',
  });
  expect(write.status).toBe(404);
  expect(h.plans.inspect(PORTAL_B, DEAL_B)?.plan?.stakeholders.map((s) => s.name)).toEqual([
    'Secret Person B',
  ]);
});

test('a body over 1 MB is 413 in the common error shape, before any signature work', async () => {
  const big = Buffer.alloc(MAX_BODY_BYTES + 1, 'a');
  const res = await callFunction(h, 'get-plan', undefined, { rawBody: big });
  expect(res.status).toBe(413);
  expect(apiErrorBodySchema.parse(res.body).error.code).toBe('PAYLOAD_TOO_LARGE');
});

test('a body of exactly 1 MB passes the size gate', async () => {
  const json = JSON.stringify({ dealId: DEAL_A, pad: '' });
  const padded = json.replace('"pad":""', `"pad":"${'a'.repeat(MAX_BODY_BYTES - json.length)}"`);
  const res = await callFunction(h, 'get-plan', undefined, { rawBody: padded });
  expect(res.status).toBe(400);
  expect(res.body.error.problems[0].path).toBe('pad');
});

describe('replayed requests', () => {
  const DEAL_R = '5002';
  beforeAll(async () => {
    h.plans.addDeal(PORTAL_A, DEAL_R);
    const res = await callFunction(h, 'save-plan', {
      dealId: DEAL_R,
      baseVersion: 0,
      edits: [
        { edit: 'addStakeholder', input: { id: 's1', side: 'seller', name: 'Sam' } },
        {
          edit: 'addMilestone',
          input: { id: 'm1', title: 'Sign', dueDate: '2026-12-18', sellerOwnerId: 's1' },
        },
      ],
    });
    expect(res.status).toBe(200);
  });
  const status = () => h.plans.inspect(PORTAL_A, DEAL_R)?.plan?.milestones.find((m) => m.id === 'm1')?.status;

  test('a signed request replayed within its 5-minute window is 401 and does not revert a later change', async () => {
    const signedAt = clock.now() - 1_000;
    const first = await callFunction(
      h,
      'update-milestone',
      { dealId: DEAL_R, milestoneId: 'm1', status: 'in_progress' },
      { signedAt },
    );
    expect(first.status).toBe(200);
    expect(
      (await callFunction(h, 'update-milestone', { dealId: DEAL_R, milestoneId: 'm1', status: 'done' }))
        .status,
    ).toBe(200);
    // The same bytes, URL and headers again, two minutes later: well inside the window.
    clock.ms += 2 * 60 * 1000;
    const replay = await callFunction(
      h,
      'update-milestone',
      { dealId: DEAL_R, milestoneId: 'm1', status: 'in_progress' },
      { signedAt },
    );
    unauthorized(replay);
    expect(replay.body.error.message).toMatch(/already received/);
    expect(status()).toBe('done');
    expect(h.logs.some((l) => l.reason === 'REPLAYED' && l.level === 'warn')).toBe(true);
  });

  test('a read replayed is refused too; the same call signed afresh (a new timestamp) is answered', async () => {
    const signedAt = clock.now();
    expect((await callFunction(h, 'get-plan', { dealId: DEAL_R }, { signedAt })).status).toBe(200);
    unauthorized(await callFunction(h, 'get-plan', { dealId: DEAL_R }, { signedAt }));
    expect((await callFunction(h, 'get-plan', { dealId: DEAL_R }, { signedAt: signedAt + 1 })).status).toBe(
      200,
    );
  });

  test('a request refused for its signature is not recorded: the correctly signed original still goes through', async () => {
    const signedAt = clock.now() - 5;
    unauthorized(
      await callFunction(
        h,
        'get-plan',
        { dealId: DEAL_R },
        { signedAt, tamper: (req) => void (req.headers[SIGNATURE_HEADER] = 'AAAA') },
      ),
    );
    expect((await callFunction(h, 'get-plan', { dealId: DEAL_R }, { signedAt })).status).toBe(200);
  });

  test('a replay sent to another instance sharing the installation database is refused there', async () => {
    // Two instances behind one load balancer (same public URL), on one installation database.
    const [one, two] = await Promise.all(
      [1, 2].map(() =>
        startHarness({ clock, plans: h.plans, installations: h.installations, env: { TRUST_PROXY: 'true' } }),
      ),
    );
    try {
      const body = Buffer.from(JSON.stringify({ dealId: DEAL_R }));
      const path = withCallerQuery('/api/get-plan', { portalId: PORTAL_A, userId: 1 });
      const headers = {
        'content-type': 'application/json',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'map.example.com',
        ...signedRequestHeaders({
          method: 'POST',
          url: `https://map.example.com${path}`,
          rawBody: body,
          clientSecret: h.config.hubspotClientSecret,
          now: clock.now() - 7,
        }),
      };
      expect((await fetch(`${one!.url}${path}`, { method: 'POST', headers, body })).status).toBe(200);
      expect((await fetch(`${two!.url}${path}`, { method: 'POST', headers, body })).status).toBe(401);
    } finally {
      await Promise.all([one!.close(), two!.close()]);
    }
  });
});

describe('behind a proxy', () => {
  let proxied: Harness;
  beforeAll(async () => {
    proxied = await startHarness({ clock, env: { TRUST_PROXY: 'true' } });
    await installPortal(proxied, PORTAL_A);
    proxied.plans.addDeal(PORTAL_A, DEAL_A);
  });
  afterAll(async () => proxied.close());

  const publicUrl = withCallerQuery('https://map.example.com/api/get-plan', {
    portalId: PORTAL_A,
    userId: 1,
  });
  test('with TRUST_PROXY the URL is rebuilt from X-Forwarded-Proto/Host and the signature over the public URL verifies', async () => {
    const body = Buffer.from(JSON.stringify({ dealId: DEAL_A }));
    const headers = {
      'content-type': 'application/json',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'map.example.com',
      ...signedRequestHeaders({
        method: 'POST',
        url: publicUrl,
        rawBody: body,
        clientSecret: proxied.config.hubspotClientSecret,
        now: clock.now(),
      }),
    };
    const local = publicUrl.replace('https://map.example.com', proxied.url);
    expect((await fetch(local, { method: 'POST', headers, body })).status).toBe(200);
    // Without the forwarded headers the rebuilt URL is the local one, which HubSpot did not sign.
    const bare = { ...headers };
    delete (bare as Record<string, string>)['x-forwarded-host'];
    expect((await fetch(local, { method: 'POST', headers: bare, body })).status).toBe(401);
  });

  test('without TRUST_PROXY, X-Forwarded-* headers are ignored', async () => {
    const body = Buffer.from(JSON.stringify({ dealId: DEAL_A }));
    const headers = {
      'content-type': 'application/json',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'map.example.com',
      ...signedRequestHeaders({
        method: 'POST',
        url: publicUrl,
        rawBody: body,
        clientSecret: h.config.hubspotClientSecret,
        now: clock.now(),
      }),
    };
    expect(
      (await fetch(publicUrl.replace('https://map.example.com', h.url), { method: 'POST', headers, body }))
        .status,
    ).toBe(401);
  });
});
