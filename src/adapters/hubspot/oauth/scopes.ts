/**
 * The scopes the app asks for at install. Custom objects are Enterprise-only, so their scopes are optional:
 * a portal that cannot grant them still installs and keeps milestones in the deal's plan document.
 */
import { CUSTOM_OBJECT_SCOPES } from '../provision.js';
import type { StorageMode } from '../../../ports/installation-store.js';

export { CUSTOM_OBJECT_SCOPES };

export const REQUIRED_SCOPES = [
  'oauth',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'crm.objects.contacts.read',
  // Reminder tasks (src/adapters/hubspot/tasks.ts): HubSpot writes tasks with the contacts write scope.
  'crm.objects.contacts.write',
  'crm.objects.owners.read',
] as const;

/** Custom-object records when every custom-object scope was granted, else the plan document. */
export const storageModeFor = (granted: readonly string[]): StorageMode =>
  CUSTOM_OBJECT_SCOPES.every((s) => granted.includes(s)) ? 'custom_object' : 'document';
