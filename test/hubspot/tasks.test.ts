/**
 * The HubSpot CrmTasks adapter against the sandbox CRM over real HTTP (the real @hubspot/api-client inside
 * the transport): tasks created on the deal with their step's marker, refusals per task, updates, completion,
 * deletion, and finding the app's tasks of a deal again by their markers — in the calls the header promises.
 */
import { startHarness, type Harness, countBy } from './harness.js';
import { HubSpotCrmTasks, stepMarker, stepOfBody, taskBodyHtml } from '../../src/adapters/hubspot/tasks.js';
import type { DealRef } from '../../src/domain/model.js';
import type { ReminderTaskContent } from '../../src/ports/crm-tasks.js';

const OWNER = '71000101';
const OTHER_OWNER = '71000102';
let h: Harness;
let tasks: HubSpotCrmTasks;
let deal: DealRef;

beforeAll(async () => {
  h = await startHarness();
  tasks = new HubSpotCrmTasks(h.transport);
});
afterAll(async () => h.close());
beforeEach(async () => {
  deal = { crm: 'hubspot', accountId: h.demoPortalId, dealId: await h.newDeal(h.demoPortalId, 'Tasks deal') };
  h.attempts.length = 0;
});

const content = (milestoneId: string, extra: Partial<ReminderTaskContent> = {}): ReminderTaskContent => ({
  milestoneId,
  ownerId: OWNER,
  dueAt: Date.UTC(2026, 10, 18, 7),
  title: `Plan step due Wed 18 Nov: ${milestoneId}`,
  body: `“${milestoneId}” is a step of the plan.\n\nDue 18 November 2026 <soon> & "quoted".`,
  ...extra,
});

async function read(id: string) {
  const res = await h.raw(
    h.demoPortalId,
    'GET',
    `/crm/v3/objects/tasks/${id}?properties=hs_task_subject,hs_task_body,hs_task_status,hs_timestamp,hubspot_owner_id,hs_task_type&associations=deals`,
  );
  return res;
}

describe('markers', () => {
  it('survive any step id and the body’s HTML, and are found only where they are whole', () => {
    for (const id of ['m-1', 'a&b<c>"é’', '0123456789abcdef'.repeat(4)]) {
      const body = taskBodyHtml({ milestoneId: id, body: 'Text & <b>more</b>' });
      expect(stepOfBody(body)).toBe(id);
      expect(body).toContain('Text &amp; &lt;b&gt;more&lt;/b&gt;');
    }
    expect(stepOfBody('<p>no marker</p>')).toBeUndefined();
    expect(stepOfBody(null)).toBeUndefined();
    expect(stepOfBody(`${stepMarker('m-1')}x`)).toBeUndefined();
  });
});

