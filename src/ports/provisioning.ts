/**
 * Provisioning: what the app sets up in a tenant's CRM at install (the fields the plan's progress is written
 * to, and where the account allows it a record type for milestones), and which storage mode that leaves.
 * Implemented by each CRM's adapter (src/adapters/<crm>/provision.ts); idempotent, so an install can be repeated and a failed one retried (npm run cli -- provision <accountId>).
 */
import type { Tenant } from '../domain/model.js';
import type { Result } from '../domain/result.js';
import type { CrmError } from './crm-error.js';
import type { StorageMode } from './installation-store.js';

export interface ProvisionInput {
  readonly tenant: Tenant;
  /** The scopes the installation was granted (they decide what can be set up, and so the storage mode). */
  readonly scopes: readonly string[];
}

/** Something provisioning could not set up or repair, in words an admin can act on. */
export interface ProvisionProblem {
  /** What it is about, e.g. a deal field or the milestone object, named as the CRM's admin sees it. */
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
  /** The CRM's id of the milestone record type in custom-object mode. */
  readonly milestoneObjectTypeId: string | null;
  readonly created: readonly string[];
  readonly updated: readonly { readonly subject: string; readonly changes: readonly string[] }[];
  readonly unchanged: readonly string[];
  readonly problems: readonly ProvisionProblem[];
}

export type ProvisionTenant = (input: ProvisionInput) => Promise<Result<ProvisionReport, CrmError>>;
