/**
 * What the app reads about a tenant's account from its CRM: today, its time zone, the calendar whose day is
 * "today" for the tenant's plans (overdue steps, slip, the projection written to the deal).
 */
import type { Tenant } from '../domain/model.js';
import type { Result } from '../domain/result.js';
import type { CrmError } from './crm-error.js';

export interface AccountInfo {
  /** The account's time zone as its CRM keeps it (an IANA name or alias, such as `US/Eastern`). */
  timeZone(tenant: Tenant): Promise<Result<string, CrmError>>;
}
