/**
 * `npm run cli -- show` and `repair` (issue 10, item 10): an admin sees why a plan loads with problems or
 * cannot be read at all, and repairs it. The CLI runs in its own process on the backend's installation
 * database, against the sandbox.
 */
import { jest } from '@jest/globals';
import { planResponseSchema } from '../../src/contract/index.js';
import { callFunction } from './harness.js';
import type { Sandbox } from '../../src/sandbox/platform/server.js';
import { startCli, type CliSetup } from './cli-process.js';
import type { SandboxBackend } from './sandbox-backend.js';

jest.setTimeout(60_000);

let setup: CliSetup;
let sandbox: Sandbox;
let b: SandboxBackend;

beforeAll(async () => {
  setup = await startCli();
  ({ sandbox, b } = setup);
});
afterAll(() => setup.close());

const cli = (...args: string[]) => setup.run(...args);

test('show lists the problems of a plan that loads partly; repair rewrites it; an unreadable plan shows its reasons', async () => {
  const { portalId } = await b.install({ new_portal_tier: 'enterprise' });
  const dealId = await b.newDeal(portalId);
  const call = (fn: string, input: unknown) =>
    callFunction(b.h, fn, input, { caller: { portalId, userId: 5 }, now: Date.now() });
  const applied = planResponseSchema.parse(
    (
      await call('apply-template', {
        dealId,
        baseVersion: 0,
        templateId: 'smb-quick-close',
        targetCloseDate: '2027-06-25',
      })
    ).body,
  );
  const access = await b.h.backend.tokens.accessToken(String(portalId));
  if (!access.ok) throw new Error(access.error.message);
  const token = access.value;
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  // A hand edit of the version: the plan loads, with a problem the admin sees and repairs.
  await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals/${dealId}`, {
    method: 'PATCH',
    headers: auth,
    body: JSON.stringify({ properties: { map_plan_version: '-5' } }),
  });
  const shown = await cli('show', String(portalId), dealId);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toMatch(/loads with 1 problem\(s\)/);
  expect(shown.stdout).toMatch(/map_plan_version holds “-5”/);
  const repaired = await cli('repair', String(portalId), dealId);
  expect(repaired.stdout).toMatch(
    new RegExp(`Repaired the plan on deal ${dealId} \\(now version ${applied.version + 1}\\)`),
  );
  expect((await cli('repair', String(portalId), dealId)).stdout).toMatch(/loads whole: nothing to repair/);

  // A header that is not JSON: unreadable, and `show` says why.
  await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals/${dealId}`, {
    method: 'PATCH',
    headers: auth,
    body: JSON.stringify({ properties: { map_plan: '{oops' } }),
  });
  const broken = await cli('show', String(portalId), dealId);
  expect(broken.code).toBe(2);
  expect(broken.stderr).toMatch(/cannot be read, so it was left untouched/);
  expect(broken.stderr).toMatch(/- the map_plan property does not hold valid JSON/);
  const answer = await call('get-plan', { dealId });
  expect(JSON.stringify(answer.body)).toMatch(/npm run cli -- show/);
});
