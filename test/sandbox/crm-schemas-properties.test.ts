/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- JSON bodies checked with expect() */
/**
 * Custom object schemas and properties of the sandbox CRM: the real @hubspot/api-client for the happy paths,
 * plain HTTP for exact status codes and bodies.
 */
import { call, startCrmServer, type CrmTestServer } from '../helpers/crm-server.js';
import { problems } from '../helpers/validation-problems.js';

const ENT = 'enterprise-token';
const PRO = 'professional-token';
const NO_SCHEMA_SCOPE = 'enterprise-without-schema-scopes';
const READ_ONLY = 'enterprise-schema-read-only';
let server: CrmTestServer;

const milestoneSchema = {
  name: 'map_milestone',
  labels: { singular: 'Milestone', plural: 'Milestones' },
  primaryDisplayProperty: 'map_title',
  requiredProperties: ['map_title', 'map_key'],
  searchableProperties: ['map_title'],
  secondaryDisplayProperties: [],
  properties: [
    { name: 'map_title', label: 'Title', type: 'string', fieldType: 'text' },
    { name: 'map_key', label: 'Key', type: 'string', fieldType: 'text', hasUniqueValue: true },
    {
      name: 'map_status',
      label: 'Status',
      type: 'enumeration',
      fieldType: 'select',
      options: [
        { label: 'Open', value: 'open', hidden: false, displayOrder: 0 },
        { label: 'Done', value: 'done', hidden: false, displayOrder: 1 },
      ],
    },
    { name: 'map_due', label: 'Due', type: 'date', fieldType: 'date' },
  ],
  associatedObjects: ['DEAL'],
};

beforeAll(async () => {
  server = await startCrmServer({
    [ENT]: { portalId: 301, tier: 'enterprise' },
    [PRO]: { portalId: 302, tier: 'professional' },
    [NO_SCHEMA_SCOPE]: {
      portalId: 301,
      tier: 'enterprise',
      scopes: ['crm.objects.deals.read', 'crm.objects.deals.write'],
    },
    [READ_ONLY]: {
      portalId: 301,
      tier: 'enterprise',
      scopes: ['crm.schemas.custom.read', 'crm.objects.custom.read'],
    },
  });
});
afterAll(async () => server.close());

