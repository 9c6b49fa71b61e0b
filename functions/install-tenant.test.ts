import { err, ok } from '../src/domain/result.js';
import { crmError, type CrmError } from '../src/ports/crm-error.js';
import type { InstallInput, OAuthTokens, StorageMode } from '../src/ports/installation-store.js';
import type { ProvisionInput, ProvisionReport } from '../src/ports/provisioning.js';
import { installTenant, provisionTenant } from './install-tenant.js';

const tenant = { crm: 'hubspot', accountId: '123' } as const;
const tokens: OAuthTokens = { accessToken: 'at', refreshToken: 'rt', expiresAt: 1 };
const grant: InstallInput = { tenant, appId: '9', scopes: ['a', 'b'], storageMode: 'custom_object', tokens };

const report = (storageMode: StorageMode): ProvisionReport => ({
  storageMode,
  storageReason: 'because',
  milestoneObjectTypeId: null,
  created: [],
  updated: [],
  unchanged: [],
  problems: [],
});

/** An installation store that records installs, and the tokens stored now. */
function store(stored: OAuthTokens | null = tokens) {
  const installs: InstallInput[] = [];
  const timeZones: string[] = [];
  return {
    installs,
    timeZones,
    setTimeZone: (_tenant: unknown, zone: string) => {
      timeZones.push(zone);
      return Promise.resolve(true);
    },
    install: (input: InstallInput) => {
      installs.push(input);
      return Promise.resolve({
        ...input,
        status: { state: 'active' as const },
        settings: { writeNativeForecast: false, createReminderTasks: true },
        installedAt: 1,
        updatedAt: 1,
        timeZone: null,
        timeZoneCheckedAt: null,
      });
    },
    getTokens: () => Promise.resolve(stored ?? undefined),
  };
}

/** The CRM's account details: a time zone, or a failure. */
const accountsAnswering = (answer: string | CrmError = 'Australia/Sydney') => ({
  timeZone: () => Promise.resolve(typeof answer === 'string' ? ok(answer) : err(answer)),
});
const accounts = accountsAnswering();

const provisioning = (answer: ProvisionReport | CrmError, seen: ProvisionInput[] = []) => ({
  seen,
  provision: (input: ProvisionInput) => {
    seen.push(input);
    return Promise.resolve('code' in answer ? err(answer) : ok(answer));
  },
});

test('records the installation, provisions the tenant with its scopes, and reports what was set up', async () => {
  const installations = store();
  const { provision, seen } = provisioning(report('custom_object'));
  const installed = await installTenant({ installations, provision, accounts }, grant);
  expect(installed).toEqual({
    ok: true,
    value: { tenant, report: report('custom_object'), timeZone: 'Australia/Sydney' },
  });
  expect(installations.timeZones).toEqual(['Australia/Sydney']);
  expect(installations.installs).toEqual([grant]);
  expect(seen).toEqual([{ tenant, scopes: ['a', 'b'] }]);
});

test('records the storage mode provisioning fell back to, with the tokens stored now', async () => {
  const refreshed = { ...tokens, accessToken: 'at-2' };
  const installations = store(refreshed);
  const { provision } = provisioning(report('document'));
  expect((await installTenant({ installations, provision, accounts }, grant)).ok).toBe(true);
  expect(installations.installs).toEqual([grant, { ...grant, storageMode: 'document', tokens: refreshed }]);
});

test('records no storage mode for a tenant whose tokens are gone (uninstalled meanwhile)', async () => {
  const installations = store(null);
  const { provision } = provisioning(report('document'));
  expect((await provisionTenant({ installations, provision }, grant)).ok).toBe(true);
  expect(installations.installs).toEqual([]);
});

test('a failed provisioning keeps the installation and is a typed failure, retryable when the CRM was busy', async () => {
  for (const [cause, retryable] of [
    [crmError('CRM_UNAVAILABLE', 'The CRM is having trouble right now.', 503), true],
    [crmError('CRM_RATE_LIMITED', 'Too many requests.', 429), true],
    [crmError('CRM_FORBIDDEN', 'Missing scopes.', 403), false],
  ] as const) {
    const installations = store();
    const { provision } = provisioning(cause);
    expect(await installTenant({ installations, provision, accounts }, grant)).toEqual({
      ok: false,
      error: { code: 'SETUP_FAILED', tenant, cause, retryable },
    });
    expect(installations.installs).toEqual([grant]);
  }
});

test('a store or provisioning that throws is an UNEXPECTED failure, not a thrown error', async () => {
  const failing = { ...store(), install: () => Promise.reject(new Error('database is unavailable')) };
  const { provision, seen } = provisioning(report('custom_object'));
  expect(await installTenant({ installations: failing, provision, accounts }, grant)).toMatchObject({
    ok: false,
    error: { code: 'UNEXPECTED', message: 'database is unavailable' },
  });
  expect(seen).toEqual([]);
  const throwing = () => Promise.reject(new Error('no access token'));
  expect(await installTenant({ installations: store(), provision: throwing, accounts }, grant)).toMatchObject(
    {
      ok: false,
      error: { code: 'UNEXPECTED', message: 'no access token' },
    },
  );
});

test("records the account's time zone; one the CRM cannot give now, or an unknown one, leaves it unset without failing the install", async () => {
  for (const [answer, recorded] of [
    ['US/Eastern', ['US/Eastern']],
    [crmError('CRM_UNAVAILABLE', 'The CRM is having trouble right now.', 503), []],
    ['Mars/Olympus_Mons', []],
  ] as const) {
    const installations = store();
    const { provision } = provisioning(report('custom_object'));
    const installed = await installTenant(
      { installations, provision, accounts: accountsAnswering(answer) },
      grant,
    );
    expect(installed).toMatchObject({ ok: true, value: { timeZone: recorded[0] ?? null } });
    expect(installations.timeZones).toEqual(recorded);
  }
});
