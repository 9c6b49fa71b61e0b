/**
 * One request reads the installation and its tokens once each (issue 11: "one request reads the installation
 * database 6–9 times"), with the real wiring against the sandbox; a token refresh inside a request is seen,
 * and so is one another request made while this one waited on it.
 */
import { openInstallationStore } from '../../src/adapters/db/open.js';
import { TokenCipher } from '../../src/adapters/db/token-cipher.js';
import { loadConfig } from '../../src/config.js';
import type { InstallationStore } from '../../src/ports/installation-store.js';
import { systemClock, type Clock } from '../../src/ports/clock.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { REFRESH_MARGIN_MS } from '../../src/adapters/hubspot/oauth/token-provider.js';
import { callFunction, TestClock } from './harness.js';
import { startSandboxBackend, type SandboxBackend } from './sandbox-backend.js';

let sandbox: Sandbox;
let b: SandboxBackend;
const reads: string[] = [];

/** An installation store in memory, and the same store telling `seen` the name of each call that reaches it. */
async function countedStore(
  clock: Clock,
  seen: (method: string) => void,
): Promise<{ real: InstallationStore; counted: InstallationStore }> {
  const config = loadConfig({ CRM_MODE: 'sandbox' });
  if (!config.ok) throw new Error('config');
  const real = await openInstallationStore({
    sqlitePath: ':memory:',
    cipher: new TokenCipher(config.value.tokenEncryptionKeys),
    clock,
  });
  const counted = new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        seen(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as InstallationStore;
  return { real, counted };
}

/** An enterprise portal installed through OAuth, a deal of it, and a signed call as one of its users. */
async function portalWithDeal(backend: SandboxBackend, now: () => number) {
  const { portalId } = await backend.install({ new_portal_tier: 'enterprise' });
  const dealId = await backend.newDeal(portalId);
  const call = (fn: string, input: unknown) =>
    callFunction(backend.h, fn, input, { caller: { portalId, userId: 5 }, now: now() });
  const applyTemplate = () =>
    call('apply-template', {
      dealId,
      baseVersion: 0,
      templateId: 'enterprise-deal',
      targetCloseDate: '2027-06-25',
    });
  return { portalId, dealId, call, applyTemplate };
}

beforeAll(async () => {
  sandbox = await createSandbox({ dataFile: ':memory:', rateLimit: { perTenSeconds: null } });
  // Counts the reads that reach the database.
  const { counted } = await countedStore(systemClock, (method) => {
    if (method === 'getInstallation' || method === 'getTokens') reads.push(method);
  });
  b = await startSandboxBackend(sandbox, { clock: systemClock, installations: counted });
});
afterAll(async () => {
  await b.h.close();
  await sandbox.close();
});

test('a save reads the installation once and the tokens once, whatever the number of CRM calls', async () => {
  const { dealId, call, applyTemplate } = await portalWithDeal(b, Date.now);
  reads.length = 0;
  const applied = await applyTemplate();
  expect(applied.status).toBe(200);
  expect(reads.filter((r) => r === 'getInstallation')).toHaveLength(1);
  expect(reads.filter((r) => r === 'getTokens')).toHaveLength(1);
  reads.length = 0;
  const got = await call('get-plan', { dealId });
  expect(got.status).toBe(200);
  expect(reads).toEqual(['getInstallation', 'getTokens']);
});

test('requests that waited on one token refresh go on with the refreshed token: the CRM is asked to refresh once', async () => {
  const clock = new TestClock(Date.now());
  let refreshes = 0;
  const { real, counted } = await countedStore(clock, (method) => {
    if (method === 'saveTokens') refreshes++;
  });
  const backend = await startSandboxBackend(sandbox, { clock, installations: counted });
  try {
    // Custom-object mode: a load makes two CRM calls (the deal, then its milestone records).
    const { portalId, dealId, call, applyTemplate } = await portalWithDeal(backend, () => clock.now());
    expect((await applyTemplate()).status).toBe(200);
    // The access token now has less than the refresh margin left: the next CRM call refreshes it.
    const tokens = await real.getTokens({ crm: 'hubspot', accountId: String(portalId) });
    clock.ms = tokens!.expiresAt - REFRESH_MARGIN_MS + 1_000;
    refreshes = 0;
    const answers = await Promise.all([1, 2, 3].map(() => call('get-plan', { dealId })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(refreshes).toBe(1);
  } finally {
    await backend.h.close();
    await real.close();
  }
});
