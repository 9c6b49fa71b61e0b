/* eslint-disable @typescript-eslint/no-unsafe-call -- JSON bodies checked with expect() */
/**
 * Objects v3 of the sandbox CRM, driven by the real @hubspot/api-client and by plain HTTP for exact bodies.
 */
import { call, FIXED_NOW, startCrmServer, type CrmTestServer } from '../helpers/crm-server.js';
import { problems } from '../helpers/validation-problems.js';

const A = 'token-a';
const B = 'token-b';
let server: CrmTestServer;

beforeAll(async () => {
  server = await startCrmServer({
    [A]: { portalId: 101, tier: 'enterprise', demo: true },
    [B]: { portalId: 202, tier: 'professional' },
  });
});
afterAll(async () => server.close());

async function newDeal(properties: Record<string, string>): Promise<string> {
  const res = await call(server, A, 'POST', '/crm/v3/objects/deals', { properties });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('objects v3: single records', () => {
  it('creates a deal with the SDK and reads it back with string values and the default properties', async () => {
    const client = server.client(A);
    const created = await client.crm.deals.basicApi.create({
      properties: {
        dealname: 'SDK deal',
        amount: '1200.50',
        dealstage: 'qualifiedtobuy',
        closedate: '2026-12-01',
      },
      associations: [],
    });
    expect(created.id).toMatch(/^\d+$/);
    expect(created.properties.amount).toBe('1200.5');
    const read = await client.crm.deals.basicApi.getById(created.id);
    expect(Object.keys(read.properties).sort()).toEqual(
      [
        'amount',
        'closedate',
        'createdate',
        'dealname',
        'dealstage',
        'hs_lastmodifieddate',
        'hs_object_id',
        'pipeline',
      ].sort(),
    );
    expect(read.properties.pipeline).toBe('default');
    expect(read.properties.closedate).toBe('2026-12-01T00:00:00.000Z');
    expect(read.properties.hs_object_id).toBe(created.id);
    expect(read.createdAt).toBeInstanceOf(Date);
    expect(read.archived).toBe(false);
  });

  it('returns only the requested properties plus the always-returned ones, null when unset, ignoring unknown names', async () => {
    const id = await newDeal({ dealname: 'Requested props' });
    const res = await call(
      server,
      A,
      'GET',
      `/crm/v3/objects/deals/${id}?properties=dealname,amount,no_such_prop`,
    );
    expect(res.status).toBe(200);
    expect(res.body.properties).toEqual({
      dealname: 'Requested props',
      amount: null,
      createdate: new Date(FIXED_NOW).toISOString(),
      hs_lastmodifieddate: new Date(FIXED_NOW).toISOString(),
      hs_object_id: id,
    });
  });

  it('updates with PATCH, moves hs_lastmodifieddate and updatedAt, and clears a value written as ""', async () => {
    const id = await newDeal({ dealname: 'Patch me', amount: '10' });
    server.clock.now = FIXED_NOW + 60_000;
    try {
      const patched = await call(server, A, 'PATCH', `/crm/v3/objects/deals/${id}`, {
        properties: { amount: '', dealname: 'Patched' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.properties.dealname).toBe('Patched');
      expect(patched.body.properties.amount).toBeNull();
      expect(patched.body.properties.hs_lastmodifieddate).toBe(new Date(FIXED_NOW + 60_000).toISOString());
      expect(patched.body.updatedAt).toBe(new Date(FIXED_NOW + 60_000).toISOString());
      expect(patched.body.createdAt).toBe(new Date(FIXED_NOW).toISOString());
    } finally {
      server.clock.now = FIXED_NOW;
    }
  });

  it('archives with DELETE (204), hides the record from reads, and shows it with archived=true', async () => {
    const id = await newDeal({ dealname: 'Archive me' });
    expect((await call(server, A, 'DELETE', `/crm/v3/objects/deals/${id}`)).status).toBe(204);
    const gone = await call(server, A, 'GET', `/crm/v3/objects/deals/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND' });
    const archived = await call(server, A, 'GET', `/crm/v3/objects/deals/${id}?archived=true`);
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);
    expect(typeof archived.body.archivedAt).toBe('string');
    const list = await call(server, A, 'GET', '/crm/v3/objects/deals?limit=100');
    expect(list.body.results.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('answers 404 OBJECT_NOT_FOUND for an unknown id and 400 for an unknown object type', async () => {
    const missing = await call(server, A, 'GET', '/crm/v3/objects/deals/999999999');
    expect(missing.status).toBe(404);
    expect(missing.body.category).toBe('OBJECT_NOT_FOUND');
    expect(typeof missing.body.correlationId).toBe('string');
    const badType = await call(server, A, 'GET', '/crm/v3/objects/widgets');
    expect(badType.status).toBe(400);
    expect(badType.body.message).toBe('Unable to infer object type from: widgets');
  });

  it('accepts the object type as name, singular name or objectTypeId', async () => {
    const id = await newDeal({ dealname: 'Aliases' });
    for (const alias of ['deals', 'deal', '0-3']) {
      const res = await call(server, A, 'GET', `/crm/v3/objects/${alias}/${id}`);
      expect(res.status).toBe(200);
    }
  });

  it('lists with paging: limit, after, and paging.next until the last page', async () => {
    const client = server.client(A);
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await client.crm.deals.basicApi.getPage(3, after);
      seen.push(...res.results.map((r) => r.id));
      after = res.paging?.next?.after;
      if (!after) break;
    }
    expect(seen.length).toBeGreaterThanOrEqual(8);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => Number(a) - Number(b))).toEqual(seen);
  });

  it('refuses a list limit above 100', async () => {
    expect((await call(server, A, 'GET', '/crm/v3/objects/deals?limit=101')).status).toBe(400);
  });

  it('includes associations asked for on get and list', async () => {
    const list = await call(
      server,
      A,
      'GET',
      '/crm/v3/objects/deals?limit=100&associations=contacts,companies',
    );
    const withCompany = list.body.results.find(
      (r: { associations?: unknown }) => r.associations !== undefined,
    );
    expect(withCompany.associations.companies.results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'deal_to_company' }),
        expect.objectContaining({ type: 'deal_to_company_unlabeled' }),
      ]),
    );
    expect(withCompany.associations.contacts.results[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      type: 'deal_to_contact',
    });
  });

  it('creates a record with associations in the body', async () => {
    const contacts = await call(server, A, 'GET', '/crm/v3/objects/contacts?limit=1');
    const contactId = contacts.body.results[0].id as string;
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'With association' },
      associations: [
        { to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] },
      ],
    });
    expect(res.status).toBe(201);
    const read = await call(server, A, 'GET', `/crm/v3/objects/deals/${res.body.id}?associations=contacts`);
    expect(read.body.associations.contacts.results).toEqual([{ id: contactId, type: 'deal_to_contact' }]);
    const bad = await call(server, A, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Bad association' },
      associations: [
        { to: { id: '1' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 3 }] },
      ],
    });
    expect(bad.status).toBe(400);
  });
});

describe('objects v3: property validation', () => {
  it("refuses an unknown property with 400 VALIDATION_ERROR, PROPERTY_DOESNT_EXIST, in HubSpot's message format", async () => {
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'x', not_a_prop: '1' },
    });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe('VALIDATION_ERROR');
    expect(res.body.message).toMatch(/^Property values were not valid: \[/);
    // Source: HubSpot's error-handling guide (https://developers.hubspot.com/docs/api/error-handling): each
    // problem embeds localizedErrorMessage and the portal's id; the multi-status example and the changelog's
    // examples carry no errors[], so the sandbox sends none and clients read the embedded list.
    expect(problems(res.body)).toEqual([
      {
        isValid: false,
        message: 'Property "not_a_prop" does not exist',
        error: 'PROPERTY_DOESNT_EXIST',
        name: 'not_a_prop',
        localizedErrorMessage: 'Property "not_a_prop" does not exist',
        portalId: 101,
      },
    ]);
    expect(res.body.errors).toBeUndefined();
  });

  it('reports every bad value at once: number, option, date not at midnight, datetime, owner', async () => {
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals', {
      properties: {
        amount: 'lots',
        dealstage: 'nope',
        closedate: 'yesterday',
        hubspot_owner_id: '12345',
        hs_priority: ' high',
      },
    });
    expect(res.status).toBe(400);
    const codes = Object.fromEntries(problems(res.body).map((p) => [p.name, p.error]));
    expect(codes).toEqual({
      amount: 'INVALID_DOUBLE',
      dealstage: 'INVALID_OPTION',
      closedate: 'INVALID_DATETIME',
      hubspot_owner_id: 'INVALID_OWNER_ID',
      hs_priority: 'LEADING_TRAILING_WHITESPACE',
    });
  });

  it('accepts a date property as YYYY-MM-DD or midnight epoch ms, returns YYYY-MM-DD, and refuses other times', async () => {
    await call(server, A, 'POST', '/crm/v3/properties/deals', {
      name: 'map_next_step_due',
      label: 'Next step due',
      type: 'date',
      fieldType: 'date',
      groupName: 'dealinformation',
    });
    const id = await newDeal({ dealname: 'Dates', map_next_step_due: String(Date.UTC(2026, 11, 24)) });
    const read = await call(server, A, 'GET', `/crm/v3/objects/deals/${id}?properties=map_next_step_due`);
    expect(read.body.properties.map_next_step_due).toBe('2026-12-24');
    const patched = await call(server, A, 'PATCH', `/crm/v3/objects/deals/${id}`, {
      properties: { map_next_step_due: '2027-01-05' },
    });
    expect(patched.body.properties.map_next_step_due).toBe('2027-01-05');
    const bad = await call(server, A, 'PATCH', `/crm/v3/objects/deals/${id}`, {
      properties: { map_next_step_due: String(Date.UTC(2026, 11, 24, 10, 16, 19, 200)) },
    });
    expect(bad.status).toBe(400);
    expect(problems(bad.body)[0]?.error).toBe('INVALID_DATE');
    expect(problems(bad.body)[0]?.message).toMatch(/is at 10:16:19\.200 UTC, not midnight!$/);
  });

  it('refuses a string value longer than 65,536 characters and accepts one of exactly 65,536', async () => {
    const ok = await call(server, A, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'x'.repeat(65_536) },
    });
    expect(ok.status).toBe(201);
    const tooLong = await call(server, A, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'x'.repeat(65_537) },
    });
    expect(tooLong.status).toBe(400);
    expect(problems(tooLong.body).map((p) => p.name)).toEqual(['dealname']);
  });

  it('refuses writing a read-only property', async () => {
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals', { properties: { hs_object_id: '5' } });
    expect(res.status).toBe(400);
    expect(problems(res.body)[0]?.error).toBe('READ_ONLY_VALUE');
  });

  it('answers 409 when a contact email is taken, and when a unique-value property repeats', async () => {
    const first = await call(server, A, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'dup@example.com' },
    });
    expect(first.status).toBe(201);
    const second = await call(server, A, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'dup@example.com' },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      category: 'CONFLICT',
      message: `Contact already exists. Existing ID: ${first.body.id}`,
    });
    const otherCase = await call(server, A, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'DUP@Example.com' },
    });
    expect(otherCase.status).toBe(409);
    const byEmail = await call(server, A, 'GET', '/crm/v3/objects/contacts/Dup@example.com?idProperty=email');
    expect(byEmail.body.id).toBe(first.body.id);

    await call(server, A, 'POST', '/crm/v3/properties/deals', {
      name: 'external_ref',
      label: 'External ref',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
      hasUniqueValue: true,
    });
    const d1 = await newDeal({ external_ref: 'ref-1' });
    const d2 = await newDeal({ external_ref: 'ref-2' });
    expect(
      (
        await call(server, A, 'PATCH', `/crm/v3/objects/deals/${d2}`, {
          properties: { external_ref: 'ref-1' },
        })
      ).status,
    ).toBe(409);
    // Writing a record's own unique value again is not a conflict.
    expect(
      (
        await call(server, A, 'PATCH', `/crm/v3/objects/deals/${d1}`, {
          properties: { external_ref: 'ref-1' },
        })
      ).status,
    ).toBe(200);
    const byRef = await call(server, A, 'GET', `/crm/v3/objects/deals/ref-1?idProperty=external_ref`);
    expect(byRef.body.id).toBe(d1);
  });

  it('refuses a contact email that is not an address with INVALID_EMAIL, on create, update and upsert', async () => {
    // Source: a captured HubSpot answer (Atlas-Authority/marketing-automation#174): `Property values were not
    // valid: [{"isValid":false,"message":"Email address name@domain.<INVALID TLD> is invalid","error":"INVALID_EMAIL","name":"email"}]`.
    for (const email of [
      'not-an-email',
      'a@b',
      'two@@example.com',
      'sp ace@example.com',
      'x@example.c0m',
      '.dot@example.com',
      'a..b@example.com',
    ]) {
      const res = await call(server, A, 'POST', '/crm/v3/objects/contacts', { properties: { email } });
      expect({ email, status: res.status }).toEqual({ email, status: 400 });
      expect(problems(res.body)).toEqual([
        expect.objectContaining({
          name: 'email',
          error: 'INVALID_EMAIL',
          message: `Email address ${email} is invalid`,
        }),
      ]);
    }
    const ok = await call(server, A, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: "o'neil+map@sub.example-domain.co.uk" },
    });
    expect(ok.status).toBe(201);
    const patched = await call(server, A, 'PATCH', `/crm/v3/objects/contacts/${ok.body.id}`, {
      properties: { email: 'nope@nowhere' },
    });
    expect(patched.status).toBe(400);
    expect(problems(patched.body)[0]?.error).toBe('INVALID_EMAIL');
    // Clearing the email is not an invalid address.
    expect(
      (
        await call(server, A, 'PATCH', `/crm/v3/objects/contacts/${ok.body.id}`, {
          properties: { email: '' },
        })
      ).status,
    ).toBe(200);
    const upsert = await call(server, A, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ id: 'bad address', idProperty: 'email', properties: { firstname: 'Bad' } }],
    });
    expect(JSON.stringify(upsert.body)).toContain('INVALID_EMAIL');
  });
});

