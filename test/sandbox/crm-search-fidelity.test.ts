/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-explicit-any -- JSON bodies checked with expect() */
/**
 * Search behaviours the sandbox must share with HubSpot (issue 19): the index lags writes, enumeration filters
 * are case-sensitive, IN / NOT_IN on text take lowercase values, one sort, no association search for custom
 * objects, a query of at most 3,000 characters, and pages of 1 to 200.
 * Main source: HubSpot's search guide, https://developers.hubspot.com/docs/guides/api/crm/search
 * (sections "Filter search results", "Search through associations", "Sort search results", "Limitations"),
 * and the spec /work/shared/hubspot-openapi/crm-objects-v3.json (PublicObjectSearchRequest).
 */
import { searchLag, setSearchLag } from '../../src/sandbox/crm/search-index.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { call, startCrmServer, type CrmTestServer } from '../helpers/crm-server.js';

const T = 'search-token';
const PORTAL = 501;
let server: CrmTestServer;

beforeAll(async () => {
  server = await startCrmServer({ [T]: { portalId: PORTAL, tier: 'enterprise', demo: true } });
});
afterAll(async () => server.close());

async function search(body: Record<string, unknown>, type = 'deals'): Promise<{ status: number; body: any }> {
  return call(server, T, 'POST', `/crm/v3/objects/${type}/search`, body);
}

const byName = (name: string): Record<string, unknown> => ({
  filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'EQ', value: name }] }],
  properties: ['dealname', 'dealstage'],
});
const byStage = (name: string, stage: string): Record<string, unknown> => ({
  filterGroups: [
    {
      filters: [
        { propertyName: 'dealname', operator: 'EQ', value: name },
        { propertyName: 'dealstage', operator: 'EQ', value: stage },
      ],
    },
  ],
});

describe('search index lag', () => {
  // Limitations: "It may take a few moments for newly created or updated CRM objects to appear in search
  // results." The sandbox default is 1 s by its own clock (here a test clock that only moves when told).
  it('does not find a record created less than the lag ago, and finds it once the lag has passed', async () => {
    expect(searchLag(server.db, PORTAL)).toBe(1000);
    const created = await call(server, T, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Lag create', dealstage: 'appointmentscheduled' },
    });
    expect(created.status).toBe(201);
    expect((await search(byName('Lag create'))).body).toEqual({ total: 0, results: [] });
    server.clock.now += 999;
    expect((await search(byName('Lag create'))).body.total).toBe(0);
    server.clock.now += 1;
    const found = await search(byName('Lag create'));
    expect(found.body.total).toBe(1);
    expect(found.body.results[0].id).toBe(created.body.id);
    // A read by id is not searched: it sees the record at once, as HubSpot's does.
  });

  it('shows an updated record as it was before the update until the lag has passed', async () => {
    const created = await call(server, T, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Lag update', dealstage: 'appointmentscheduled' },
    });
    server.clock.now += 1000;
    await call(server, T, 'PATCH', `/crm/v3/objects/deals/${created.body.id}`, {
      properties: { dealstage: 'qualifiedtobuy' },
    });
    server.clock.now += 400;
    await call(server, T, 'PATCH', `/crm/v3/objects/deals/${created.body.id}`, {
      properties: { dealstage: 'contractsent' },
    });
    expect((await search(byStage('Lag update', 'appointmentscheduled'))).body.total).toBe(1);
    expect((await search(byStage('Lag update', 'qualifiedtobuy'))).body.total).toBe(0);
    const stale = await search(byName('Lag update'));
    expect(stale.body.results[0].properties.dealstage).toBe('appointmentscheduled');
    server.clock.now += 600; // the first update is 1 s old, the second 0.6 s
    expect((await search(byStage('Lag update', 'qualifiedtobuy'))).body.total).toBe(1);
    expect((await search(byStage('Lag update', 'contractsent'))).body.total).toBe(0);
    server.clock.now += 400;
    expect((await search(byStage('Lag update', 'contractsent'))).body.total).toBe(1);
    expect((await search(byStage('Lag update', 'appointmentscheduled'))).body.total).toBe(0);
  });

  it('still finds an archived record until the lag has passed', async () => {
    const created = await call(server, T, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Lag archive' },
    });
    server.clock.now += 1000;
    expect((await call(server, T, 'DELETE', `/crm/v3/objects/deals/${created.body.id}`)).status).toBe(204);
    expect((await search(byName('Lag archive'))).body.total).toBe(1);
    server.clock.now += 1000;
    expect((await search(byName('Lag archive'))).body.total).toBe(0);
  });

  it('can be set per portal from 0 (no lag) to 3000 ms', async () => {
    setSearchLag(server.db, PORTAL, 0);
    try {
      await call(server, T, 'POST', '/crm/v3/objects/deals', { properties: { dealname: 'No lag' } });
      expect((await search(byName('No lag'))).body.total).toBe(1);
      expect(() => setSearchLag(server.db, PORTAL, 3001)).toThrow(RangeError);
      expect(() => setSearchLag(server.db, PORTAL, -1)).toThrow(RangeError);
    } finally {
      setSearchLag(server.db, PORTAL, null);
    }
    expect(searchLag(server.db, PORTAL)).toBe(1000);
  });
});