describe('HubSpotCrmTasks on the sandbox', () => {
  it('creates open to-dos for the owner, due at the instant given, on the deal, in one call per 100', async () => {
    const created = await tasks.create(deal, [
      content('m-sec'),
      content('m-legal', { ownerId: OTHER_OWNER }),
    ]);
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    expect(created.value.refused).toEqual([]);
    expect(created.value.created.map((c) => c.milestoneId)).toEqual(['m-sec', 'm-legal']);
    expect(countBy(h.attempts, (a) => `${a.method} ${a.path}`)).toEqual({
      'POST /crm/v3/objects/tasks/batch/create': 1,
    });
    const first = await read(created.value.created[0]?.taskId ?? '');
    expect(first.body.properties).toMatchObject({
      hs_task_subject: 'Plan step due Wed 18 Nov: m-sec',
      hs_task_status: 'NOT_STARTED',
      hs_task_type: 'TODO',
      hs_timestamp: '2026-11-18T07:00:00.000Z',
      hubspot_owner_id: OWNER,
    });
    expect(first.body.properties.hs_task_body).toBe(
      `<p>“m-sec” is a step of the plan.</p><p>Due 18 November 2026 &lt;soon&gt; &amp; &quot;quoted&quot;.</p><p>Made by the Mutual Action Plan app · ref ${stepMarker('m-sec')}</p>`,
    );
    expect(first.body.associations.deals.results).toEqual([{ id: deal.dealId, type: 'task_to_deal' }]);
  });

  it('reports a to-do HubSpot refuses (an owner that does not exist) and creates the others', async () => {
    const created = await tasks.create(deal, [content('m-ok'), content('m-bad', { ownerId: '999' })]);
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    expect(created.value.created.map((c) => c.milestoneId)).toEqual(['m-ok']);
    expect(created.value.refused).toEqual([
      { milestoneId: 'm-bad', reason: expect.stringMatching(/^VALIDATION_ERROR: .*999/) },
    ]);
  });

  it('updates (and reopens), completes and deletes; ids HubSpot no longer has are reported, not failed', async () => {
    const created = await tasks.create(deal, [content('m-1'), content('m-2')]);
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const [one, two] = created.value.created.map((c) => c.taskId);
    if (!one || !two) throw new Error('not created');

    expect(await tasks.complete(deal, [one])).toEqual({ ok: true, value: { missing: [] } });
    expect((await read(one)).body.properties.hs_task_status).toBe('COMPLETED');

    const moved = content('m-1', { dueAt: Date.UTC(2026, 11, 1, 7), title: 'Plan step due Tue 1 Dec: m-1' });
    expect(await tasks.update(deal, [{ taskId: one, content: moved, reopen: true }])).toEqual({
      ok: true,
      value: { missing: [] },
    });
    expect((await read(one)).body.properties).toMatchObject({
      hs_task_status: 'NOT_STARTED',
      hs_timestamp: '2026-12-01T07:00:00.000Z',
      hs_task_subject: 'Plan step due Tue 1 Dec: m-1',
    });

    expect(await tasks.delete(deal, [two])).toEqual({ ok: true, value: undefined });
    expect((await read(two)).status).toBe(404);
    // Deleting again, and updating or completing what is gone, are not failures.
    expect((await tasks.delete(deal, [two])).ok).toBe(true);
    expect(await tasks.update(deal, [{ taskId: two, content: moved, reopen: false }])).toEqual({
      ok: true,
      value: { missing: [two] },
    });
    expect(await tasks.complete(deal, [one, two])).toEqual({ ok: true, value: { missing: [two] } });
  });

  it('finds the app’s to-dos of a deal by their markers, oldest first, and nothing else', async () => {
    const created = await tasks.create(deal, [content('m-1'), content('m-2'), content('m-1')]);
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    // A task a rep made on the deal, without a marker.
    const own = await h.raw(h.demoPortalId, 'POST', '/crm/v3/objects/tasks', {
      properties: { hs_timestamp: '2026-11-18T07:00:00Z', hs_task_body: 'Call them' },
      associations: [
        {
          to: { id: deal.dealId },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 216 }],
        },
      ],
    });
    expect(own.status).toBe(201);
    h.attempts.length = 0;
    const found = await tasks.findReminderTasks(deal, ['m-1', 'm-3']);
    const ids = created.value.created.map((c) => c.taskId);
    expect(found).toEqual({
      ok: true,
      value: [
        { milestoneId: 'm-1', taskId: ids[0] },
        { milestoneId: 'm-1', taskId: ids[2] },
      ],
    });
    expect(countBy(h.attempts, (a) => `${a.method} ${a.path.replace(/\d+/g, 'N')}`)).toEqual({
      'GET /crm/vN/objects/deals/N/associations/tasks': 1,
      'POST /crm/vN/objects/tasks/batch/read': 1,
    });
    const other: DealRef = { ...deal, dealId: await h.newDeal(h.demoPortalId, 'Other') };
    expect(await tasks.findReminderTasks(other, ['m-1'])).toEqual({ ok: true, value: [] });
  });
});
