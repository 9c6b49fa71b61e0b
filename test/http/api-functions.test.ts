/**
 * Every function over real HTTP through the generic router, with a correctly signed request, and every
 * error path's status and body shape. Plans live in the in-memory PlanStore (faithful to the port).
 */
import {
  apiErrorBodySchema,
  planResponseSchema,
  reprojectResponseSchema,
  templatesResponseSchema,
} from '../../src/contract/index.js';
import { crmError } from '../../src/ports/crm-error.js';
import {
  callFunction,
  installPortal,
  PORTAL_A,
  PORTAL_B,
  startHarness,
  TestClock,
  type Harness,
} from './harness.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';

const DEAL = '5001';
let h: Harness;
let clock: TestClock;
let ids = 0;

beforeEach(async () => {
  clock = new TestClock(Date.UTC(2026, 10, 16, 9, 30));
  ids = 0;
  h = await startHarness({ clock, newId: () => `id-${++ids}` });
  await installPortal(h, PORTAL_A);
  h.plans.addDeal(PORTAL_A, DEAL);
});
afterEach(async () => h.close());

const expectError = (res: { status: number; body: unknown }, status: number, code: string) => {
  expect(res.status).toBe(status);
  const body = apiErrorBodySchema.parse(res.body);
  expect(body.error.code).toBe(code);
  return body.error;
};

async function planWithMilestones(): Promise<number> {
  const res = await callFunction(h, 'apply-template', {
    dealId: DEAL,
    baseVersion: 0,
    templateId: 'smb-quick-close',
    targetCloseDate: '2027-01-29',
  });
  expect(res.status).toBe(200);
  return res.body.version as number;
}

