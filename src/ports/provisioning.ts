/**
 * Provisioning: what the app sets up in a portal at install (the deal property group and map_* properties,
 * and in custom-object mode the map_milestone object). Implemented by the HubSpot adapter; idempotent, so an
 * install can be repeated and a failed one retried (npm run cli -- provision <portalId>).
 */
import type { Result } from '../domain/result.js';
import type { CrmError } from './crm-error.js';
import type { StorageMode } from './installation-store.js';

export interface ProvisionInput {
  readonly portalId: number;
  readonly scopes: readonly string[];
  /** The mode the granted scopes allow; provisioning may fall back to 'document' (reported). */
  readonly storageMode: StorageMode;
}

export interface ProvisionReport {
  readonly storageMode: StorageMode;
  readonly propertiesCreated: readonly string[];
  readonly propertiesExisting: readonly string[];
  /** What happened to the map_milestone custom object. */
  readonly customObject: 'created' | 'existing' | 'not_used';
}

export type ProvisionPortal = (input: ProvisionInput) => Promise<Result<ProvisionReport, CrmError>>;
