/**
 * Tasks (object type 0-27) in the sandbox CRM: CRUD, batch and search with the real @hubspot/api-client,
 * associations to deals (HubSpot's default types 216 task→deal and 215 deal→task, given on create), the
 * completion stamp, the required due time, every exchange checked against crm-tasks-v3.json, and the scopes
 * HubSpot asks for (the contacts scopes) enforced by the platform.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/tasks/index.js';
import { ContractChecker, type Exchange } from '../helpers/openapi-contract.js';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';
import { call, startCrmServer, type CrmTestServer } from '../helpers/crm-server.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { installAccessToken } from './oauth-install.js';

const T = 'tasks-token';
const OWNER = '71000101';
let server: CrmTestServer;
let proxy: RecordingProxy;
let tasksSpec: ContractChecker;
let allSpecs: ContractChecker;
let dealId: string;

/** The same spec gaps as crm-contract.test.ts: null property values and labels, numeric v4 ids. */
const knownSpecGap = (error: string): boolean =>
  /^\/(results\/\d+\/)?properties\/[a-z0-9_]+ must be string/.test(error) ||
  /^\/results\/\d+\/associationTypes\/\d+\/label must be string/.test(error) ||
  /^\/results\/\d+\/toObjectId must be string/.test(error);

function problems(exchanges: readonly Exchange[]): string[] {
  return exchanges.flatMap((x) => {
    // Task paths are checked against the per-type spec; the generic objects spec would match them first.
    const checker = x.path.startsWith('/crm/v3/objects/tasks') ? tasksSpec : allSpecs;
    const verdict = checker.check(x);
    if (verdict.operation === null) return [`${x.method} ${x.path}: no operation in the specs`];
    const responseErrors = x.status === 204 && x.responseBody === undefined ? [] : verdict.responseErrors;
    return [
      ...verdict.requestErrors.map((e) => `request ${e}`),
      ...responseErrors.filter((e) => !knownSpecGap(e)).map((e) => `response ${e}`),
    ].map((e) => `${x.method} ${x.path} ${x.status}: ${e}`);
  });
}

beforeAll(async () => {
  tasksSpec = await ContractChecker.load(undefined, (f) => f === 'crm-tasks-v3.json');
  allSpecs = await ContractChecker.load();
  server = await startCrmServer({ [T]: { portalId: 601, tier: 'professional', demo: true } });
  proxy = await startRecordingProxy(server.baseUrl);
  dealId = (await call(server, T, 'GET', '/crm/v3/objects/deals?limit=1')).body.results[0].id;
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});
beforeEach(() => {
  proxy.exchanges.length = 0;
});

const toDeal = (id: string) => ({
  to: { id },
  types: [
    { associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 216 },
  ],
});