describe('objects v3: batches', () => {
  it('batch-creates and batch-reads 100 deals with the SDK, in input order', async () => {
    const client = server.client(A);
    const created = await client.crm.deals.batchApi.create({
      inputs: Array.from({ length: 100 }, (_, i) => ({
        properties: { dealname: `Batch ${i}`, amount: String(i) },
        associations: [],
      })),
    });
    expect(created.status).toBe('COMPLETE');
    expect(created.results).toHaveLength(100);
    const ids = created.results.map((r) => r.id).reverse();
    const started = performance.now();
    const read = await client.crm.deals.batchApi.read({
      inputs: ids.map((id) => ({ id })),
      properties: ['amount'],
      propertiesWithHistory: [],
    });
    const elapsed = performance.now() - started;
    expect(read.results.map((r) => r.id)).toEqual(ids);
    expect(read.results[0]?.properties.amount).toBe('99');
    expect(elapsed).toBeLessThan(500);
  });

  it('answers a batch read with missing ids as 207 with an OBJECT_NOT_FOUND error listing them', async () => {
    const id = await newDeal({ dealname: 'Present' });
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/read', {
      inputs: [{ id }, { id: '424242' }, { id: 'abc' }],
      properties: [],
      propertiesWithHistory: [],
    });
    expect(res.status).toBe(207);
    expect(res.body.results.map((r: { id: string }) => r.id)).toEqual([id]);
    expect(res.body.numErrors).toBe(1);
    expect(res.body.errors[0]).toMatchObject({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      context: { ids: ['424242', 'abc'] },
    });
  });

  it('refuses more than 100 batch inputs with 400', async () => {
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/create', {
      inputs: Array.from({ length: 101 }, () => ({ properties: { dealname: 'too many' } })),
    });
    expect(res.status).toBe(400);
    expect(res.body.category).toBe('VALIDATION_ERROR');
  });

  it('rejects a whole batch create when one input is invalid, writing nothing', async () => {
    const before = await call(server, A, 'POST', '/crm/v3/objects/deals/search', {
      filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'EQ', value: 'atomic-batch' }] }],
    });
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/create', {
      inputs: [
        { properties: { dealname: 'atomic-batch' } },
        { properties: { dealname: 'atomic-batch', amount: 'NaN!' } },
      ],
    });
    expect(res.status).toBe(400);
    const after = await call(server, A, 'POST', '/crm/v3/objects/deals/search', {
      filterGroups: [{ filters: [{ propertyName: 'dealname', operator: 'EQ', value: 'atomic-batch' }] }],
    });
    expect(after.body.total).toBe(before.body.total);
  });

  it('batch-updates, reporting missing ids as 207 and refusing duplicate ids', async () => {
    const id = await newDeal({ dealname: 'To update' });
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/update', {
      inputs: [
        { id, properties: { amount: '5' } },
        { id: '777777', properties: { amount: '6' } },
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body.results[0].properties.amount).toBe('5');
    expect(res.body.errors[0].context.ids).toEqual(['777777']);
    const dup = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/update', {
      inputs: [
        { id, properties: { amount: '1' } },
        { id, properties: { amount: '2' } },
      ],
    });
    expect(dup.status).toBe(400);
  });

  it('batch-upserts by a unique-value property with the SDK: creates, then updates, flagging `new`', async () => {
    const client = server.client(A);
    await call(server, A, 'POST', '/crm/v3/properties/deals', {
      name: 'upsert_key',
      label: 'Upsert key',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
      hasUniqueValue: true,
    });
    const first = await client.crm.deals.batchApi.upsert({
      inputs: [{ id: 'k-1', idProperty: 'upsert_key', properties: { dealname: 'Upserted' } }],
    });
    expect(first.results[0]).toMatchObject({ _new: true });
    const second = await client.crm.deals.batchApi.upsert({
      inputs: [{ id: 'k-1', idProperty: 'upsert_key', properties: { dealname: 'Upserted again' } }],
    });
    expect(second.results[0]?.id).toBe(first.results[0]?.id);
    const raw = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/upsert', {
      inputs: [{ id: 'k-1', idProperty: 'upsert_key', properties: { dealname: 'Third' } }],
    });
    expect(raw.status).toBe(200);
    expect(raw.body.results[0].new).toBe(false);
    expect(raw.body.results[0].properties.dealname).toBe('Third');
    const notUnique = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/upsert', {
      inputs: [{ id: 'x', idProperty: 'dealname', properties: {} }],
    });
    expect(notUnique.status).toBe(400);
  });

  it('batch-upserts contacts by email, updating the existing contact whatever the case of the address', async () => {
    const existing = await call(server, A, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'upsert.me@example.com', firstname: 'Old' },
    });
    const res = await call(server, A, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'Upsert.Me@example.com', idProperty: 'email', properties: { firstname: 'New' } },
        { id: 'fresh@example.com', idProperty: 'email', properties: { firstname: 'Fresh' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(
      res.body.results.map((r: { id: string; new: boolean }) => [r.id === existing.body.id, r.new]),
    ).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('batch-archives (204), also for ids that do not exist', async () => {
    const id = await newDeal({ dealname: 'Batch archive' });
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/archive', {
      inputs: [{ id }, { id: '31337' }],
    });
    expect(res.status).toBe(204);
    expect((await call(server, A, 'GET', `/crm/v3/objects/deals/${id}`)).status).toBe(404);
  });
});

