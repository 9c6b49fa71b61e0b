/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- JSON bodies checked with expect() */
/**
 * Associations v4, search and owners of the sandbox CRM, against the seeded demo portal, with the real
 * @hubspot/api-client and plain HTTP.
 */
import { call, FIXED_NOW, startCrmServer, type CrmTestServer } from '../helpers/crm-server.js';

const T = 'demo-token';
const OTHER = 'other-portal';
let server: CrmTestServer;

beforeAll(async () => {
  server = await startCrmServer({
    [T]: { portalId: 401, tier: 'enterprise', demo: true },
    [OTHER]: { portalId: 402, tier: 'enterprise', demo: true },
  });
});
afterAll(async () => server.close());

async function search(
  body: Record<string, unknown>,
  type = 'deals',
  token = T,
): Promise<{ status: number; body: any }> {
  return call(server, token, 'POST', `/crm/v3/objects/${type}/search`, body);
}

async function dealIdNamed(fragment: string): Promise<string> {
  const res = await search({
    filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'CONTAINS_TOKEN', value: fragment }] }],
  });
  expect(res.body.total).toBeGreaterThan(0);
  return res.body.results[0].id;
}

describe('demo portal seed', () => {
  it('has owners with teams, companies, buyer contacts with job titles, and 8 deals across the pipeline', async () => {
    const owners = await call(server, T, 'GET', '/crm/v3/owners');
    expect(owners.body.results.length).toBeGreaterThanOrEqual(3);
    expect(owners.body.results[0]).toMatchObject({
      type: 'PERSON',
      teams: [expect.objectContaining({ primary: true })],
    });
    const deals = await search({
      properties: ['dealstage', 'amount', 'closedate', 'hubspot_owner_id'],
      limit: 100,
    });
    expect(deals.body.total).toBe(8);
    const stages = new Set(deals.body.results.map((d: any) => d.properties.dealstage));
    expect(stages).toEqual(
      new Set([
        'appointmentscheduled',
        'qualifiedtobuy',
        'presentationscheduled',
        'decisionmakerboughtin',
        'contractsent',
        'closedwon',
        'closedlost',
      ]),
    );
    const ownerIds = new Set(owners.body.results.map((o: any) => o.id));
    for (const d of deals.body.results) expect(ownerIds.has(d.properties.hubspot_owner_id)).toBe(true);
    const titles = await search({ properties: ['jobtitle'], limit: 100 }, 'contacts');
    expect(titles.body.results.map((c: any) => c.properties.jobtitle)).toEqual(
      expect.arrayContaining(['CIO', 'VP Operations', 'Procurement Lead', 'Security Lead']),
    );
    expect((await search({}, 'companies')).body.total).toBe(3);
    const closedWon = await search({
      filterGroups: [{ filters: [{ propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' }] }],
      properties: ['createdate'],
    });
    expect(closedWon.body.results[0].createdAt).toBe(closedWon.body.results[0].properties.createdate);
    expect(Date.parse(closedWon.body.results[0].createdAt)).toBeLessThan(FIXED_NOW);
  });

  it('is idempotent: seeding twice does not duplicate anything', async () => {
    const { seedDemoPortal } = await import('../../src/sandbox/crm/index.js');
    seedDemoPortal(server.db, 401, FIXED_NOW);
    expect((await search({})).body.total).toBe(8);
    expect((await call(server, T, 'GET', '/crm/v3/owners')).body.results).toHaveLength(4);
  });
});

describe('associations v4', () => {
  it("batch-reads a deal's contacts with the SDK, with HubSpot-defined type 3", async () => {
    const dealId = await dealIdNamed('Fleet');
    const res = await server
      .client(T)
      .crm.associations.v4.batchApi.getPage('deals', 'contacts', { inputs: [{ id: dealId }] });
    expect(res.results).toHaveLength(1);
    expect(res.results[0]?.to).toHaveLength(4);
    expect(res.results[0]?.to[0]?.associationTypes).toEqual([
      { category: 'HUBSPOT_DEFINED', typeId: 3, label: null },
    ]);
  });

  it('shows a primary company association with both the Primary label (5) and the unlabelled type (341)', async () => {
    const dealId = await dealIdNamed('Fleet');
    const res = await call(server, T, 'GET', `/crm/v4/objects/deals/${dealId}/associations/companies`);
    expect(res.status).toBe(200);
    expect(res.body.results[0].associationTypes).toEqual([
      { category: 'HUBSPOT_DEFINED', typeId: 5, label: 'Primary' },
      { category: 'HUBSPOT_DEFINED', typeId: 341, label: null },
    ]);
  });

  it('reports ids without associations as 207 errors in a batch read, and refuses more than 1,000 inputs', async () => {
    const res = await call(server, T, 'POST', '/crm/v4/associations/deals/contacts/batch/read', {
      inputs: [{ id: '1' }],
    });
    expect(res.status).toBe(207);
    expect(res.body.errors[0]).toMatchObject({
      category: 'OBJECT_NOT_FOUND',
      context: { fromObjectId: ['1'] },
    });
    const many = await call(server, T, 'POST', '/crm/v4/associations/deals/contacts/batch/read', {
      inputs: Array.from({ length: 1001 }, (_, i) => ({ id: String(i + 1) })),
    });
    expect(many.status).toBe(400);
    const thousand = await call(server, T, 'POST', '/crm/v4/associations/deals/contacts/batch/read', {
      inputs: Array.from({ length: 1000 }, (_, i) => ({ id: String(i + 1) })),
    });
    expect(thousand.status).toBe(207);
  });

  it('creates with PUT (labels body), deletes with DELETE, and sees it in both directions', async () => {
    const client = server.client(T);
    const dealId = await dealIdNamed('Warehouse');
    const contact = await search(
      { filterGroups: [{ filters: [{ propertyName: 'jobtitle', operator: 'EQ', value: 'cfo' }] }] },
      'contacts',
    );
    const contactId = contact.body.results[0].id as string;
    const created = await client.crm.associations.v4.basicApi.create('deals', dealId, 'contacts', contactId, [
      { associationCategory: 'HUBSPOT_DEFINED' as never, associationTypeId: 3 },
    ]);
    // v4 answers give record ids as JSON numbers, as HubSpot's v4 associations guide shows
    // (`"fromObjectId": 29851, "toObjectId": 21678228008`), though the spec types them as strings.
    expect(created).toMatchObject({
      fromObjectId: Number(dealId),
      toObjectId: Number(contactId),
      labels: [],
    });
    const reverse = await call(server, T, 'GET', `/crm/v4/objects/contacts/${contactId}/associations/deals`);
    expect(reverse.body.results.map((r: any) => r.toObjectId)).toContain(Number(dealId));
    expect(
      reverse.body.results.find((r: any) => r.toObjectId === Number(dealId)).associationTypes[0].typeId,
    ).toBe(4);
    await client.crm.associations.v4.basicApi.archive('deals', dealId, 'contacts', contactId);
    const after = await call(server, T, 'GET', `/crm/v4/objects/contacts/${contactId}/associations/deals`);
    expect(after.body.results.map((r: any) => r.toObjectId)).not.toContain(Number(dealId));
  });

  it('refuses an association type that does not belong to the pair, and a missing record', async () => {
    const dealId = await dealIdNamed('Fleet');
    const companies = await search({}, 'companies');
    const wrongType = await call(
      server,
      T,
      'PUT',
      `/crm/v4/objects/deals/${dealId}/associations/companies/${companies.body.results[0].id}`,
      [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }],
    );
    expect(wrongType.status).toBe(400);
    const missing = await call(
      server,
      T,
      'PUT',
      `/crm/v4/objects/deals/${dealId}/associations/default/companies/999999`,
    );
    expect(missing.status).toBe(400);
  });

  it('associates by default type in batch and with PUT default, then batch-archives', async () => {
    const client = server.client(T);
    const dealId = await dealIdNamed('Grid');
    const companies = await search(
      { filterGroups: [{ filters: [{ propertyName: 'name', operator: 'EQ', value: 'Helio Health' }] }] },
      'companies',
    );
    const companyId = companies.body.results[0].id as string;
    const res = await client.crm.associations.v4.batchApi.createDefault('deals', 'companies', {
      inputs: [{ _from: { id: dealId }, to: { id: companyId } }],
    });
    expect(res.results[0]?.associationSpec).toEqual({
      associationCategory: 'HUBSPOT_DEFINED',
      associationTypeId: 341,
    });
    const put = await call(
      server,
      T,
      'PUT',
      `/crm/v4/objects/deals/${dealId}/associations/default/companies/${companyId}`,
    );
    expect(put.status).toBe(200);
    const list = await call(server, T, 'GET', `/crm/v4/objects/deals/${dealId}/associations/companies`);
    expect(list.body.results.map((r: any) => r.toObjectId)).toContain(Number(companyId));
    const archived = await call(server, T, 'POST', '/crm/v4/associations/deals/companies/batch/archive', {
      inputs: [{ from: { id: dealId }, to: [{ id: companyId }] }],
    });
    expect(archived.status).toBe(204);
    const after = await call(server, T, 'GET', `/crm/v4/objects/deals/${dealId}/associations/companies`);
    expect(after.body.results.map((r: any) => r.toObjectId)).not.toContain(Number(companyId));
  });

  it('makes a new Primary company replace the old one but keeps the old association', async () => {
    const dealId = await dealIdNamed('Grid');
    const companies = await search(
      { sorts: [{ propertyName: 'name', direction: 'ASCENDING' }] },
      'companies',
    );
    const [acme] = companies.body.results;
    const res = await call(server, T, 'POST', '/crm/v4/associations/deals/companies/batch/create', {
      inputs: [
        {
          from: { id: dealId },
          to: { id: acme.id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 5 }],
        },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.results[0].labels).toEqual(['Primary']);
    const list = await call(server, T, 'GET', `/crm/v4/objects/deals/${dealId}/associations/companies`);
    const primaries = list.body.results.filter((r: any) =>
      r.associationTypes.some((t: any) => t.typeId === 5),
    );
    expect(primaries.map((r: any) => r.toObjectId)).toEqual([Number(acme.id)]);
    expect(list.body.results.length).toBeGreaterThanOrEqual(2);
  });

  it('creates a user-defined label, uses it, lists it, and removes only the label with labels/archive', async () => {
    const labels = await call(server, T, 'POST', '/crm/v4/associations/deals/contacts/labels', {
      label: 'Decision maker',
      name: 'decision_maker',
      inverseLabel: 'Decides on',
    });
    expect(labels.status).toBe(200);
    const forward = labels.body.results.find((r: any) => r.label === 'Decision maker');
    expect(forward.category).toBe('USER_DEFINED');
    const listed = await server
      .client(T)
      .crm.associations.v4.schema.definitionsApi.getAll('deals', 'contacts');
    expect(listed.results.map((r) => r.label)).toEqual(expect.arrayContaining(['Decision maker', null]));
    const dealId = await dealIdNamed('Fleet');
    const contacts = await call(server, T, 'GET', `/crm/v4/objects/deals/${dealId}/associations/contacts`);
    const contactId = String(contacts.body.results[0].toObjectId);
    expect(typeof contacts.body.results[0].toObjectId).toBe('number');
    const put = await call(
      server,
      T,
      'PUT',
      `/crm/v4/objects/deals/${dealId}/associations/contacts/${contactId}`,
      [{ associationCategory: 'USER_DEFINED', associationTypeId: forward.typeId }],
    );
    expect(put.body.labels).toEqual(['Decision maker']);
    const reverse = await call(server, T, 'GET', `/crm/v4/objects/contacts/${contactId}/associations/deals`);
    expect(
      reverse.body.results
        .find((r: any) => r.toObjectId === Number(dealId))
        .associationTypes.map((t: any) => t.label),
    ).toContain('Decides on');
    const removed = await call(
      server,
      T,
      'POST',
      '/crm/v4/associations/deals/contacts/batch/labels/archive',
      {
        inputs: [
          {
            from: { id: dealId },
            to: { id: contactId },
            types: [{ associationCategory: 'USER_DEFINED', associationTypeId: forward.typeId }],
          },
        ],
      },
    );
    expect(removed.status).toBe(204);
    const after = await call(server, T, 'GET', `/crm/v4/objects/deals/${dealId}/associations/contacts`);
    expect(after.body.results.find((r: any) => r.toObjectId === Number(contactId)).associationTypes).toEqual([
      { category: 'HUBSPOT_DEFINED', typeId: 3, label: null },
    ]);
  });

  it("pages a record's associations with limit and after", async () => {
    const dealId = await dealIdNamed('Fleet');
    const first = await call(
      server,
      T,
      'GET',
      `/crm/v4/objects/deals/${dealId}/associations/contacts?limit=2`,
    );
    expect(first.body.results).toHaveLength(2);
    const second = await call(
      server,
      T,
      'GET',
      `/crm/v4/objects/deals/${dealId}/associations/contacts?limit=2&after=${first.body.paging.next.after}`,
    );
    expect(second.body.results).toHaveLength(2);
    expect(second.body.paging).toBeUndefined();
  });
});

describe('search', () => {
  it('searches with the SDK: EQ on an enumeration, sorted by amount descending, with total', async () => {
    const res = await server.client(T).crm.deals.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'dealstage', operator: 'NEQ' as never, value: 'closedlost' }] },
      ],
      // The SDK types sorts as strings; HubSpot takes (and documents) sort objects.
      sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }] as never,
      properties: ['amount', 'dealstage'],
      limit: 3,
      after: '0',
    });
    expect(res.total).toBe(7);
    expect(res.results.map((r) => Number(r.properties.amount))).toEqual([310000, 185000, 120000]);
    expect(res.paging?.next?.after).toBe('3');
  });

  it('supports the comparison operators, BETWEEN, IN/NOT_IN, HAS_PROPERTY/NOT_HAS_PROPERTY and OR of filter groups', async () => {
    const total = async (filters: Record<string, unknown>[][]): Promise<number> =>
      (await search({ filterGroups: filters.map((f) => ({ filters: f })) })).body.total;
    expect(await total([[{ propertyName: 'amount', operator: 'GT', value: '100000' }]])).toBe(3);
    expect(await total([[{ propertyName: 'amount', operator: 'GTE', value: '120000' }]])).toBe(3);
    expect(await total([[{ propertyName: 'amount', operator: 'LT', value: '42000' }]])).toBe(1);
    expect(await total([[{ propertyName: 'amount', operator: 'LTE', value: '42000' }]])).toBe(2);
    expect(
      await total([[{ propertyName: 'amount', operator: 'BETWEEN', value: '50000', highValue: '100000' }]]),
    ).toBe(3);
    expect(
      await total([[{ propertyName: 'dealstage', operator: 'IN', values: ['closedwon', 'closedlost'] }]]),
    ).toBe(2);
    expect(
      await total([[{ propertyName: 'dealstage', operator: 'NOT_IN', values: ['closedwon', 'closedlost'] }]]),
    ).toBe(6);
    expect(await total([[{ propertyName: 'description', operator: 'NOT_HAS_PROPERTY' }]])).toBe(8);
    expect(await total([[{ propertyName: 'amount', operator: 'HAS_PROPERTY' }]])).toBe(8);
    expect(
      await total([
        [{ propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' }],
        [{ propertyName: 'dealstage', operator: 'EQ', value: 'closedlost' }],
      ]),
    ).toBe(2);
    expect(
      await total([
        [
          { propertyName: 'dealstage', operator: 'EQ', value: 'closedwon' },
          { propertyName: 'amount', operator: 'GT', value: '1' },
        ],
      ]),
    ).toBe(1);
  });

  it('compares datetime properties by time, given epoch ms or ISO strings', async () => {
    const cutoff = FIXED_NOW;
    const future = await search({
      filterGroups: [{ filters: [{ propertyName: 'closedate', operator: 'GT', value: String(cutoff) }] }],
    });
    expect(future.body.total).toBe(6);
    const iso = await search({
      filterGroups: [
        { filters: [{ propertyName: 'closedate', operator: 'GT', value: new Date(cutoff).toISOString() }] },
      ],
    });
    expect(iso.body.total).toBe(6);
  });

  it('matches CONTAINS_TOKEN on words and * wildcards, and free-text query on searchable properties', async () => {
    expect(
      (
        await search({
          filterGroups: [
            { filters: [{ propertyName: 'dealname', operator: 'CONTAINS_TOKEN', value: 'helio' }] },
          ],
        })
      ).body.total,
    ).toBe(3);
    expect(
      (
        await search({
          filterGroups: [
            { filters: [{ propertyName: 'dealname', operator: 'CONTAINS_TOKEN', value: 'ware*' }] },
          ],
        })
      ).body.total,
    ).toBe(1);
    expect(
      (
        await search({
          filterGroups: [
            { filters: [{ propertyName: 'dealname', operator: 'NOT_CONTAINS_TOKEN', value: 'helio' }] },
          ],
        })
      ).body.total,
    ).toBe(5);
    expect((await search({ query: 'fjord' })).body.total).toBe(2);
    expect((await search({ query: 'elena' }, 'contacts')).body.total).toBe(1);
  });

  it('filters by associations.{type}: the deals of a contact', async () => {
    const contact = await search(
      { filterGroups: [{ filters: [{ propertyName: 'jobtitle', operator: 'EQ', value: 'Security Lead' }] }] },
      'contacts',
    );
    const contactId = contact.body.results[0].id as string;
    const res = await search({
      filterGroups: [
        { filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: contactId }] },
      ],
      properties: ['dealname'],
    });
    expect(res.body.results.map((r: any) => r.properties.dealname)).toEqual([
      'Acme Logistics — Fleet Visibility Platform',
    ]);
  });

  it('refuses a limit above 200, paging past 10,000 results, too many filters, and unknown properties', async () => {
    expect((await search({ limit: 201 })).status).toBe(400);
    expect((await search({ limit: 200 })).status).toBe(200);
    expect((await search({ limit: 100, after: '9950' })).status).toBe(400);
    const six = Array.from({ length: 6 }, () => ({ propertyName: 'amount', operator: 'HAS_PROPERTY' }));
    expect((await search({ filterGroups: Array.from({ length: 3 }, () => ({ filters: six })) })).status).toBe(
      200,
    );
    expect((await search({ filterGroups: Array.from({ length: 4 }, () => ({ filters: six })) })).status).toBe(
      400,
    );
    expect((await search({ filterGroups: [{ filters: [...six, ...six.slice(0, 1)] }] })).status).toBe(400);
    expect(
      (await search({ filterGroups: [{ filters: [{ propertyName: 'nope', operator: 'EQ', value: '1' }] }] }))
        .status,
    ).toBe(400);
  });

  it("pages through all results with after and never returns another portal's records", async () => {
    const ids: string[] = [];
    let after: string | undefined = '0';
    while (after !== undefined) {
      const res = await search({ limit: 3, after });
      ids.push(...res.body.results.map((r: any) => r.id));
      after = res.body.paging?.next?.after;
    }
    expect(new Set(ids).size).toBe(8);
    const other = await search({ limit: 100 }, 'deals', OTHER);
    expect(other.body.results.map((r: any) => r.id).filter((id: string) => ids.includes(id))).toEqual([]);
  });
});