describe('tasks through the SDK', () => {
  it('creates a task associated with a deal, reads it from both sides, updates, completes and archives it', async () => {
    const client = server.client(T, proxy.baseUrl);
    const created = await client.crm.objects.tasks.basicApi.create({
      properties: {
        hs_task_subject: 'Mutual action plan: “Security review” due Wed 18 Nov',
        hs_task_body: '<p>Step of the plan.</p>',
        hs_timestamp: '2026-11-18T08:00:00.000Z',
        hs_task_status: 'NOT_STARTED',
        hs_task_priority: 'MEDIUM',
        hs_task_type: 'TODO',
        hubspot_owner_id: OWNER,
      },
      associations: [toDeal(dealId)],
    });
    expect(created.properties).toMatchObject({
      hs_task_subject: 'Mutual action plan: “Security review” due Wed 18 Nov',
      hs_timestamp: '2026-11-18T08:00:00.000Z',
      hubspot_owner_id: OWNER,
    });

    const withDeals = await client.crm.objects.tasks.basicApi.getById(
      created.id,
      ['hs_task_subject', 'hs_task_status'],
      undefined,
      ['deals'],
    );
    expect(withDeals.associations?.deals?.results).toEqual([{ id: dealId, type: 'task_to_deal' }]);
    const fromDeal = await client.crm.associations.v4.basicApi.getPage('deals', dealId, 'tasks');
    expect(fromDeal.results).toEqual([
      {
        toObjectId: Number(created.id),
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 215, label: null }],
      },
    ]);

    const done = await client.crm.objects.tasks.basicApi.update(created.id, {
      properties: { hs_task_status: 'COMPLETED' },
    });
    expect(done.properties.hs_task_status).toBe('COMPLETED');
    const read = await client.crm.objects.tasks.basicApi.getById(created.id, [
      'hs_task_status',
      'hs_task_completion_date',
    ]);
    expect(read.properties.hs_task_completion_date).toMatch(/^\d{4}-\d\d-\d\dT/);
    await client.crm.objects.tasks.basicApi.update(created.id, {
      properties: { hs_task_status: 'NOT_STARTED' },
    });
    const reopened = await client.crm.objects.tasks.basicApi.getById(created.id, ['hs_task_completion_date']);
    expect(reopened.properties.hs_task_completion_date).toBeNull();

    await client.crm.objects.tasks.basicApi.archive(created.id);
    const gone = await call({ baseUrl: proxy.baseUrl }, T, 'GET', `/crm/v3/objects/tasks/${created.id}`);
    expect(gone.status).toBe(404);
    // An archived task no longer shows on the deal.
    expect((await client.crm.associations.v4.basicApi.getPage('deals', dealId, 'tasks')).results).toEqual([]);
    expect(problems(proxy.exchanges)).toEqual([]);
  });

  it('creates, reads, updates, searches and archives tasks in batches', async () => {
    const client = server.client(T, proxy.baseUrl);
    const created = await client.crm.objects.tasks.batchApi.create({
      inputs: ['Kick-off', 'Legal review'].map((title) => ({
        properties: {
          hs_task_subject: `Batch step ${title}`,
          hs_timestamp: '2026-11-20T08:00:00.000Z',
          hubspot_owner_id: OWNER,
        },
        associations: [toDeal(dealId)],
      })),
    });
    const ids = created.results.map((r) => r.id).sort();
    expect(ids).toHaveLength(2);
    const read = await client.crm.objects.tasks.batchApi.read({
      inputs: ids.map((id) => ({ id })),
      properties: ['hs_task_subject', 'hs_task_status'],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.properties.hs_task_subject).sort()).toEqual([
      'Batch step Kick-off',
      'Batch step Legal review',
    ]);
    const updated = await client.crm.objects.tasks.batchApi.update({
      inputs: ids.map((id) => ({ id, properties: { hs_task_status: 'COMPLETED' } })),
    });
    expect(updated.results.map((r) => r.properties.hs_task_status)).toEqual(['COMPLETED', 'COMPLETED']);

    server.clock.now += 60_000; // past the search index's lag
    const found = await client.crm.objects.tasks.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_task_subject', operator: 'CONTAINS_TOKEN' as never, value: 'batch' },
            { propertyName: 'associations.deal', operator: 'EQ' as never, value: dealId },
          ],
        },
      ],
      properties: ['hs_task_subject'],
      limit: 10,
      after: '0',
      sorts: [],
    });
    expect(found.results.map((r) => r.id).sort()).toEqual(ids);

    await client.crm.objects.tasks.batchApi.archive({ inputs: ids.map((id) => ({ id })) });
    const after = await call({ baseUrl: proxy.baseUrl }, T, 'POST', '/crm/v3/objects/tasks/batch/read', {
      inputs: ids.map((id) => ({ id })),
      properties: [],
      propertiesWithHistory: [],
    });
    expect(after.status).toBe(207);
    expect(after.body.errors[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids } });
    expect(problems(proxy.exchanges)).toEqual([]);
  });
});