describe('portal isolation', () => {
  it("never shows one portal's records to another portal, by id, list, batch or search", async () => {
    const id = await newDeal({ dealname: 'Portal A only' });
    expect((await call(server, B, 'GET', `/crm/v3/objects/deals/${id}`)).status).toBe(404);
    expect((await call(server, B, 'GET', '/crm/v3/objects/deals')).body.results).toEqual([]);
    const batch = await call(server, B, 'POST', '/crm/v3/objects/deals/batch/read', {
      inputs: [{ id }],
      properties: [],
      propertiesWithHistory: [],
    });
    expect(batch.body.results).toEqual([]);
    const search = await call(server, B, 'POST', '/crm/v3/objects/deals/search', { query: 'Portal' });
    expect(search.body.total).toBe(0);
    expect(
      (await call(server, B, 'PATCH', `/crm/v3/objects/deals/${id}`, { properties: { dealname: 'hijack' } }))
        .status,
    ).toBe(404);
    const stillA = await call(server, A, 'GET', `/crm/v3/objects/deals/${id}`);
    expect(stillA.body.properties.dealname).toBe('Portal A only');
  });

  it('keeps property definitions per portal', async () => {
    await call(server, A, 'POST', '/crm/v3/properties/deals', {
      name: 'only_in_a',
      label: 'Only in A',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
    });
    expect((await call(server, A, 'GET', '/crm/v3/properties/deals/only_in_a')).status).toBe(200);
    expect((await call(server, B, 'GET', '/crm/v3/properties/deals/only_in_a')).status).toBe(404);
    const write = await call(server, B, 'POST', '/crm/v3/objects/deals', { properties: { only_in_a: 'x' } });
    expect(write.status).toBe(400);
  });
});

