import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@hubspot/api-client';
import { startSandbox, type Sandbox } from '../../src/sandbox/platform/app.js';
import { APP_INSTALL_SCOPES } from '../../src/sandbox/platform/defaults.js';
import { ENDPOINT_TEMPLATES } from '../../src/sandbox/platform/endpoints.js';
import {
  accessOf,
  requiredScopeGroups,
  staticTokenScopes,
  TYPED_OPERATIONS,
  UNTYPED_ENDPOINT_SCOPES,
} from '../../src/sandbox/platform/scopes.js';
import { CUSTOM_OBJECT_SCOPES, REQUIRED_SCOPES } from '../../src/adapters/hubspot/oauth/scopes.js';
import { specDirectory } from '../helpers/openapi-contract.js';
import { fakeCrm } from './fake-crm.js';
import { installAccessToken } from './oauth-install.js';

const REDIRECT = 'http://localhost:5555/callback';

describe('sandbox auth gate', () => {
  let sandbox: Sandbox;
  let clock: number;

  beforeEach(async () => {
    clock = Date.UTC(2026, 10, 1, 12, 0, 0);
    sandbox = await startSandbox(
      {
        dataFile: ':memory:',
        demoToken: 'demo-token-for-tests',
        now: () => clock,
        accessTokenTtlSeconds: 1800,
        devApp: { clientId: 'client-a', clientSecret: 'secret-a', redirectUris: [REDIRECT] },
      },
      fakeCrm(),
    );
  });
  afterEach(() => sandbox.close());

  const get = (path: string, token?: string) =>
    fetch(
      `${sandbox.baseUrl}${path}`,
      token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
    );

  const oauthToken = (): Promise<string> =>
    installAccessToken(sandbox.baseUrl, {
      clientId: 'client-a',
      clientSecret: 'secret-a',
      redirectUri: REDIRECT,
      scope: 'oauth crm.objects.deals.read',
    });

  it('answers a request without credentials with 401 INVALID_AUTHENTICATION and HubSpot’s message', async () => {
    const res = await get('/crm/v3/whoami');
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body).toEqual({
      status: 'error',
      message: expect.stringMatching(
        /^Authentication credentials not found\. This API supports OAuth 2\.0 authentication/,
      ),
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      category: 'INVALID_AUTHENTICATION',
    });
  });

  it('answers an unknown or malformed token with 401 INVALID_AUTHENTICATION', async () => {
    for (const headers of [
      { authorization: 'Bearer not-a-token' },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ]) {
      const res = await fetch(`${sandbox.baseUrl}/crm/v3/whoami`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { category: string }).category).toBe('INVALID_AUTHENTICATION');
    }
  });

  it('answers an expired OAuth access token with 401 EXPIRED_AUTHENTICATION saying how long ago', async () => {
    const token = await oauthToken();
    expect((await get('/crm/v3/whoami', token)).status).toBe(200);
    clock += 1800_000 + 2 * 3600_000 + 5_000;
    const res = await get('/crm/v3/whoami', token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      status: 'error',
      message: 'The OAuth token used to make this call expired 2 hour(s) ago.',
      correlationId: expect.any(String),
      category: 'EXPIRED_AUTHENTICATION',
      context: { 'expire time': [new Date(Date.UTC(2026, 10, 1, 12, 30, 0)).toISOString()] },
    });
  });

  it('surfaces the 401 through the real @hubspot/api-client as an error with status 401 and the body', async () => {
    const client = new Client({
      accessToken: 'wrong-token',
      basePath: sandbox.baseUrl,
      numberOfApiCallRetries: 0,
    });
    await expect(client.crm.objects.basicApi.getById('deals', '1')).rejects.toMatchObject({
      code: 401,
      body: { category: 'INVALID_AUTHENTICATION' },
    });
  });

  it('lets the demo static token in with the enterprise tier and the app’s install scopes, custom ones included', async () => {
    const res = await get('/crm/v3/whoami', 'demo-token-for-tests');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { portalId: number; tier: string; scopes: string[] };
    expect(body.portalId).toBe(sandbox.demoPortalId);
    expect(body.tier).toBe('enterprise');
    expect(body.scopes).toEqual(
      expect.arrayContaining([
        'crm.objects.custom.write',
        'crm.schemas.custom.read',
        'crm.objects.deals.write',
      ]),
    );
  });

  it('keeps portals apart: each token sees only its own portal, and a professional token has no custom scopes', async () => {
    const created = await fetch(`${sandbox.baseUrl}/_sandbox/portals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tier: 'professional', name: 'Other' }),
    });
    expect(created.status).toBe(201);
    const other = (await created.json()) as { id: number; token: string };
    expect(other.token).toMatch(/^pat-na1-/);
    expect(other.id).not.toBe(sandbox.demoPortalId);

    const write = await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { name: 'only in other' } }),
    });
    const { id } = (await write.json()) as { id: string };
    expect((await get(`/crm/v3/objects/deals/${id}`, other.token)).status).toBe(200);
    expect((await get(`/crm/v3/objects/deals/${id}`, 'demo-token-for-tests')).status).toBe(404);

    const whoami = (await (await get('/crm/v3/whoami', other.token)).json()) as {
      portalId: number;
      tier: string;
      scopes: string[];
    };
    expect(whoami).toMatchObject({ portalId: other.id, tier: 'professional' });
    expect(whoami.scopes.filter((s) => s.includes('.custom.'))).toEqual([]);
  });
});

/* Scope enforcement per endpoint. Source of every rule: the operations' `security` requirements in HubSpot's
 * OpenAPI specs (../shared/hubspot-openapi/*.json), read here so the checked-in rules cannot drift from them. */
type SpecOperation = { security?: { oauth2?: string[] }[] };
type SpecDoc = { paths: Record<string, Record<string, SpecOperation>> };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function specOperations(file: string): { method: string; path: string; alternatives: string[] }[] {
  const doc = JSON.parse(readFileSync(join(specDirectory(), file), 'utf8')) as SpecDoc;
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        // Each requirement of these specs names one scope; a requirement with several would need all of them.
        alternatives: (op.security ?? []).map((r) => {
          const scopes = r.oauth2 ?? [];
          if (scopes.length !== 1)
            throw new Error(`${file} ${method} ${path}: requirement of ${scopes.length} scopes`);
          return scopes[0] ?? '';
        }),
      })),
  );
}

/** The specs of the operations the sandbox serves with its own scope rules (not the per-type ones below). */
const SERVED_SPECS = [
  'crm-objects-v3.json',
  'crm-object-schemas-v3.json',
  'crm-properties-v3.json',
  'crm-associations-v4.json',
  'crm-associations-schema-v4.json',
  'crm-owners-v3.json',
  'crm-limits-tracking-v3.json',
  'account-info-v3.json',
];
const TYPE_SAMPLES: [family: string, objectType: string][] = [
  ['deals', 'deals'],
  ['contacts', '0-1'],
  ['companies', 'companies'],
  ['custom', '2-123'],
];
const familyOf = (scope: string, family: string): boolean => scope.split('.').includes(family);
const accessMatches = (scope: string, access: string): boolean =>
  new RegExp(`\\.${access}(\\.v2)?$`).test(scope);
const fill = (template: string, objectType: string): string =>
  template.replace(/\{(\w+)\}/g, (_m, name: string) =>
    /ObjectType$|^objectType$/.test(name) ? objectType : '1',
  );
const sorted = (list: readonly string[]): string[] => [...list].sort();

describe('scopes per endpoint, from the OpenAPI specs', () => {
  const served = new Set(ENDPOINT_TEMPLATES);
  const operations = SERVED_SPECS.flatMap((file) =>
    specOperations(file).map((op) => ({ file, ...op })),
  ).filter((op) => served.has(op.path));

  it('has a rule for every operation the sandbox serves', () => {
    expect(operations.length).toBeGreaterThan(60);
    for (const op of operations) {
      const key = `${op.method} ${op.path}`;
      expect([key, key in UNTYPED_ENDPOINT_SCOPES || TYPED_OPERATIONS.has(key)]).toEqual([key, true]);
    }
  });

  it('asks of an operation without object type exactly the spec’s alternatives, less the bare `oauth` unless it is the only one', () => {
    for (const op of operations) {
      const key = `${op.method} ${op.path}`;
      const rule = UNTYPED_ENDPOINT_SCOPES[key];
      if (!rule) continue;
      const others = op.alternatives.filter((s) => s !== 'oauth');
      const expected = others.length > 0 ? others : op.alternatives;
      expect(expected.length).toBeGreaterThan(0);
      expect([key, sorted(rule)]).toEqual([key, sorted(expected)]);
      expect(requiredScopeGroups(op.method, fill(op.path, 'x'))).toEqual([[...rule]]);
    }
  });

  it('narrows a generic {objectType} operation to the spec’s alternatives of that type and of its access', () => {
    for (const op of operations) {
      const key = `${op.method} ${op.path}`;
      if (!TYPED_OPERATIONS.has(key)) continue;
      const access = accessOf(op.method, op.path);
      for (const [family, objectType] of TYPE_SAMPLES) {
        const expected = sorted(
          op.alternatives.filter((s) => familyOf(s, family) && accessMatches(s, access)),
        );
        const groups = requiredScopeGroups(op.method, fill(op.path, objectType)) ?? [];
        expect([key, family, groups.map(sorted)]).toEqual([key, family, [expected]]);
      }
    }
  });

  it.each([
    ['crm-deals-v3.json', '0-3', 'deals'],
    ['crm-contacts-v3.json', 'contacts', 'contacts'],
    ['crm-tasks-v3.json', 'tasks', 'tasks'],
    ['crm-notes-v3.json', 'notes', 'notes'],
  ])('asks first for the scope the per-type spec %s names, on every operation', (file, specType, alias) => {
    for (const op of specOperations(file)) {
      const path = op.path.replace(/\{\w+\}/g, '42');
      if (op.path.endsWith('/merge') || op.path.endsWith('/gdpr-delete')) continue; // not served by the sandbox
      expect(op.alternatives).toHaveLength(1);
      for (const name of new Set([specType, alias])) {
        const concrete = path.replace(`/objects/${specType}`, `/objects/${name}`);
        expect([op.method, concrete, requiredScopeGroups(op.method, concrete)?.[0]?.[0]]).toEqual([
          op.method,
          concrete,
          op.alternatives[0],
        ]);
      }
    }
  });

  it('asks an association between two types for a scope of each', () => {
    expect(requiredScopeGroups('POST', '/crm/v4/associations/deals/2-123/batch/associate/default')).toEqual([
      [
        'crm.objects.deals.write',
        'crm.objects.deals.sensitive.write.v2',
        'crm.objects.deals.highly_sensitive.write.v2',
      ],
      [
        'crm.objects.custom.write',
        'crm.objects.custom.sensitive.write.v2',
        'crm.objects.custom.highly_sensitive.write.v2',
      ],
    ]);
  });

  it('leaves a type only the CRM can resolve, and a path outside the specs, to the CRM', () => {
    expect(requiredScopeGroups('GET', '/crm/v3/objects/milestones/1')).toBeUndefined();
    expect(requiredScopeGroups('GET', '/crm/v3/whoami')).toBeUndefined();
  });

  // A static token is a private app configured with the app's install scopes: src/adapters/hubspot/oauth/install.ts asks
  // for REQUIRED_SCOPES and, optionally, CUSTOM_OBJECT_SCOPES, which only an Enterprise portal grants.
  it('gives static tokens the scopes a real install of the app would have', () => {
    expect(sorted(APP_INSTALL_SCOPES.required)).toEqual(sorted(REQUIRED_SCOPES));
    expect(sorted(APP_INSTALL_SCOPES.optional)).toEqual(sorted(CUSTOM_OBJECT_SCOPES));
    expect(staticTokenScopes('enterprise')).toEqual(sorted([...REQUIRED_SCOPES, ...CUSTOM_OBJECT_SCOPES]));
    expect(staticTokenScopes('professional')).toEqual(sorted(REQUIRED_SCOPES));
  });
});

describe('sandbox gate: 403 MISSING_SCOPES', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox(
      {
        dataFile: ':memory:',
        demoToken: 'demo-token-for-tests',
        devApp: { clientId: 'client-a', clientSecret: 'secret-a', redirectUris: [REDIRECT] },
      },
      fakeCrm(),
    );
  });
  afterEach(() => sandbox.close());

  const tokenWith = (scope: string): Promise<string> =>
    installAccessToken(sandbox.baseUrl, {
      clientId: 'client-a',
      clientSecret: 'secret-a',
      redirectUri: REDIRECT,
      scope,
    });
  const call = (method: string, path: string, token: string) =>
    fetch(`${sandbox.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(method === 'GET' ? {} : { body: '{"properties":{}}' }),
    });

  // Body: captured in HubSpot/hubspot-api-nodejs issue #50 (category MISSING_SCOPES and this message), with the
  // `errors` detail HubSpot adds ("One or more of the following scopes are required." + requiredGranularScopes).
  it('refuses a deal PATCH to a token without crm.objects.deals.write, in HubSpot’s body', async () => {
    const token = await tokenWith('oauth crm.objects.deals.read');
    const res = await call('PATCH', '/crm/v3/objects/deals/1', token);
    expect(res.status).toBe(403);
    const required = [
      'crm.objects.deals.write',
      'crm.objects.deals.sensitive.write.v2',
      'crm.objects.deals.highly_sensitive.write.v2',
    ];
    expect(await res.json()).toEqual({
      status: 'error',
      message:
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      category: 'MISSING_SCOPES',
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: required },
        },
      ],
      context: { requiredScopes: required },
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    });
    // crm-deals-v3.json: GET /crm/v3/objects/0-3/{dealId} needs crm.objects.deals.read, which this token has.
    expect((await call('GET', '/crm/v3/objects/deals/1', token)).status).not.toBe(403);
  });

  it('refuses contacts and owners to a token without their scopes (crm-contacts-v3.json, crm-owners-v3.json)', async () => {
    const token = await tokenWith('oauth crm.objects.deals.read crm.objects.deals.write');
    const contact = await call('GET', '/crm/v3/objects/contacts/1', token);
    expect(contact.status).toBe(403);
    expect(await contact.json()).toMatchObject({
      category: 'MISSING_SCOPES',
      context: { requiredScopes: expect.arrayContaining(['crm.objects.contacts.read']) },
    });
    const owners = await call('GET', '/crm/v3/owners', token);
    expect(owners.status).toBe(403);
    expect(await owners.json()).toMatchObject({
      context: { requiredScopes: ['crm.objects.owners.read', 'automation'] },
    });
    const withOwners = await tokenWith('oauth crm.objects.owners.read');
    expect((await call('GET', '/crm/v3/owners', withOwners)).status).not.toBe(403);
  });

  it('refuses a token that has only `oauth`, though the generic specs list it as an alternative', async () => {
    const token = await tokenWith('oauth');
    expect((await call('GET', '/crm/v3/objects/deals/1', token)).status).toBe(403);
  });

  it('lets the demo token (the app’s install scopes) write deals but not read companies', async () => {
    expect((await call('PATCH', '/crm/v3/objects/deals/1', 'demo-token-for-tests')).status).not.toBe(403);
    expect((await call('GET', '/crm/v3/objects/companies/1', 'demo-token-for-tests')).status).toBe(403);
  });
});