describe('custom object schemas', () => {
  let objectTypeId = '';
  let fqn = '';

  it('creates a schema with the SDK: objectTypeId 2-n, fullyQualifiedName p{portal}_{name}, properties and an association to deals', async () => {
    const client = server.client(ENT);
    const schema = await client.crm.schemas.coreApi.create(milestoneSchema as never);
    objectTypeId = schema.objectTypeId ?? '';
    fqn = schema.fullyQualifiedName ?? '';
    expect(objectTypeId).toMatch(/^2-\d+$/);
    expect(fqn).toBe('p301_map_milestone');
    expect(schema.labels).toEqual({ singular: 'Milestone', plural: 'Milestones' });
    expect(schema.properties.map((p) => p.name)).toEqual(
      expect.arrayContaining(['map_title', 'map_key', 'map_status', 'map_due', 'hs_object_id']),
    );
    expect(schema.associations).toEqual([
      expect.objectContaining({
        fromObjectTypeId: objectTypeId,
        toObjectTypeId: '0-3',
        id: expect.stringMatching(/^\d+$/),
      }),
    ]);
  });

  it('gets the schema by fullyQualifiedName, objectTypeId and p_ alias, and lists it', async () => {
    for (const key of [fqn, objectTypeId, 'p_map_milestone']) {
      const res = await call(server, ENT, 'GET', `/crm-object-schemas/v3/schemas/${key}`);
      expect(res.status).toBe(200);
      expect(res.body.objectTypeId).toBe(objectTypeId);
    }
    const all = await server.client(ENT).crm.schemas.coreApi.getAll();
    expect(all.results.map((s) => s.name)).toEqual(['map_milestone']);
    const batch = await call(server, ENT, 'POST', '/crm-object-schemas/v3/schemas/batch/read', {
      inputs: [fqn, 'p301_unknown'],
    });
    expect(batch.body.results.map((s: { objectTypeId: string }) => s.objectTypeId)).toEqual([objectTypeId]);
  });

  it('makes the custom object usable through objects v3 by every name, enforcing required and unique properties', async () => {
    for (const key of [fqn, objectTypeId]) {
      const res = await call(server, ENT, 'POST', `/crm/v3/objects/${key}`, {
        properties: {
          map_title: `Kick-off via ${key}`,
          map_key: `k-${key}`,
          map_status: 'open',
          map_due: '2026-12-01',
        },
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body.properties)).toEqual(
        expect.arrayContaining(['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id']),
      );
    }
    const missing = await call(server, ENT, 'POST', `/crm/v3/objects/${fqn}`, {
      properties: { map_title: 'No key' },
    });
    expect(missing.status).toBe(400);
    expect(problems(missing.body).map((p) => p.name)).toEqual(['map_key']);
    const dup = await call(server, ENT, 'POST', `/crm/v3/objects/${fqn}`, {
      properties: { map_title: 'Dup', map_key: `k-${fqn}` },
    });
    expect(dup.status).toBe(409);
    const bare = await call(server, ENT, 'GET', '/crm/v3/objects/map_milestone');
    expect(bare.status).toBe(400);
  });

  it('patches labels and display properties, refusing properties that do not exist', async () => {
    const client = server.client(ENT);
    const patched = await client.crm.schemas.coreApi.update(objectTypeId, {
      labels: { singular: 'Plan step', plural: 'Plan steps' },
      searchableProperties: ['map_title', 'map_key'],
    });
    expect(patched.labels).toEqual({ singular: 'Plan step', plural: 'Plan steps' });
    const bad = await call(server, ENT, 'PATCH', `/crm-object-schemas/v3/schemas/${objectTypeId}`, {
      requiredProperties: ['nope'],
    });
    expect(bad.status).toBe(400);
  });

  it('creates an extra association definition for the schema (to contacts)', async () => {
    const res = await call(
      server,
      ENT,
      'POST',
      `/crm-object-schemas/v3/schemas/${objectTypeId}/associations`,
      {
        fromObjectTypeId: objectTypeId,
        toObjectTypeId: '0-1',
        name: 'milestone_owner_contact',
      },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      fromObjectTypeId: objectTypeId,
      toObjectTypeId: '0-1',
      name: 'milestone_owner_contact',
      id: expect.stringMatching(/^\d+$/),
    });
    const schema = await call(server, ENT, 'GET', `/crm-object-schemas/v3/schemas/${objectTypeId}`);
    expect(schema.body.associations.map((a: { toObjectTypeId: string }) => a.toObjectTypeId).sort()).toEqual([
      '0-1',
      '0-3',
    ]);
  });

  it('refuses invalid schema names, standard names, duplicates and unknown display properties', async () => {
    const bad = async (body: Record<string, unknown>): Promise<number> =>
      (await call(server, ENT, 'POST', '/crm-object-schemas/v3/schemas', { ...milestoneSchema, ...body }))
        .status;
    expect(await bad({ name: 'Map Milestone' })).toBe(400);
    expect(await bad({ name: '1milestone' })).toBe(400);
    expect(await bad({ name: 'deals' })).toBe(400);
    expect(await bad({ name: 'map_milestone' })).toBe(409);
    expect(await bad({ name: 'other_thing', primaryDisplayProperty: 'missing_prop' })).toBe(400);
    expect(await bad({ name: 'third_thing', associatedObjects: ['WIDGET'] })).toBe(400);
  });

  // The path HubSpot's custom objects guide uses (https://developers.hubspot.com/docs/guides/api/crm/objects/custom-objects:
  // "make a POST request to crm/v3/schemas"); the spec (crm-object-schemas-v3.json) spells it /crm-object-schemas/v3/schemas.
  it('serves /crm/v3/schemas like /crm-object-schemas/v3/schemas, with the same scope and tier checks', async () => {
    const list = await call(server, ENT, 'GET', '/crm/v3/schemas');
    expect(list.status).toBe(200);
    const spec = await call(server, ENT, 'GET', '/crm-object-schemas/v3/schemas');
    expect(list.body).toEqual(spec.body);
    const one = await call(server, ENT, 'GET', `/crm/v3/schemas/${objectTypeId}`);
    expect(one.status).toBe(200);
    expect(one.body.objectTypeId).toBe(objectTypeId);
    const batch = await call(server, ENT, 'POST', '/crm/v3/schemas/batch/read', { inputs: [fqn] });
    expect(batch.body.results.map((s: { objectTypeId: string }) => s.objectTypeId)).toEqual([objectTypeId]);
    const read = await call(server, NO_SCHEMA_SCOPE, 'GET', '/crm/v3/schemas');
    expect(read.status).toBe(403);
    expect(read.body).toMatchObject({
      category: 'MISSING_SCOPES',
      context: { requiredScopes: ['crm.schemas.custom.read'] },
    });
    const write = await call(server, READ_ONLY, 'POST', '/crm/v3/schemas', {
      ...milestoneSchema,
      name: 'via_guide_path',
    });
    expect(write.status).toBe(403);
    expect(write.body.context.requiredScopes).toEqual(['crm.schemas.custom.write']);
    const pro = await call(server, PRO, 'POST', '/crm/v3/schemas', {
      ...milestoneSchema,
      name: 'via_guide_path',
    });
    expect(pro.status).toBe(403);
    expect(pro.body.message).toMatch(/Enterprise/);
    expect((await call(server, ENT, 'GET', '/crm/v3/schemas/p301_unknown')).status).toBe(404);
  });

  it('refuses custom objects on a portal below Enterprise with 403', async () => {
    const res = await call(server, PRO, 'POST', '/crm-object-schemas/v3/schemas', milestoneSchema);
    expect(res.status).toBe(403);
    expect(res.body.status).toBe('error');
    expect(res.body.message).toMatch(/Enterprise/);
    const limits = await call(server, PRO, 'GET', '/crm/v3/limits/custom-object-types');
    expect(limits.body).toEqual({ limit: 0, usage: 0, percentage: 0 });
  });

  it('answers 403 MISSING_SCOPES naming the scope when the token lacks crm.schemas.custom.*', async () => {
    const read = await call(server, NO_SCHEMA_SCOPE, 'GET', '/crm-object-schemas/v3/schemas');
    expect(read.status).toBe(403);
    expect(read.body).toMatchObject({
      category: 'MISSING_SCOPES',
      context: { requiredScopes: ['crm.schemas.custom.read'] },
    });
    const write = await call(server, READ_ONLY, 'POST', '/crm-object-schemas/v3/schemas', {
      ...milestoneSchema,
      name: 'another',
    });
    expect(write.status).toBe(403);
    expect(write.body.context.requiredScopes).toEqual(['crm.schemas.custom.write']);
    const records = await call(server, NO_SCHEMA_SCOPE, 'GET', `/crm/v3/objects/${objectTypeId}`);
    expect(records.status).toBe(403);
    expect(records.body.context.requiredScopes).toEqual(['crm.objects.custom.read']);
  });

  it('reports the custom object type limit and usage on Enterprise', async () => {
    const res = await call(server, ENT, 'GET', '/crm/v3/limits/custom-object-types');
    expect(res.body).toEqual({ limit: 10, usage: 1, percentage: 10 });
  });

  it('archives a schema only once its records are gone, then frees the name after a purge', async () => {
    const tmp = await call(server, ENT, 'POST', '/crm-object-schemas/v3/schemas', {
      ...milestoneSchema,
      name: 'temp_object',
      requiredProperties: [],
      properties: [{ name: 'title', label: 'Title', type: 'string', fieldType: 'text' }],
      primaryDisplayProperty: 'title',
      searchableProperties: [],
    });
    expect(tmp.status).toBe(201);
    const rec = await call(server, ENT, 'POST', `/crm/v3/objects/${tmp.body.objectTypeId}`, {
      properties: { title: 'x' },
    });
    expect(
      (await call(server, ENT, 'DELETE', `/crm-object-schemas/v3/schemas/${tmp.body.objectTypeId}`)).status,
    ).toBe(400);
    await call(server, ENT, 'DELETE', `/crm/v3/objects/${tmp.body.objectTypeId}/${rec.body.id}`);
    expect(
      (await call(server, ENT, 'DELETE', `/crm-object-schemas/v3/schemas/${tmp.body.objectTypeId}`)).status,
    ).toBe(204);
    expect(
      (await call(server, ENT, 'GET', `/crm-object-schemas/v3/schemas/${tmp.body.objectTypeId}`)).status,
    ).toBe(404);
    expect((await call(server, ENT, 'GET', `/crm/v3/objects/${tmp.body.objectTypeId}`)).status).toBe(400);
    expect(
      (
        await call(server, ENT, 'POST', '/crm-object-schemas/v3/schemas', {
          ...milestoneSchema,
          name: 'temp_object',
          properties: [],
          requiredProperties: [],
          searchableProperties: [],
          primaryDisplayProperty: undefined,
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await call(
          server,
          ENT,
          'DELETE',
          `/crm-object-schemas/v3/schemas/${tmp.body.objectTypeId}?archived=true`,
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await call(server, ENT, 'POST', '/crm-object-schemas/v3/schemas', {
          ...milestoneSchema,
          name: 'temp_object',
          properties: [],
          requiredProperties: [],
          searchableProperties: [],
          primaryDisplayProperty: undefined,
        })
      ).status,
    ).toBe(201);
  });
});

describe('properties v3', () => {
  it('lists the standard deal properties with HubSpot-defined metadata', async () => {
    const res = await server.client(ENT).crm.properties.coreApi.getAll('deals');
    const byName = new Map(res.results.map((p) => [p.name, p]));
    for (const name of [
      'dealname',
      'amount',
      'dealstage',
      'pipeline',
      'closedate',
      'hubspot_owner_id',
      'hs_forecast_probability',
      'hs_manual_forecast_category',
      'createdate',
    ]) {
      expect(byName.get(name)?.hubspotDefined).toBe(true);
    }
    expect(byName.get('dealstage')?.options.map((o) => o.value)).toEqual([
      'appointmentscheduled',
      'qualifiedtobuy',
      'presentationscheduled',
      'decisionmakerboughtin',
      'contractsent',
      'closedwon',
      'closedlost',
    ]);
    expect(byName.get('closedate')).toMatchObject({
      type: 'datetime',
      fieldType: 'date',
      groupName: 'dealinformation',
    });
  });

  it('creates, reads, patches and archives a property with the SDK', async () => {
    const client = server.client(ENT);
    const created = await client.crm.properties.coreApi.create('deals', {
      name: 'map_health',
      label: 'Plan health',
      type: 'enumeration' as never,
      fieldType: 'select' as never,
      groupName: 'dealinformation',
      options: [
        { label: 'On track', value: 'on_track', hidden: false, displayOrder: 0 },
        { label: 'At risk', value: 'at_risk', hidden: false, displayOrder: 1 },
      ],
    });
    expect(created).toMatchObject({
      name: 'map_health',
      type: 'enumeration',
      hubspotDefined: false,
      hasUniqueValue: false,
    });
    const read = await client.crm.properties.coreApi.getByName('deals', 'map_health');
    expect(read.options).toHaveLength(2);
    const patched = await client.crm.properties.coreApi.update('deals', 'map_health', {
      label: 'MAP health',
      options: [
        { label: 'On track', value: 'on_track', hidden: false, displayOrder: 0 },
        { label: 'Off track', value: 'off_track', hidden: false, displayOrder: 1 },
      ],
    });
    expect(patched.label).toBe('MAP health');
    const wrongOption = await call(server, ENT, 'POST', '/crm/v3/objects/deals', {
      properties: { map_health: 'at_risk' },
    });
    expect(problems(wrongOption.body)[0]?.error).toBe('INVALID_OPTION');
    await client.crm.properties.coreApi.archive('deals', 'map_health');
    expect((await call(server, ENT, 'GET', '/crm/v3/properties/deals/map_health')).status).toBe(404);
    expect(
      (await call(server, ENT, 'GET', '/crm/v3/properties/deals/map_health?archived=true')).body.archived,
    ).toBe(true);
  });

  it('answers 409 OBJECT_ALREADY_EXISTS when the property exists', async () => {
    const body = {
      name: 'map_phase',
      label: 'Phase',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
    };
    expect((await call(server, ENT, 'POST', '/crm/v3/properties/deals', body)).status).toBe(201);
    const again = await call(server, ENT, 'POST', '/crm/v3/properties/deals', body);
    expect(again.status).toBe(409);
    expect(again.body.category).toBe('OBJECT_ALREADY_EXISTS');
  });

  it('enforces name rules, type/fieldType pairs, known groups and the hs_ prefix', async () => {
    const base = { label: 'X', type: 'string', fieldType: 'text', groupName: 'dealinformation' };
    const status = async (body: Record<string, unknown>): Promise<number> =>
      (await call(server, ENT, 'POST', '/crm/v3/properties/deals', { ...base, ...body })).status;
    expect(await status({ name: 'Upper' })).toBe(400);
    expect(await status({ name: '_lead' })).toBe(400);
    expect(await status({ name: 'has-dash' })).toBe(400);
    expect(await status({ name: 'a'.repeat(101) })).toBe(400);
    expect(await status({ name: 'a'.repeat(100) })).toBe(201);
    expect(await status({ name: 'hs_mine' })).toBe(400);
    expect(await status({ name: 'num_as_text', type: 'number', fieldType: 'text' })).toBe(400);
    expect(await status({ name: 'enum_as_text', type: 'enumeration', fieldType: 'text' })).toBe(400);
    expect(await status({ name: 'bool_ok', type: 'bool', fieldType: 'booleancheckbox' })).toBe(201);
    expect(await status({ name: 'dt_ok', type: 'datetime', fieldType: 'date' })).toBe(201);
    expect(await status({ name: 'no_group', groupName: 'nope' })).toBe(400);
    expect(
      await status({
        name: 'unique_enum',
        type: 'enumeration',
        fieldType: 'select',
        hasUniqueValue: true,
        options: [],
      }),
    ).toBe(400);
    expect(
      await status({
        name: 'dup_options',
        type: 'enumeration',
        fieldType: 'select',
        options: [
          { label: 'A', value: 'a' },
          { label: 'B', value: 'a' },
        ],
      }),
    ).toBe(400);
  });

  // crm-properties-v3.json, PropertyCreate.options: "A list of valid options for the property. This field is
  // required for enumerated properties." HubSpot's properties guide (https://developers.hubspot.com/docs/api/crm/properties,
  // "Valid values for type field"): enumeration is "a set of options" for booleancheckbox, checkbox, radio and select,
  // so each needs options; bool is "a field containing binary options (e.g., Yes or No, True or False)". That HubSpot
  // fills in Yes/No for a bool created without options is the sandbox's assumption (not documented either way).
  it('refuses an enumeration without options, for every enumeration field type, on create, batch create and schema create', async () => {
    const base = { label: 'X', type: 'enumeration', groupName: 'dealinformation' };
    for (const fieldType of ['select', 'radio', 'checkbox', 'booleancheckbox']) {
      for (const options of [undefined, []]) {
        const res = await call(server, ENT, 'POST', '/crm/v3/properties/deals', {
          ...base,
          name: `enum_${fieldType}`,
          fieldType,
          options,
        });
        expect(res.status).toBe(400);
        expect(res.body.category).toBe('VALIDATION_ERROR');
        expect(res.body.message).toMatch(/needs at least one option/);
      }
    }
    const batch = await call(server, ENT, 'POST', '/crm/v3/properties/deals/batch/create', {
      inputs: [{ ...base, name: 'enum_in_batch', fieldType: 'select' }],
    });
    expect(batch.status).toBe(207);
    expect(batch.body.errors[0]).toMatchObject({
      category: 'VALIDATION_ERROR',
      context: { name: ['enum_in_batch'] },
    });
    const schema = await call(server, ENT, 'POST', '/crm-object-schemas/v3/schemas', {
      ...milestoneSchema,
      name: 'enum_schema',
      properties: [
        ...milestoneSchema.properties,
        { name: 'map_kind', label: 'Kind', type: 'enumeration', fieldType: 'radio' },
      ],
    });
    expect(schema.status).toBe(400);
    expect((await call(server, ENT, 'GET', '/crm-object-schemas/v3/schemas/enum_schema')).status).toBe(404);
    const bool = await call(server, ENT, 'POST', '/crm/v3/properties/deals', {
      ...base,
      name: 'single_box',
      type: 'bool',
      fieldType: 'booleancheckbox',
    });
    expect(bool.status).toBe(201);
    expect(bool.body.options.map((o: { value: string }) => o.value)).toEqual(['true', 'false']);
  });

  it('refuses a PATCH that empties the options of an enumeration or turns a property into one without options', async () => {
    await call(server, ENT, 'POST', '/crm/v3/properties/deals', {
      name: 'map_size',
      label: 'Size',
      type: 'enumeration',
      fieldType: 'select',
      groupName: 'dealinformation',
      options: [{ label: 'S', value: 's', hidden: false }],
    });
    const emptied = await call(server, ENT, 'PATCH', '/crm/v3/properties/deals/map_size', { options: [] });
    expect(emptied.status).toBe(400);
    expect(emptied.body.message).toMatch(/needs at least one option/);
    await call(server, ENT, 'POST', '/crm/v3/properties/deals', {
      name: 'map_word',
      label: 'Word',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
    });
    const retyped = await call(server, ENT, 'PATCH', '/crm/v3/properties/deals/map_word', {
      type: 'enumeration',
      fieldType: 'select',
    });
    expect(retyped.status).toBe(400);
    const withOptions = await call(server, ENT, 'PATCH', '/crm/v3/properties/deals/map_word', {
      type: 'enumeration',
      fieldType: 'select',
      options: [{ label: 'A', value: 'a', hidden: false }],
    });
    expect(withOptions.status).toBe(200);
  });

  // crm-properties-v3.json, PropertyCreate.hasUniqueValue: "Whether or not the property's value must be unique.
  // Once set, this can't be changed." PropertyUpdate has no hasUniqueValue. The sandbox refuses it in a PATCH
  // (strict) rather than ignoring it, so an app cannot believe it switched uniqueness on or off.
  it('refuses a PATCH that carries hasUniqueValue, in either direction, and leaves the flag as created', async () => {
    await call(server, ENT, 'POST', '/crm/v3/properties/deals', {
      name: 'map_ext_id',
      label: 'External id',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
    });
    const on = await call(server, ENT, 'PATCH', '/crm/v3/properties/deals/map_ext_id', {
      hasUniqueValue: true,
    });
    expect(on.status).toBe(400);
    expect(on.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: expect.stringMatching(/hasUniqueValue .* cannot be changed after the property is created/),
    });
    expect((await call(server, ENT, 'GET', '/crm/v3/properties/deals/map_ext_id')).body.hasUniqueValue).toBe(
      false,
    );
    await call(server, ENT, 'POST', '/crm/v3/properties/deals', {
      name: 'map_ext_key',
      label: 'External key',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
      hasUniqueValue: true,
    });
    const off = await call(server, ENT, 'PATCH', '/crm/v3/properties/deals/map_ext_key', {
      label: 'Key',
      hasUniqueValue: false,
    });
    expect(off.status).toBe(400);
    const after = await call(server, ENT, 'GET', '/crm/v3/properties/deals/map_ext_key');
    expect(after.body).toMatchObject({ hasUniqueValue: true, label: 'External key' });
  });

  // crm-properties-v3.json, PropertyModificationMetadata.readOnlyDefinition: "Indicates whether the property's
  // definition is read-only and cannot be modified"; readOnlyOptions likewise for its options. HubSpot's own
  // answer on a read-only-definition property (community.hubspot.com/t5/APIs-Integrations/Read-only-Properties-on-API/td-p/295621):
  // its options can still be replaced with a PATCH when readOnlyOptions is false.
  it('refuses relabelling or otherwise redefining a HubSpot-defined property (readOnlyDefinition)', async () => {
    const dealname = await call(server, ENT, 'GET', '/crm/v3/properties/deals/dealname');
    expect(dealname.body.modificationMetadata).toMatchObject({ readOnlyDefinition: true, archivable: false });
    for (const body of [
      { label: 'Opportunity name' },
      { description: 'Ours now' },
      { groupName: 'mutual_action_plan' },
      { hidden: true },
      { displayOrder: 3 },
      { fieldType: 'textarea' },
      { label: 'Deal Name' },
    ]) {
      const res = await call(server, ENT, 'PATCH', '/crm/v3/properties/deals/dealname', body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        category: 'VALIDATION_ERROR',
        message: expect.stringMatching(/HubSpot-defined .* read-only/),
      });
    }
    expect((await call(server, ENT, 'GET', '/crm/v3/properties/deals/dealname')).body.label).toBe(
      'Deal Name',
    );
    const owner = await call(server, ENT, 'GET', '/crm/v3/properties/deals/hubspot_owner_id');
    expect(owner.body.modificationMetadata.readOnlyOptions).toBe(true);
    const ownerOptions = await call(server, ENT, 'PATCH', '/crm/v3/properties/deals/hubspot_owner_id', {
      options: [{ label: 'A', value: 'a', hidden: false }],
    });
    expect(ownerOptions.status).toBe(400);
    expect(ownerOptions.body.message).toMatch(/options cannot be changed/);
    const priority = await call(server, ENT, 'GET', '/crm/v3/properties/deals/hs_priority');
    const options = [
      ...priority.body.options,
      { label: 'Urgent', value: 'urgent', hidden: false, displayOrder: 3 },
    ];
    const added = await call(server, ENT, 'PATCH', '/crm/v3/properties/deals/hs_priority', { options });
    expect(added.status).toBe(200);
    expect(added.body.options.map((o: { value: string }) => o.value)).toEqual([
      'low',
      'medium',
      'high',
      'urgent',
    ]);
    expect(added.body.label).toBe('Priority');
  });

  it('stores bool properties as true/false and multi-checkbox values joined with ;', async () => {
    await call(server, ENT, 'POST', '/crm/v3/properties/deals', {
      name: 'map_tags',
      label: 'Tags',
      type: 'enumeration',
      fieldType: 'checkbox',
      groupName: 'dealinformation',
      options: [
        { label: 'A', value: 'a' },
        { label: 'B', value: 'b' },
      ],
    });
    const ok = await call(server, ENT, 'POST', '/crm/v3/objects/deals', {
      properties: { bool_ok: 'TRUE', map_tags: 'a;b' },
    });
    expect(ok.body.properties).toMatchObject({ bool_ok: 'true', map_tags: 'a;b' });
    const bad = await call(server, ENT, 'POST', '/crm/v3/objects/deals', {
      properties: { bool_ok: 'yes', map_tags: 'a;c' },
    });
    expect(
      problems(bad.body)
        .map((p) => p.error)
        .sort(),
    ).toEqual(['INVALID_BOOLEAN', 'INVALID_OPTION']);
  });

  it('refuses archiving a HubSpot-defined property', async () => {
    expect((await call(server, ENT, 'DELETE', '/crm/v3/properties/deals/dealname')).status).toBe(400);
  });

  it('batch-creates, batch-reads (207 for missing names) and batch-archives properties', async () => {
    const created = await call(server, ENT, 'POST', '/crm/v3/properties/deals/batch/create', {
      inputs: [
        {
          name: 'map_progress',
          label: 'Progress',
          type: 'number',
          fieldType: 'number',
          groupName: 'dealinformation',
        },
        {
          name: 'map_phase',
          label: 'Phase again',
          type: 'string',
          fieldType: 'text',
          groupName: 'dealinformation',
        },
      ],
    });
    expect(created.status).toBe(207);
    expect(created.body.results.map((p: { name: string }) => p.name)).toEqual(['map_progress']);
    expect(created.body.errors[0].category).toBe('OBJECT_ALREADY_EXISTS');
    const read = await server.client(ENT).crm.properties.batchApi.read('deals', {
      inputs: [{ name: 'map_progress' }, { name: 'dealname' }],
      archived: false,
    });
    expect(read.results.map((p) => p.name).sort()).toEqual(['dealname', 'map_progress']);
    const partial = await call(server, ENT, 'POST', '/crm/v3/properties/deals/batch/read', {
      inputs: [{ name: 'map_progress' }, { name: 'nope' }],
      archived: false,
    });
    expect(partial.status).toBe(207);
    expect(
      (
        await call(server, ENT, 'POST', '/crm/v3/properties/deals/batch/archive', {
          inputs: [{ name: 'map_progress' }],
        })
      ).status,
    ).toBe(204);
    expect((await call(server, ENT, 'GET', '/crm/v3/properties/deals/map_progress')).status).toBe(404);
  });

  it('manages property groups: list, create, patch, refuse a duplicate, archive', async () => {
    const client = server.client(ENT);
    const groups = await client.crm.properties.groupsApi.getAll('deals');
    expect(groups.results.map((g) => g.name)).toContain('dealinformation');
    const created = await client.crm.properties.groupsApi.create('deals', {
      name: 'mutual_action_plan',
      label: 'Mutual Action Plan',
      displayOrder: 5,
    });
    expect(created).toMatchObject({ name: 'mutual_action_plan', archived: false });
    expect(
      (
        await call(server, ENT, 'POST', '/crm/v3/properties/deals/groups', {
          name: 'mutual_action_plan',
          label: 'Again',
        })
      ).status,
    ).toBe(409);
    const patched = await client.crm.properties.groupsApi.update('deals', 'mutual_action_plan', {
      label: 'MAP',
    });
    expect(patched.label).toBe('MAP');
    expect(
      (await call(server, ENT, 'DELETE', '/crm/v3/properties/deals/groups/dealinformation')).status,
    ).toBe(400);
    expect(
      (await call(server, ENT, 'DELETE', '/crm/v3/properties/deals/groups/mutual_action_plan')).status,
    ).toBe(204);
    expect(
      (await call(server, ENT, 'GET', '/crm/v3/properties/deals/groups/mutual_action_plan')).status,
    ).toBe(404);
  });
});