describe('objects v3: multi-status batch writes', () => {
  it('batch-creates input by input when every input has an objectWriteTraceId: 207 with the refused ones in errors', async () => {
    // Source: HubSpot's error-handling guide, "Multi-status errors" (https://developers.hubspot.com/docs/api/error-handling):
    // with a unique objectWriteTraceId per input, the created records come in results and each refused input
    // comes as {status, category, message: "Property values were not valid: [...]", context: {objectWriteTraceId: [...]}}.
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/create', {
      inputs: [
        { objectWriteTraceId: 't-good', properties: { dealname: 'Traced good' } },
        { objectWriteTraceId: 't-bad', properties: { dealname: 'Traced bad', missing: '1' } },
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body.results).toHaveLength(1);
    // The spec's SimplePublicObject has objectWriteTraceId (crm-objects-v3.json); the sandbox echoes it.
    expect(res.body.results[0]).toMatchObject({
      objectWriteTraceId: 't-good',
      properties: { dealname: 'Traced good' },
    });
    expect(res.body.numErrors).toBe(1);
    expect(res.body.errors[0]).toMatchObject({
      status: 'error',
      category: 'VALIDATION_ERROR',
      context: { objectWriteTraceId: ['t-bad'] },
    });
    expect(problems(res.body.errors[0])).toEqual([
      expect.objectContaining({ name: 'missing', error: 'PROPERTY_DOESNT_EXIST', portalId: 101 }),
    ]);
    const read = await call(server, A, 'GET', `/crm/v3/objects/deals/${res.body.results[0].id}`);
    expect(read.status).toBe(200);
  });

  it('refuses a batch create without trace ids as a whole, writes nothing, and never hands out the ids it took', async () => {
    // Without objectWriteTraceIds HubSpot refuses the batch with one error body (HubSpot/hubspot-api-python#51).
    const before = await newDeal({ dealname: 'Before' });
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/create', {
      inputs: [
        { properties: { dealname: 'Undone' } },
        { properties: { dealname: 'Refused', amount: 'lots' } },
      ],
    });
    expect(res.status).toBe(400);
    expect(problems(res.body)[0]?.error).toBe('INVALID_DOUBLE');
    const search = await call(server, A, 'GET', '/crm/v3/objects/deals?limit=100&properties=dealname');
    expect(
      search.body.results.map((r: { properties: { dealname: string } }) => r.properties.dealname),
    ).not.toContain('Undone');
    // The undone input took the id after `before`; HubSpot never reuses a record id, nor does the sandbox.
    const after = await newDeal({ dealname: 'After' });
    expect(Number(after)).toBeGreaterThan(Number(before) + 1);
  });

  it('answers a repeated unique value inside an all-or-nothing batch create without naming an id that will not exist', async () => {
    const res = await call(server, A, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [
        { properties: { email: 'twice@example.com' } },
        { properties: { email: 'Twice@example.com' } },
      ],
    });
    expect(res.status).toBe(409);
    expect(res.body.message).not.toMatch(/Existing ID/);
    const read = await call(server, A, 'GET', '/crm/v3/objects/contacts/twice@example.com?idProperty=email');
    expect(read.status).toBe(404);
    // With trace ids the first input is written, so the 409 of the second names a record that exists.
    const traced = await call(server, A, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [
        { objectWriteTraceId: 'a', properties: { email: 'twice@example.com' } },
        { objectWriteTraceId: 'b', properties: { email: 'Twice@example.com' } },
      ],
    });
    expect(traced.status).toBe(207);
    expect(traced.body.errors[0]).toMatchObject({
      category: 'CONFLICT',
      message: `Contact already exists. Existing ID: ${traced.body.results[0].id}`,
    });
  });

  it('refuses duplicate objectWriteTraceIds in one batch', async () => {
    const res = await call(server, A, 'POST', '/crm/v3/objects/deals/batch/create', {
      inputs: [
        { objectWriteTraceId: 'same', properties: { dealname: 'One' } },
        { objectWriteTraceId: 'same', properties: { dealname: 'Two' } },
      ],
    });
    expect(res.status).toBe(400);
  });

  it('batch-upserts input by input: the valid inputs are written and each refused one is an error with its context', async () => {
    // Source: a captured HubSpot batch upsert answer (HubSpot/hubspot-api-ruby#403): 207, status COMPLETE,
    // numErrors, errors[{status: "error", category: "VALIDATION_ERROR", message: "Property values were not valid: [...]"}].
    const res = await call(server, A, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        {
          id: 'partial.ok@example.com',
          idProperty: 'email',
          objectWriteTraceId: 'ok',
          properties: { firstname: 'Ok' },
        },
        {
          id: 'partial.bad@example',
          idProperty: 'email',
          objectWriteTraceId: 'bad',
          properties: { firstname: 'Bad' },
        },
        { id: 'partial.bad2@example.com', idProperty: 'email', properties: { firstname: 'Bad', nope: 'x' } },
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body.results).toEqual([expect.objectContaining({ new: true, objectWriteTraceId: 'ok' })]);
    expect(res.body.numErrors).toBe(2);
    expect(res.body.errors[0]).toMatchObject({
      category: 'VALIDATION_ERROR',
      context: { objectWriteTraceId: ['bad'] },
    });
    expect(problems(res.body.errors[0])[0]?.error).toBe('INVALID_EMAIL');
    expect(res.body.errors[1]).toMatchObject({
      category: 'VALIDATION_ERROR',
      context: { ids: ['partial.bad2@example.com'] },
    });
    expect(
      (await call(server, A, 'GET', '/crm/v3/objects/contacts/partial.ok@example.com?idProperty=email'))
        .status,
    ).toBe(200);
    expect(
      (await call(server, A, 'GET', '/crm/v3/objects/contacts/partial.bad2@example.com?idProperty=email'))
        .status,
    ).toBe(404);
  });

  it('checks the association category on create with associations as the v4 PUT does', async () => {
    const contact = await call(server, A, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'category@example.com' },
    });
    const wrong = [{ associationCategory: 'USER_DEFINED', associationTypeId: 3 }];
    const v3 = await call(server, A, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Wrong category' },
      associations: [{ to: { id: contact.body.id }, types: wrong }],
    });
    const deal = await newDeal({ dealname: 'Category target' });
    const v4 = await call(
      server,
      A,
      'PUT',
      `/crm/v4/objects/deals/${deal}/associations/contacts/${contact.body.id}`,
      wrong,
    );
    expect([v3.status, v4.status]).toEqual([400, 400]);
    expect(v3.body.message).toBe(v4.body.message);
  });
});
