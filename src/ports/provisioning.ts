/**
 * Provisioning: what the app sets up in a portal at install (the deal property group and map_* properties,
 * and when the portal can have custom objects the map_milestone object). Implemented by the HubSpot adapter
 * (src/adapters/hubspot/provision.ts: `hubSpotProvisioning(transport)`, whose report is this type); idempotent, so an install can be
 * repeated and a failed one retried (npm run cli -- provision <portalId>).
 */
import type { Result } from '../domain/result.js';
import type { CrmError } from './crm-error.js';
import type { StorageMode } from './installation-store.js';

export interface ProvisionInput {
  readonly portalId: number;
  /** The scopes the installation was granted (custom-object scopes decide the storage mode). */
  readonly scopes: readonly string[];
}

/** Something provisioning could not set up or repair, in words an admin can act on. */
export interface ProvisionProblem {
  /** What it is about, e.g. `deal property map_progress`. */
  readonly subject: string;
  /** What is wrong and what an admin can do about it. */
  readonly message: string;
  /** True when the app cannot work correctly until it is fixed. */
  readonly blocking: boolean;
}

export interface ProvisionReport {
  readonly storageMode: StorageMode;
  /** Why this storage mode (one sentence). */
  readonly storageReason: string;
  /** The milestone object's type id (`2-…`) in custom-object mode. */
  readonly milestoneObjectTypeId: string | null;
  readonly created: readonly string[];
  readonly updated: readonly { readonly subject: string; readonly changes: readonly string[] }[];
  readonly unchanged: readonly string[];
  readonly problems: readonly ProvisionProblem[];
}

export type ProvisionPortal = (input: ProvisionInput) => Promise<Result<ProvisionReport, CrmError>>;
