/** HubSpot's tenant is a portal (hub id): the app's tenant key for it, and back. */
import type { Tenant } from '../../domain/model.js';

export const hubSpotTenant = (portalId: number | string): Tenant => ({
  crm: 'hubspot',
  accountId: String(portalId),
});