describe('owners v3', () => {
  it('lists owners with the SDK, filters by email (case-insensitive) and pages with limit/after', async () => {
    const client = server.client(T);
    const page = await client.crm.owners.ownersApi.getPage(undefined, undefined, 2);
    expect(page.results).toHaveLength(2);
    expect(page.paging?.next?.after).toBeDefined();
    const rest = await client.crm.owners.ownersApi.getPage(undefined, page.paging?.next?.after, 2);
    expect(rest.results).toHaveLength(2);
    const byEmail = await client.crm.owners.ownersApi.getPage('PRIYA.RAMAN@northwind-demo.com');
    expect(byEmail.results.map((o) => o.firstName)).toEqual(['Priya']);
  });

  it('gets one owner by id, or by userId with idProperty, and answers 404 for an unknown one', async () => {
    const list = await call(server, T, 'GET', '/crm/v3/owners');
    const owner = list.body.results[0];
    const byId = await server.client(T).crm.owners.ownersApi.getById(Number(owner.id));
    expect(byId.email).toBe(owner.email);
    const byUser = await call(server, T, 'GET', `/crm/v3/owners/${owner.userId}?idProperty=userId`);
    expect(byUser.body.id).toBe(owner.id);
    expect((await call(server, T, 'GET', '/crm/v3/owners/1')).status).toBe(404);
  });
});