describe('get-plan', () => {
  test('a deal with no plan answers an empty, unsaved plan at version 0 with its projection', async () => {
    const res = await callFunction(h, 'get-plan', { dealId: DEAL });
    expect(res.status).toBe(200);
    const body = planResponseSchema.parse(res.body);
    expect(body).toMatchObject({
      version: 0,
      saved: false,
      plan: { milestones: [], deal: { accountId: String(PORTAL_A), dealId: DEAL } },
    });
    expect(body.projection.health).toBe('not_started');
  });

  test('a missing deal is 404 DEAL_NOT_FOUND in the common error shape with a request id', async () => {
    const error = expectError(await callFunction(h, 'get-plan', { dealId: '999' }), 404, 'DEAL_NOT_FOUND');
    expect(error.requestId).toMatch(/\S{8,}/);
  });

  test('input with a wrong type and an unknown field is 400 listing every problem', async () => {
    const error = expectError(
      await callFunction(h, 'get-plan', { dealId: 12, extra: true }),
      400,
      'INVALID_INPUT',
    );
    expect(error.problems?.map((p) => p.path).sort()).toEqual(['dealId', 'extra']);
  });

  test.each(['abc', '0123', '12a', ''])(
    'a malformed deal id (%j) is refused with a sentence, never zod’s default “must be in regex format”',
    async (dealId) => {
      const error = expectError(await callFunction(h, 'get-plan', { dealId }), 400, 'INVALID_INPUT');
      const texts = [error.message, ...(error.problems ?? []).map((p) => p.message)];
      for (const text of texts) expect(text).not.toMatch(/regex|pattern|Invalid/);
      if (dealId !== '')
        expect(error.message).toBe(
          'The deal id must be a HubSpot record id: digits only, not starting with 0.',
        );
    },
  );

  test('no zod default text reaches the card, whatever is malformed in whichever function', async () => {
    const bad: [string, unknown][] = [
      ['get-plan', { dealId: 'x1' }],
      ['update-milestone', { dealId: '1x', milestoneId: '', status: 'finished', dueDate: '2026-02-30' }],
      [
        'apply-template',
        { dealId: DEAL, baseVersion: -1, templateId: 'Not A Template', targetCloseDate: 'soon' },
      ],
      [
        'add-stakeholder',
        { dealId: DEAL, baseVersion: 0, side: 'vendor', name: 'x'.repeat(500), email: 'nope' },
      ],
      [
        'save-plan',
        {
          dealId: DEAL,
          baseVersion: 0,
          edits: [{ edit: 'addMilestone', input: { id: 7, dueDate: 1 } }, { edit: 'nope' }],
        },
      ],
      ['remove-stakeholder', { dealId: DEAL, baseVersion: 'one', stakeholderId: null }],
      ['reproject-deal', { dealId: [] }],
    ];
    for (const [fn, input] of bad) {
      const error = expectError(await callFunction(h, fn, input), 400, 'INVALID_INPUT');
      for (const text of [error.message, ...(error.problems ?? []).map((p) => p.message)]) {
        expect([fn, text]).toEqual([fn, expect.stringMatching(/^[A-Z“].*[.!?]$/)]);
        expect([fn, text]).toEqual([
          fn,
          expect.not.stringMatching(/regex|pattern|Invalid (input|string|option)|expected/),
        ]);
      }
    }
  });

  test('a body that is not JSON is 400 INVALID_INPUT', async () => {
    expectError(
      await callFunction(h, 'get-plan', undefined, { rawBody: '{"dealId":' }),
      400,
      'INVALID_INPUT',
    );
  });

  test('a body that is not JSON by content type is 415', async () => {
    expectError(
      await callFunction(h, 'get-plan', { dealId: DEAL }, { headers: { 'content-type': 'text/plain' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });
});

describe('apply-template', () => {
  test('fills an empty plan from the template, saves it as version 1 and answers plan, projection and version', async () => {
    const res = await callFunction(h, 'apply-template', {
      dealId: DEAL,
      baseVersion: 0,
      templateId: 'smb-quick-close',
      targetCloseDate: '2027-01-29',
    });
    expect(res.status).toBe(200);
    const body = planResponseSchema.parse(res.body);
    expect(body.version).toBe(1);
    expect(body.saved).toBe(true);
    expect(body.plan.templateId).toBe('smb-quick-close');
    expect(body.plan.milestones.length).toBeGreaterThan(0);
    expect(body.projection.milestonesTotal).toBe(body.plan.milestones.length);
    expect(h.plans.inspect(PORTAL_A, DEAL)?.writtenProjection).toEqual(body.projection);
  });

  test('refuses a plan that has milestones with 409 PLAN_NOT_EMPTY, and replaces them with replace: true', async () => {
    const version = await planWithMilestones();
    const refused = expectError(
      await callFunction(h, 'apply-template', {
        dealId: DEAL,
        baseVersion: version,
        templateId: 'mid-market-saas',
        targetCloseDate: '2027-03-26',
      }),
      409,
      'PLAN_NOT_EMPTY',
    );
    expect(refused.problems?.[0]?.path).toBe('replace');
    const replaced = await callFunction(h, 'apply-template', {
      dealId: DEAL,
      baseVersion: version,
      templateId: 'mid-market-saas',
      targetCloseDate: '2027-03-26',
      replace: true,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.plan.templateId).toBe('mid-market-saas');
    expect(replaced.body.version).toBe(version + 1);
  });

  test('an unknown template and a target date too soon are both reported', async () => {
    expectError(
      await callFunction(h, 'apply-template', {
        dealId: DEAL,
        baseVersion: 0,
        templateId: 'nope',
        targetCloseDate: '2027-01-29',
      }),
      400,
      'INVALID_INPUT',
    );
    const soon = expectError(
      await callFunction(h, 'apply-template', {
        dealId: DEAL,
        baseVersion: 0,
        templateId: 'enterprise-deal',
        targetCloseDate: '2026-11-20',
      }),
      400,
      'INVALID_INPUT',
    );
    expect(soon.problems?.[0]?.code).toBe('target_too_soon');
  });
});

describe('save-plan', () => {
  test('applies a batch of edits in order and saves once', async () => {
    const res = await callFunction(h, 'save-plan', {
      dealId: DEAL,
      baseVersion: 0,
      edits: [
        { edit: 'setPlanTitle', input: { title: 'Acme × Us' } },
        {
          edit: 'addStakeholder',
          input: { id: 's1', side: 'seller', name: 'Sam Seller', role: 'account_executive' },
        },
        {
          edit: 'addMilestone',
          input: { id: 'm1', title: 'Contract signed', dueDate: '2026-12-18', sellerOwnerId: 's1' },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
    expect(res.body.plan.title).toBe('Acme × Us');
    expect(res.body.plan.milestones[0].isClose).toBe(true);
    expect(h.plans.calls.writes).toBe(1);
  });

  test('reports the problems of every failing edit with its index, and saves nothing', async () => {
    const res = await callFunction(h, 'save-plan', {
      dealId: DEAL,
      baseVersion: 0,
      edits: [
        { edit: 'addMilestone', input: { title: '', dueDate: '2026-13-01' } },
        { edit: 'setTargetCloseDate', input: { targetCloseDate: 'soon' } },
      ],
    });
    const error = expectError(res, 400, 'INVALID_INPUT');
    const paths = error.problems?.map((p) => p.path) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining(['edits[0].title', 'edits[0].dueDate', 'edits[1].targetCloseDate']),
    );
    expect(h.plans.calls.writes).toBe(0);
  });

  test('an unknown edit name is 400', async () => {
    expectError(
      await callFunction(h, 'save-plan', {
        dealId: DEAL,
        baseVersion: 0,
        edits: [{ edit: 'dropTable', input: {} }],
      }),
      400,
      'INVALID_INPUT',
    );
  });

  test('a stale base version is 409 with the current version and what changed since', async () => {
    const version = await planWithMilestones();
    await callFunction(h, 'save-plan', {
      dealId: DEAL,
      baseVersion: version,
      edits: [{ edit: 'setPlanTitle', input: { title: 'New title' } }],
    });
    const error = expectError(
      await callFunction(h, 'save-plan', {
        dealId: DEAL,
        baseVersion: version,
        edits: [{ edit: 'setValueSummary', input: { valueSummary: 'x' } }],
      }),
      409,
      'VERSION_CONFLICT',
    );
    expect(error.currentVersion).toBe(version + 1);
    expect(error.changesSince?.map((a) => a.kind)).toEqual(['plan_title_changed']);
    expect(h.plans.inspect(PORTAL_A, DEAL)?.plan?.valueSummary).toBe('');
  });

  test('a stale base is answered from the loaded plan’s history: one load, no save sent to the store', async () => {
    const version = await planWithMilestones();
    await callFunction(h, 'save-plan', {
      dealId: DEAL,
      baseVersion: version,
      edits: [{ edit: 'setPlanTitle', input: { title: 'Newer' } }],
    });
    await callFunction(h, 'save-plan', {
      dealId: DEAL,
      baseVersion: version + 1,
      edits: [{ edit: 'setPlanTitle', input: { title: 'Newest' } }],
    });
    const before = { ...h.plans.calls };
    const error = expectError(
      await callFunction(h, 'save-plan', {
        dealId: DEAL,
        baseVersion: version,
        edits: [{ edit: 'setValueSummary', input: { valueSummary: 'Based on an old version.' } }],
      }),
      409,
      'VERSION_CONFLICT',
    );
    expect(error.changesSince?.map((a) => a.text)).toEqual([
      expect.stringMatching(/Newer/),
      expect.stringMatching(/Newest/),
    ]);
    expect(h.plans.calls).toEqual({ ...before, load: before.load + 1 });
  });

  test('a plan over the store size limit is 422 PLAN_TOO_LARGE', async () => {
    const long = 'x'.repeat(1_900);
    const edits = [
      { edit: 'addStakeholder', input: { id: 's1', side: 'seller', name: 'Sam Seller' } },
      ...Array.from({ length: 40 }, (_, i) => ({
        edit: 'addMilestone',
        input: {
          id: `m${i}`,
          title: `Step ${i}`,
          description: long,
          dueDate: '2026-12-18',
          sellerOwnerId: 's1',
        },
      })),
    ];
    expectError(
      await callFunction(h, 'save-plan', { dealId: DEAL, baseVersion: 0, edits }),
      422,
      'PLAN_TOO_LARGE',
    );
    expect(h.plans.inspect(PORTAL_A, DEAL)?.plan).toBeNull();
  });
});

describe('update-milestone', () => {
  let version: number;
  let milestoneId: string;
  beforeEach(async () => {
    version = await planWithMilestones();
    const plan = (await callFunction(h, 'get-plan', { dealId: DEAL })).body.plan;
    milestoneId = plan.milestones[0].id as string;
  });

  test('marks a milestone done and moves another due date with its reason in one request', async () => {
    const res = await callFunction(h, 'update-milestone', {
      dealId: DEAL,
      baseVersion: version,
      milestoneId,
      status: 'done',
      dueDate: '2026-12-04',
      reason: 'Buyer asked for a later slot',
    });
    expect(res.status).toBe(200);
    const { plan } = planResponseSchema.parse(res.body);
    expect(plan.milestones.find((x) => x.id === milestoneId)).toMatchObject({
      status: 'done',
      completedDate: '2026-11-16',
      dueDate: '2026-12-04',
    });
    expect(plan.activity.at(-1)?.text).toContain('Buyer asked for a later slot');
    expect(res.body.version).toBe(version + 1);
  });

  test('a due date without a reason, and nothing to change, are refused with every problem', async () => {
    const error = expectError(
      await callFunction(h, 'update-milestone', { dealId: DEAL, milestoneId, dueDate: '2026-12-04' }),
      400,
      'INVALID_INPUT',
    );
    expect(error.problems?.map((p) => p.path)).toEqual(['reason']);
    expectError(
      await callFunction(h, 'update-milestone', { dealId: DEAL, milestoneId }),
      400,
      'INVALID_INPUT',
    );
  });

  test('an unknown milestone or owner is 400 with the domain problem', async () => {
    const error = expectError(
      await callFunction(h, 'update-milestone', { dealId: DEAL, milestoneId: 'nope', status: 'done' }),
      400,
      'INVALID_INPUT',
    );
    expect(error.problems?.[0]?.code).toBe('not_found');
    const owner = expectError(
      await callFunction(h, 'update-milestone', { dealId: DEAL, milestoneId, sellerOwnerId: 'ghost' }),
      400,
      'INVALID_INPUT',
    );
    expect(owner.problems?.[0]?.code).toBe('unknown_owner');
  });

  test('without a base version the quick edit applies to the latest plan; with a stale one it is 409', async () => {
    await callFunction(h, 'save-plan', {
      dealId: DEAL,
      baseVersion: version,
      edits: [{ edit: 'setPlanTitle', input: { title: 'Moved on' } }],
    });
    const latest = await callFunction(h, 'update-milestone', {
      dealId: DEAL,
      milestoneId,
      status: 'in_progress',
    });
    expect(latest.status).toBe(200);
    expect(latest.body.version).toBe(version + 2);
    expectError(
      await callFunction(h, 'update-milestone', {
        dealId: DEAL,
        baseVersion: version,
        milestoneId,
        status: 'blocked',
      }),
      409,
      'VERSION_CONFLICT',
    );
  });

  test('on a deal without a plan it is 404 PLAN_NOT_FOUND', async () => {
    h.plans.addDeal(PORTAL_A, '5002');
    expectError(
      await callFunction(h, 'update-milestone', { dealId: '5002', milestoneId: 'm', status: 'done' }),
      404,
      'PLAN_NOT_FOUND',
    );
  });
});

describe('stakeholders', () => {
  test('add-stakeholder creates the plan with the stakeholder; remove-stakeholder removes them', async () => {
    const added = await callFunction(h, 'add-stakeholder', {
      dealId: DEAL,
      baseVersion: 0,
      side: 'buyer',
      name: 'Bea Buyer',
      email: 'bea@buyer.example',
      role: 'champion',
    });
    expect(added.status).toBe(200);
    expect(added.body.plan.stakeholders).toHaveLength(1);
    const id = added.body.plan.stakeholders[0].id as string;
    const removed = await callFunction(h, 'remove-stakeholder', {
      dealId: DEAL,
      baseVersion: 1,
      stakeholderId: id,
    });
    expect(removed.status).toBe(200);
    expect(removed.body.plan.stakeholders).toHaveLength(0);
    expect(removed.body.version).toBe(2);
  });

  test('a stakeholder with a bad email and no name gets both problems', async () => {
    const error = expectError(
      await callFunction(h, 'add-stakeholder', {
        dealId: DEAL,
        baseVersion: 0,
        side: 'buyer',
        name: ' ',
        email: 'not-an-email',
      }),
      400,
      'INVALID_INPUT',
    );
    expect(error.problems?.map((p) => p.path).sort()).toEqual(['email', 'name']);
  });

  test('removing a stakeholder who owns milestones is refused', async () => {
    const version = await planWithMilestones();
    const { plan } = planResponseSchema.parse((await callFunction(h, 'get-plan', { dealId: DEAL })).body);
    const owner = plan.milestones.find((m) => m.sellerOwnerId !== null)?.sellerOwnerId ?? '';
    const error = expectError(
      await callFunction(h, 'remove-stakeholder', {
        dealId: DEAL,
        baseVersion: version,
        stakeholderId: owner,
      }),
      400,
      'INVALID_INPUT',
    );
    expect(error.problems?.[0]?.code).toBe('stakeholder_owns_milestones');
  });

  test('remove-stakeholder on a deal without a plan is 404 PLAN_NOT_FOUND', async () => {
    expectError(
      await callFunction(h, 'remove-stakeholder', { dealId: DEAL, baseVersion: 0, stakeholderId: 's' }),
      404,
      'PLAN_NOT_FOUND',
    );
  });
});

describe('list-templates', () => {
  test('lists the built-in templates with an empty body', async () => {
    const res = await callFunction(h, 'list-templates', undefined, { rawBody: '' });
    expect(res.status).toBe(200);
    const body = templatesResponseSchema.parse(res.body);
    expect(body.templates.map((t) => t.id)).toContain('smb-quick-close');
  });
});

describe('reproject-deal', () => {
  test('writes nothing when the deal is current, and only the changed fields, without a new version, once the calendar moves', async () => {
    await planWithMilestones();
    const same = await callFunction(h, 'reproject-deal', { dealId: DEAL });
    expect(same.status).toBe(200);
    expect(reprojectResponseSchema.parse(same.body).changedFields).toEqual([]);
    const { writes, projectionWrites } = h.plans.calls;
    const version = reprojectResponseSchema.parse(same.body).version;
    clock.ms = Date.UTC(2027, 1, 15, 9, 30);
    const later = await callFunction(h, 'reproject-deal', { dealId: DEAL }, { now: clock.ms });
    const body = reprojectResponseSchema.parse(later.body);
    expect(body.changedFields).toEqual(expect.arrayContaining(['overdueCount', 'health']));
    // The forecast fields were written once; the plan was not saved again, so an open card keeps its version.
    expect(h.plans.calls.projectionWrites).toBe(projectionWrites + 1);
    expect(h.plans.calls.writes).toBe(writes);
    expect(body.version).toBe(version);
    const again = await callFunction(h, 'reproject-deal', { dealId: DEAL }, { now: clock.ms });
    expect(reprojectResponseSchema.parse(again.body).changedFields).toEqual([]);
  });

  test('a deal without a plan is 404 PLAN_NOT_FOUND', async () => {
    expectError(await callFunction(h, 'reproject-deal', { dealId: DEAL }), 404, 'PLAN_NOT_FOUND');
  });
});

describe('CRM failures', () => {
  test('a CRM rate limit is 429 with Retry-After from the CRM hint', async () => {
    h.plans.failNext(
      crmError('CRM_RATE_LIMITED', 'HubSpot is busy with this account right now.', 429, {
        retryAfterMs: 3_200,
      }),
    );
    const res = await callFunction(h, 'get-plan', { dealId: DEAL });
    const error = expectError(res, 429, 'CRM_RATE_LIMITED');
    expect(res.headers.get('retry-after')).toBe('4');
    expect(error.retryAfterSeconds).toBe(4);
  });

  test('a CRM outage is 503 with Retry-After', async () => {
    h.plans.failNext(crmError('CRM_UNAVAILABLE', 'HubSpot is having trouble right now.', 502));
    const res = await callFunction(h, 'get-plan', { dealId: DEAL });
    expectError(res, 503, 'CRM_UNAVAILABLE');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('an unexpected error is 500 with a request id and nothing internal', async () => {
    const plans = h.plans as unknown as { load: () => Promise<never> };
    plans.load = () => Promise.reject(new Error('secret internal detail at /srv/db'));
    const res = await callFunction(h, 'get-plan', { dealId: DEAL });
    const error = expectError(res, 500, 'INTERNAL');
    expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
    expect(error.requestId).toBe(res.headers.get('x-request-id'));
    expect(h.logs.some((l) => l.requestId === error.requestId && l.level === 'error')).toBe(true);
  });
});

describe('logging and timing', () => {
  test('the request log line has request id, tenant and deal id, and no body, query or email', async () => {
    await callFunction(h, 'get-plan', { dealId: DEAL });
    const line = h.logs.find((l) => l.msg === 'request' && l.fn === 'get-plan');
    expect(line).toMatchObject({
      crm: 'hubspot',
      accountId: String(PORTAL_A),
      dealId: DEAL,
      status: 200,
      path: '/api/get-plan',
    });
    expect(typeof line?.requestId).toBe('string');
    expect(JSON.stringify(h.logs)).not.toContain('rep+a@seller.example');
  });

  test('every answer carries Server-Timing with the server’s own part', async () => {
    const res = await callFunction(h, 'get-plan', { dealId: DEAL });
    expect(res.headers.get('server-timing')).toMatch(/total;dur=[\d.]+, crm;dur=[\d.]+, app;dur=[\d.]+/);
  });
});

describe('unknown routes', () => {
  test('an unknown function is 404 UNKNOWN_FUNCTION after the signature check', async () => {
    expectError(await callFunction(h, 'drop-plan', {}), 404, 'UNKNOWN_FUNCTION');
  });

  test('a portal without an active installation is 403 INSTALLATION_INACTIVE', async () => {
    expectError(
      await callFunction(h, 'get-plan', { dealId: DEAL }, { caller: { portalId: PORTAL_B, userId: 1 } }),
      403,
      'INSTALLATION_INACTIVE',
    );
    await installPortal(h, PORTAL_B);
    await h.installations.deactivate(hubSpotTenant(PORTAL_B), 'uninstalled');
    expectError(
      await callFunction(h, 'get-plan', { dealId: DEAL }, { caller: { portalId: PORTAL_B, userId: 1 } }),
      403,
      'INSTALLATION_INACTIVE',
    );
  });
});
