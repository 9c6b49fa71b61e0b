/**
 * install-tenant: what happens once a CRM granted the app access to a tenant (the CRM's adapter turned the
 * OAuth callback's code into a grant): the installation and its tokens are recorded, the tenant's CRM is
 * provisioned (the fields the plan writes to, and a milestone record type where the account allows one), and
 * the storage mode provisioning chose is recorded when it differs from the one the scopes promised (for
 * example when the account's custom-object limit is reached), and the account's time zone is read and recorded
 * (the calendar of "today" for its plans). Provisioning is idempotent: a failed one is
 * retried by installing again or by re-provisioning (`provisionTenant`, the CLI's `provision`).
 */
import type { Tenant } from '../src/domain/model.js';
import { err, ok, type Result } from '../src/domain/result.js';
import type { CrmError } from '../src/ports/crm-error.js';
import type { Installation, InstallationStore, InstallInput } from '../src/ports/installation-store.js';
import type { ProvisionReport, ProvisionTenant } from '../src/ports/provisioning.js';
import type { AccountInfo } from '../src/ports/account-info.js';
import { refreshTimeZone } from './refresh-time-zone.js';
import { attempt, settled, type Unexpected } from './unexpected.js';

export interface ProvisionTenantDeps {
  readonly installations: Pick<InstallationStore, 'install' | 'getTokens'>;
  readonly provision: ProvisionTenant;
}

export interface InstallTenantDeps extends ProvisionTenantDeps {
  readonly installations: Pick<InstallationStore, 'install' | 'getTokens' | 'setTimeZone'>;
  readonly accounts: AccountInfo;
}

/** An installed and provisioned tenant: what the install page shows. */
export interface InstalledTenant {
  readonly tenant: Tenant;
  readonly report: ProvisionReport;
  /**
   * The account's time zone, read from the CRM and recorded; null when it could not be read now ("today" is
   * UTC until the next read, a day later or at the next install).
   */
  readonly timeZone: string | null;
}

/** The installation is recorded (and active), but provisioning failed: installing again retries it. */
export interface SetupFailed {
  readonly code: 'SETUP_FAILED';
  readonly tenant: Tenant;
  /** What the CRM answered; its message is a sentence for the admin. */
  readonly cause: CrmError;
  /** True when the same attempt may succeed later (the CRM was rate-limiting or unavailable). */
  readonly retryable: boolean;
}

export type InstallFailure = SetupFailed | Unexpected;

/** Records the grant as the tenant's installation, provisions the tenant, and records the mode it chose. */
export async function installTenant(
  deps: InstallTenantDeps,
  grant: InstallInput,
): Promise<Result<InstalledTenant, InstallFailure>> {
  const { tenant, appId, scopes, storageMode, tokens } = grant;
  const installed = await attempt(() =>
    deps.installations.install({ tenant, appId, scopes, storageMode, tokens }),
  );
  if (!installed.ok) return installed;
  const provisioned = await provisionTenant(deps, installed.value);
  if (!provisioned.ok) {
    const cause = provisioned.error;
    if (cause.code === 'UNEXPECTED') return err(cause);
    const retryable = cause.code === 'CRM_RATE_LIMITED' || cause.code === 'CRM_UNAVAILABLE';
    return err({ code: 'SETUP_FAILED', tenant, cause, retryable });
  }
  const zone = await refreshTimeZone(deps, tenant);
  return ok({ tenant, report: provisioned.value, timeZone: zone.ok ? zone.value : null });
}

/**
 * Provisions an installed tenant with the scopes it was granted and, when provisioning chose another storage
 * mode than the installation has, records that mode (with the tokens stored now, so a token refreshed while
 * provisioning is kept). Nothing is recorded for a tenant whose tokens are gone (uninstalled meanwhile).
 */
export async function provisionTenant(
  deps: ProvisionTenantDeps,
  installation: Pick<Installation, 'tenant' | 'appId' | 'scopes' | 'storageMode'>,
): Promise<Result<ProvisionReport, CrmError | Unexpected>> {
  const { tenant, appId, scopes, storageMode } = installation;
  return settled(async () => {
    const provisioned = await deps.provision({ tenant, scopes });
    if (!provisioned.ok || provisioned.value.storageMode === storageMode) return provisioned;
    const tokens = await deps.installations.getTokens(tenant);
    if (tokens)
      await deps.installations.install({
        tenant,
        appId,
        scopes,
        storageMode: provisioned.value.storageMode,
        tokens,
      });
    return provisioned;
  });
}
