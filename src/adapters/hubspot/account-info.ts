/**
 * The AccountInfo port for HubSpot: `GET /account-info/v3/details` (account-info-v3.json,
 * PortalInformationResponse), read with any token of the portal (scope `oauth`).
 */
import { z } from 'zod';
import { err, ok } from '../../domain/result.js';
import type { AccountInfo } from '../../ports/account-info.js';
import { crmError } from '../../ports/crm-error.js';
import type { HubSpotTransport } from './transport.js';

const detailsSchema = z.object({ portalId: z.number().int(), timeZone: z.string().min(1).max(64) }).loose();

export function hubSpotAccountInfo(transport: HubSpotTransport): AccountInfo {
  return {
    async timeZone(tenant) {
      const answer = await transport.request({
        portalId: tenant.accountId,
        method: 'GET',
        path: '/account-info/v3/details',
        idempotent: true,
        schema: detailsSchema,
      });
      if (!answer.ok) return answer;
      if (String(answer.value.portalId) !== tenant.accountId)
        return err(
          crmError(
            'CRM_BAD_RESPONSE',
            `HubSpot answered the account details of portal ${answer.value.portalId} for portal ${tenant.accountId}.`,
            200,
          ),
        );
      return ok(answer.value.timeZone);
    },
  };
}