describe('search index lag in the sandbox server (real clock, admin API)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await createSandbox({
      dataFile: ':memory:',
      rateLimit: { perTenSeconds: null, searchPerSecond: null },
      searchIndexLagMs: 300,
    });
  });
  afterAll(async () => sandbox.close());

  const admin = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${sandbox.baseUrl}/_sandbox${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('takes the createSandbox option, shows and sets it per portal, and refuses values out of 0-3000', async () => {
    const id = sandbox.demoPortalId;
    expect((await admin('GET', `/portals/${id}/search-lag`)).body).toEqual({ lagMs: 300 });
    expect((await admin('GET', `/portals/${id}`)).body.searchLagMs).toBe(300);
    expect((await admin('PUT', `/portals/${id}/search-lag`, { lagMs: 2000 })).body).toEqual({ lagMs: 2000 });
    expect((await admin('PUT', `/portals/${id}/search-lag`, { lagMs: 3001 })).status).toBe(400);
    expect((await admin('PUT', `/portals/${id}/search-lag`, { lagMs: 1.5 })).status).toBe(400);
    expect((await admin('PUT', `/portals/${id}/search-lag`, { lagMs: null })).body).toEqual({ lagMs: 300 });
  });

  it('finds a new record only after the lag, so a caller has to wait as it must against HubSpot', async () => {
    const crm = (method: string, path: string, body: unknown): Promise<Response> =>
      fetch(`${sandbox.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${sandbox.demoToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const started = Date.now();
    expect(
      (await crm('POST', '/crm/v3/objects/deals', { properties: { dealname: 'Real clock lag' } })).status,
    ).toBe(201);
    const find = async (): Promise<number> =>
      (
        (await (await crm('POST', '/crm/v3/objects/deals/search', byName('Real clock lag'))).json()) as {
          total: number;
        }
      ).total;
    expect(await find()).toBe(0);
    let total = 0;
    while (total === 0 && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 50));
      total = await find();
    }
    expect(total).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });
});

describe('filters and letter case', () => {
  const count = async (
    filter: Record<string, unknown>,
    type = 'deals',
  ): Promise<{ status: number; total: number | undefined }> => {
    const res = await search({ filterGroups: [{ filters: [filter] }] }, type);
    return { status: res.status, total: res.body.total };
  };

  // Enumeration filters are case-sensitive: lowercasing an enumeration value makes HubSpot find nothing
  // (real-world fix: https://github.com/dust-tt/dust/pull/15637, "the enumeration field needed to not be put into lowercase").
  it('matches enumeration values with their exact case only', async () => {
    expect((await count({ propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' })).total).toBe(1);
    expect((await count({ propertyName: 'dealstage', operator: 'EQ', value: 'ClosedWon' })).total).toBe(0);
    expect(
      (await count({ propertyName: 'hs_manual_forecast_category', operator: 'EQ', value: 'CLOSED' })).total,
    ).toBe(1);
    expect(
      (await count({ propertyName: 'hs_manual_forecast_category', operator: 'EQ', value: 'closed' })).total,
    ).toBe(0);
    expect(
      (
        await count({
          propertyName: 'hs_manual_forecast_category',
          operator: 'IN',
          values: ['CLOSED', 'OMIT'],
        })
      ).total,
    ).toBe(2);
    expect(
      (await count({ propertyName: 'dealstage', operator: 'IN', values: ['ClosedWon', 'ClosedLost'] })).total,
    ).toBe(0);
    expect(
      (await count({ propertyName: 'dealstage', operator: 'NEQ', value: 'ClosedWon' })).total,
    ).toBeGreaterThanOrEqual(8);
  });

  it('still ignores case on text (string) properties for EQ', async () => {
    const { total } = await count(
      { propertyName: 'name', operator: 'EQ', value: 'ACME LOGISTICS' },
      'companies',
    );
    const lower = await count({ propertyName: 'name', operator: 'EQ', value: 'acme logistics' }, 'companies');
    expect(total).toBe(lower.total);
    expect(total).toBe(1);
  });

  // "IN ... When searching a string property with this operator, values must be lowercase" (and likewise
  // NOT_IN): the guide's operator table. HubSpot then matches nothing; the sandbox refuses the filter (stricter).
  it('refuses IN / NOT_IN values of a string property that are not lowercase, and matches lowercase ones', async () => {
    const mixed = await search(
      {
        filterGroups: [
          { filters: [{ propertyName: 'name', operator: 'IN', values: ['acme logistics', 'Helio Health'] }] },
        ],
      },
      'companies',
    );
    expect(mixed.status).toBe(400);
    expect(mixed.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(mixed.body.message).toContain('lowercase');
    expect(
      (await count({ propertyName: 'name', operator: 'NOT_IN', values: ['ACME LOGISTICS'] }, 'companies'))
        .status,
    ).toBe(400);
    expect(
      (await count({ propertyName: 'name', operator: 'IN', values: ['acme logistics'] }, 'companies')).total,
    ).toBe(1);
  });
});

describe('associations, sorts, query and limit', () => {
  it('refuses searching through associations of custom objects, both ways', async () => {
    // "Search through associations": not supported for custom objects (guide).
    const schema = await call(server, T, 'POST', '/crm-object-schemas/v3/schemas', {
      name: 'search_step',
      labels: { singular: 'Step', plural: 'Steps' },
      primaryDisplayProperty: 'step_title',
      requiredProperties: ['step_title'],
      properties: [{ name: 'step_title', label: 'Title', type: 'string', fieldType: 'text' }],
      associatedObjects: ['DEAL'],
    });
    expect(schema.status).toBe(201);
    const fromCustom = await search(
      { filterGroups: [{ filters: [{ propertyName: 'associations.deal', operator: 'EQ', value: '1' }] }] },
      schema.body.objectTypeId,
    );
    expect(fromCustom.status).toBe(400);
    expect(fromCustom.body.message).toContain('not supported for custom objects');
    const toCustom = await search({
      filterGroups: [
        {
          filters: [{ propertyName: `associations.${schema.body.objectTypeId}`, operator: 'EQ', value: '1' }],
        },
      ],
    });
    expect(toCustom.status).toBe(400);
    // Between standard objects it works.
    expect(
      (
        await search({
          filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: '1' }] }],
        })
      ).status,
    ).toBe(200);
  });

  it('takes one sorting rule and refuses two', async () => {
    // "Sort search results": one sorting rule per search request (guide).
    expect((await search({ sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }] })).status).toBe(200);
    const two = await search({ sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }, 'dealname'] });
    expect(two.status).toBe(400);
    expect(two.body).toMatchObject({ category: 'VALIDATION_ERROR' });
  });

  it('takes a query of 3,000 characters and refuses one of 3,001', async () => {
    // crm-objects-v3.json, PublicObjectSearchRequest.query: "The search query string, up to 3000 characters."
    expect((await search({ query: 'a'.repeat(3000) })).status).toBe(200);
    const long = await search({ query: 'a'.repeat(3001) });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ category: 'VALIDATION_ERROR' });
  });

  it('refuses limit 0 (it paged forever on the same cursor) and pages limit 1 to an end', async () => {
    // crm-objects-v3.json, PublicObjectSearchRequest.limit: "The maximum results to return, up to 200 objects."
    expect((await search({ limit: 0 })).status).toBe(400);
    expect((await search({ limit: -1 })).status).toBe(400);
    expect((await search({ limit: 201 })).status).toBe(400);
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await search({ limit: 1, ...(after === undefined ? {} : { after }) }, 'companies');
      expect(page.status).toBe(200);
      after = page.body.paging?.next?.after;
      pages += 1;
    } while (after !== undefined && pages < 10);
    expect(pages).toBe(3);
  });
});