describe('task validation, as HubSpot refuses', () => {
  const via = () => ({ baseUrl: proxy.baseUrl });

  it('requires the due time (hs_timestamp) on create', async () => {
    const res = await call(via(), T, 'POST', '/crm/v3/objects/tasks', {
      properties: { hs_task_subject: 'No due time' },
      associations: [],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect(res.body.message).toContain('REQUIRED_PROPERTY');
    expect(res.body.message).toContain('hs_timestamp');
    expect(problems(proxy.exchanges)).toEqual([]);
  });

  it('refuses an unknown status, an owner that does not exist, and an association type of another pair', async () => {
    const base = { hs_timestamp: '2026-11-18T08:00:00.000Z' };
    const status = await call(via(), T, 'POST', '/crm/v3/objects/tasks', {
      properties: { ...base, hs_task_status: 'DONE' },
      associations: [],
    });
    expect(status.status).toBe(400);
    expect(status.body.message).toContain('INVALID_OPTION');
    const owner = await call(via(), T, 'POST', '/crm/v3/objects/tasks', {
      properties: { ...base, hubspot_owner_id: '999' },
      associations: [],
    });
    expect(owner.status).toBe(400);
    expect(owner.body.message).toContain('INVALID_OWNER_ID');
    // 215 is deal→task: from a task, the deal association is 216.
    const wrongType = await call(via(), T, 'POST', '/crm/v3/objects/tasks', {
      properties: base,
      associations: [
        { to: { id: dealId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 215 }] },
      ],
    });
    expect(wrongType.status).toBe(400);
    expect(problems(proxy.exchanges)).toEqual([]);
  });

  it('lists the default task↔deal association types (v4 labels)', async () => {
    const res = await call(via(), T, 'GET', '/crm/v4/associations/tasks/deals/labels');
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 216, label: null }]);
    const back = await call(via(), T, 'GET', '/crm/v4/associations/deals/tasks/labels');
    expect(back.body.results).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 215, label: null }]);
  });
});

describe('task scopes and existing portals (the whole sandbox)', () => {
  const REDIRECT = 'http://localhost:5557/callback';
  let sandbox: Sandbox;
  const file = join(tmpdir(), `sandbox-tasks-${process.pid}.sqlite`);
  afterEach(async () => {
    await sandbox.close();
    rmSync(file, { force: true });
  });

  it('asks for crm.objects.contacts.write to write tasks and crm.objects.contacts.read to read them (crm-tasks-v3.json)', async () => {
    sandbox = await createSandbox({
      dataFile: ':memory:',
      devApp: { clientId: 'tasks-app', clientSecret: 'tasks-secret', redirectUris: [REDIRECT] },
    });
    const install = (scope: string) =>
      installAccessToken(sandbox.baseUrl, {
        clientId: 'tasks-app',
        clientSecret: 'tasks-secret',
        redirectUri: REDIRECT,
        scope,
      });
    const send = (token: string, method: string, path: string, body?: unknown) =>
      call(sandbox, token, method, path, body);
    const task = { properties: { hs_timestamp: '2026-11-18T08:00:00.000Z' }, associations: [] };

    const readOnly = await install('oauth crm.objects.contacts.read');
    const refused = await send(readOnly, 'POST', '/crm/v3/objects/tasks', task);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      category: 'MISSING_SCOPES',
      context: { requiredScopes: expect.arrayContaining(['crm.objects.contacts.write']) },
    });
    expect((await send(readOnly, 'GET', '/crm/v3/objects/tasks')).status).toBe(200);

    const writer = await install('oauth crm.objects.contacts.read crm.objects.contacts.write');
    expect((await send(writer, 'POST', '/crm/v3/objects/tasks', task)).status).toBe(201);
    const dealsOnly = await install('oauth crm.objects.deals.read crm.objects.deals.write');
    expect((await send(dealsOnly, 'GET', '/crm/v3/objects/tasks')).status).toBe(403);
  });

  it('gives a portal made by an earlier version (no tasks yet) the tasks object when the sandbox starts again', async () => {
    sandbox = await createSandbox({ dataFile: file });
    const portalId = sandbox.demoPortalId;
    for (const table of ['crm_properties', 'crm_property_groups', 'crm_object_types'])
      sandbox.db
        .prepare(`DELETE FROM ${table} WHERE portal_id = ? AND object_type_id = '0-27'`)
        .run(portalId);
    sandbox.db
      .prepare('DELETE FROM crm_association_types WHERE portal_id = ? AND type_id IN (215, 216, 203, 204)')
      .run(portalId);
    const before = await call(sandbox, sandbox.demoToken, 'GET', '/crm/v3/objects/tasks');
    expect(before.status).toBe(400);
    await sandbox.close();

    sandbox = await createSandbox({ dataFile: file });
    const after = await call(sandbox, sandbox.demoToken, 'GET', '/crm/v3/objects/tasks');
    expect(after.status).toBe(200);
    const labels = await call(sandbox, sandbox.demoToken, 'GET', '/crm/v4/associations/tasks/deals/labels');
    expect(labels.body.results).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 216, label: null }]);
  });
});
