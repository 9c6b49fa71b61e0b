/**
 * refresh-time-zone: reads the tenant's time zone from its CRM and records it with the installation, so that
 * "today" is the tenant's own calendar day (functions, projections, reprojection). Run at install, and again
 * whenever the recorded one is older than a day (the CRM's admin can change it).
 */
import { isKnownTimeZone } from '../src/domain/dates.js';
import { tenantKey, type Tenant } from '../src/domain/model.js';
import { err, ok, type Result } from '../src/domain/result.js';
import type { AccountInfo } from '../src/ports/account-info.js';
import type { CrmError } from '../src/ports/crm-error.js';
import type { InstallationStore } from '../src/ports/installation-store.js';
import { settled, type Unexpected } from './unexpected.js';

/** How long a recorded time zone is trusted before it is read again. */
export const TIME_ZONE_MAX_AGE_MS = 24 * 60 * 60 * 1_000;

export interface RefreshTimeZoneDeps {
  readonly accounts: AccountInfo;
  readonly installations: Pick<InstallationStore, 'setTimeZone'>;
}

/** The CRM answered a time zone this runtime does not know: nothing is recorded, "today" stays as it was. */
export interface UnknownTimeZone {
  readonly code: 'UNKNOWN_TIME_ZONE';
  readonly message: string;
}

export async function refreshTimeZone(
  deps: RefreshTimeZoneDeps,
  tenant: Tenant,
): Promise<Result<string, CrmError | UnknownTimeZone | Unexpected>> {
  return settled(async (): Promise<Result<string, CrmError | UnknownTimeZone>> => {
    const read = await deps.accounts.timeZone(tenant);
    if (!read.ok) return read;
    const zone = read.value;
    if (!isKnownTimeZone(zone))
      return err({
        code: 'UNKNOWN_TIME_ZONE',
        message: `The account's time zone (${zone.slice(0, 64)}) is not one this server knows; "today" stays as it was.`,
      });
    await deps.installations.setTimeZone(tenant, zone);
    return ok(zone);
  });
}

/** True when the installation's time zone was never read, or was read more than a day before `now`. */
export const timeZoneIsStale = (
  installation: { readonly timeZoneCheckedAt: number | null },
  now: number,
): boolean =>
  installation.timeZoneCheckedAt === null || now - installation.timeZoneCheckedAt > TIME_ZONE_MAX_AGE_MS;

/** After a failed read, the next one waits this long (a CRM that cannot answer is not asked at every request). */
export const TIME_ZONE_RETRY_MS = 60 * 60 * 1_000;

/**
 * A refresh started in the background and not awaited (a request must not wait for it): one at a time per
 * tenant, none within TIME_ZONE_RETRY_MS of a failed one, its failure handed to `onFailure` (the composition
 * root logs it). The request that finds the time zone stale goes on with the recorded one; the next request
 * gets the new one.
 */
export function backgroundTimeZoneRefresh(
  deps: RefreshTimeZoneDeps & { readonly clock: { now(): number } },
  onFailure: (tenant: Tenant, error: CrmError | UnknownTimeZone | Unexpected) => void,
): (tenant: Tenant) => Promise<void> {
  const inFlight = new Map<string, Promise<void>>();
  const failedAt = new Map<string, number>();
  return (tenant) => {
    const key = tenantKey(tenant);
    const running = inFlight.get(key);
    if (running) return running;
    const failed = failedAt.get(key);
    if (failed !== undefined && deps.clock.now() - failed < TIME_ZONE_RETRY_MS) return Promise.resolve();
    const run = refreshTimeZone(deps, tenant).then((result) => {
      inFlight.delete(key);
      if (result.ok) failedAt.delete(key);
      else {
        failedAt.set(key, deps.clock.now());
        onFailure(tenant, result.error);
      }
    });
    inFlight.set(key, run);
    return run;
  };
}
