/**
 * The platform side of the sandbox (OAuth, authentication failures, rate limits, limits endpoint, account details) checked
 * against HubSpot's OpenAPI specs, through the full sandbox as `npm start` runs it, with every exchange
 * recorded by a proxy and checked: request and response bodies, status codes, error bodies.
 */
import { Client } from '@hubspot/api-client';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { ContractChecker, type Exchange } from '../helpers/openapi-contract.js';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';

const REDIRECT = 'http://localhost:5999/oauth/callback';
const APP = { clientId: 'contract-client', clientSecret: 'contract-secret' };

let sandbox: Sandbox;
let proxy: RecordingProxy;
let checker: ContractChecker;

beforeAll(async () => {
  checker = await ContractChecker.load();
  sandbox = await createSandbox({
    dataFile: ':memory:',
    devApp: { name: 'Contract test app', ...APP, redirectUris: [REDIRECT] },
  });
  proxy = await startRecordingProxy(sandbox.baseUrl);
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
});

/**
 * Where HubSpot's real answers and its specs disagree, the sandbox follows the real answers: a 429 body
 * (`status, message, errorType: RATE_LIMIT, correlationId, policyName, groupName`) and the OAuth token
 * error bodies (`status: BAD_REFRESH_TOKEN, message, correlationId`) carry no `category`, although the
 * specs' Error schema requires one. Only that one missing field is allowed, and only on those answers.
 */
function knownSpecGap(x: Exchange, error: string): boolean {
  const missingCategory = error.startsWith("/ must have required property 'category'");
  const rateLimited =
    x.status === 429 && (x.responseBody as { errorType?: string } | undefined)?.errorType === 'RATE_LIMIT';
  const oauthError = x.path.startsWith('/oauth/') && x.status >= 400;
  return missingCategory && (rateLimited || oauthError);
}

function checkAll(exchanges: readonly Exchange[]): string[] {
  return exchanges.flatMap((x) => {
    const verdict = checker.check(x);
    if (verdict.operation === null) return [`${x.method} ${x.path}: no operation in the specs`];
    const responseErrors = x.status === 204 && x.responseBody === undefined ? [] : verdict.responseErrors;
    const unexpected = responseErrors.filter((e) => !knownSpecGap(x, e));
    return [
      ...verdict.requestErrors.map((e) => `request ${e}`),
      ...unexpected.map((e) => `response ${e}`),
    ].map((e) => `${x.method} ${x.path} ${x.status}: ${e}`);
  });
}

async function authorizationCode(
  scope = 'oauth crm.objects.deals.read crm.objects.deals.write',
): Promise<string> {
  const url = new URL(`${sandbox.baseUrl}/oauth/authorize`);
  url.search = new URLSearchParams({
    client_id: APP.clientId,
    redirect_uri: REDIRECT,
    scope,
    auto: '1',
    state: 'contract',
  }).toString();
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code');
  expect(code).toBeTruthy();
  return code!;
}

const postForm = (path: string, form: Record<string, string>) =>
  fetch(`${proxy.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });

it('answers the OAuth token endpoints (2026-03 and v1, success and errors) as the specs say', async () => {
  const start = proxy.exchanges.length;
  const first = await postForm('/oauth/2026-03/token', {
    grant_type: 'authorization_code',
    client_id: APP.clientId,
    client_secret: APP.clientSecret,
    redirect_uri: REDIRECT,
    code: await authorizationCode(),
  });
  expect(first.status).toBe(200);
  const tokens = (await first.json()) as { access_token: string; refresh_token: string };

  const refreshed = await postForm('/oauth/2026-03/token', {
    grant_type: 'refresh_token',
    client_id: APP.clientId,
    client_secret: APP.clientSecret,
    refresh_token: tokens.refresh_token,
  });
  expect(refreshed.status).toBe(200);

  const v1 = await postForm('/oauth/v1/token', {
    grant_type: 'authorization_code',
    client_id: APP.clientId,
    client_secret: APP.clientSecret,
    redirect_uri: REDIRECT,
    code: await authorizationCode(),
  });
  expect(v1.status).toBe(200);

  const reused = await postForm('/oauth/2026-03/token', {
    grant_type: 'refresh_token',
    client_id: APP.clientId,
    client_secret: 'wrong-secret',
    refresh_token: tokens.refresh_token,
  });
  expect(reused.status).toBeGreaterThanOrEqual(400);

  await fetch(`${proxy.baseUrl}/oauth/v1/access-tokens/${tokens.access_token}`);
  await fetch(`${proxy.baseUrl}/oauth/v1/refresh-tokens/${tokens.refresh_token}`);

  const exchanges = proxy.exchanges.slice(start);
  expect(exchanges.length).toBe(6);
  expect(checkAll(exchanges)).toEqual([]);
});

it('answers 401 (missing and invalid tokens) and 429 with bodies that match the specs', async () => {
  const start = proxy.exchanges.length;
  expect((await fetch(`${proxy.baseUrl}/crm/v3/objects/deals?limit=1`)).status).toBe(401);
  const bad = new Client({ accessToken: 'not-a-token', basePath: proxy.baseUrl, numberOfApiCallRetries: 0 });
  await expect(bad.crm.deals.basicApi.getPage(1)).rejects.toMatchObject({ code: 401 });

  // One request per window, so the second is refused with HubSpot's ten-secondly 429 body.
  const limits = await fetch(`${sandbox.baseUrl}/_sandbox/portals/${sandbox.demoPortalId}/rate-limits`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ perTenSeconds: 1 }),
  });
  expect(limits.status).toBe(200);
  const client = new Client({
    accessToken: sandbox.demoToken,
    basePath: proxy.baseUrl,
    numberOfApiCallRetries: 0,
  });
  await client.crm.deals.basicApi.getPage(1);
  await expect(client.crm.deals.basicApi.getPage(1)).rejects.toMatchObject({ code: 429 });
  const last = proxy.exchanges.at(-1)!;
  expect(last.responseBody).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
  await fetch(`${sandbox.baseUrl}/_sandbox/portals/${sandbox.demoPortalId}/rate-limits`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ perTenSeconds: 110 }),
  });

  const exchanges = proxy.exchanges.slice(start);
  expect(exchanges.map((x) => x.status)).toEqual([401, 401, 200, 429]);
  expect(checkAll(exchanges)).toEqual([]);
});

it('answers the custom-object limits and owners endpoints as the specs say', async () => {
  const start = proxy.exchanges.length;
  const client = new Client({
    accessToken: sandbox.demoToken,
    basePath: proxy.baseUrl,
    numberOfApiCallRetries: 0,
  });
  const owners = await client.crm.owners.ownersApi.getPage(undefined, undefined, 10);
  expect(owners.results.length).toBeGreaterThan(0);
  await client.crm.owners.ownersApi.getById(Number(owners.results[0]!.id));
  const limits = await fetch(`${proxy.baseUrl}/crm/v3/limits/custom-object-types`, {
    headers: { authorization: `Bearer ${sandbox.demoToken}` },
  });
  expect(limits.status).toBe(200);
  const exchanges = proxy.exchanges.slice(start);
  expect(exchanges).toHaveLength(3);
  expect(checkAll(exchanges)).toEqual([]);
});

it('answers GET /account-info/v3/details (200, 401, 403) as account-info-v3.json says, through the real client', async () => {
  const start = proxy.exchanges.length;
  const created = await fetch(`${sandbox.baseUrl}/_sandbox/portals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tier: 'starter', name: 'Contract Sydney', timeZone: 'Australia/Sydney' }),
  });
  expect(created.status).toBe(201);
  const sydney = (await created.json()) as { id: number; token: string };

  // How the backend asks: @hubspot/api-client has no account-info API, so it goes through apiRequest.
  const read = async (accessToken: string): Promise<Response> =>
    new Client({ accessToken, basePath: proxy.baseUrl, numberOfApiCallRetries: 0 }).apiRequest({
      method: 'GET',
      path: '/account-info/v3/details',
    });
  const demo = await read(sandbox.demoToken);
  expect(demo.status).toBe(200);
  expect(await demo.json()).toMatchObject({ portalId: sandbox.demoPortalId, timeZone: 'America/New_York' });
  const own = await read(sydney.token);
  expect(own.status).toBe(200);
  expect(await own.json()).toMatchObject({ portalId: sydney.id, timeZone: 'Australia/Sydney' });

  expect((await fetch(`${proxy.baseUrl}/account-info/v3/details`)).status).toBe(401);
  const tokens = await postForm('/oauth/v1/token', {
    grant_type: 'authorization_code',
    client_id: APP.clientId,
    client_secret: APP.clientSecret,
    redirect_uri: REDIRECT,
    code: await authorizationCode('crm.objects.deals.read'),
  });
  const { access_token } = (await tokens.json()) as { access_token: string };
  expect((await read(access_token)).status).toBe(403);

  const details = proxy.exchanges.slice(start).filter((x) => x.path === '/account-info/v3/details');
  expect(details.map((x) => x.status)).toEqual([200, 200, 401, 403]);
  expect(checkAll(details)).toEqual([]);
});
