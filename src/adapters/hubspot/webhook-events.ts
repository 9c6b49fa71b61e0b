/**
 * HubSpot's webhook deliveries, as the app's CrmEvents: the batch schema (a JSON array of events, each with
 * its portal, subscription type and object ids) and what each subscription type means to the app.
 *
 * `deal.deletion` is a deleted deal; `deal.merge` names the deal HubSpot gave priority (primaryObjectId), the
 * others merged into it and, when the merge made a new deal, newObjectId; `app.uninstall` (or
 * `app.uninstalled`) is an uninstall. The uninstall event name follows HubSpot's app lifecycle events as
 * integrators report them; confirm on a real portal (token refresh failures deactivate a portal either way).
 * Every other type, and a deal event without the ids it needs, is an event the app does not act on.
 */
import { z } from 'zod';
import { err, ok } from '../../domain/result.js';
import type { CrmEvent, CrmEventParser } from '../../ports/crm-events.js';
import { hubSpotTenant } from './tenant.js';

const Id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,19}$/)]).transform(String);

export const webhookEventSchema = z
  .object({
    eventId: Id,
    subscriptionType: z.string().min(1).max(100),
    portalId: z.number().int().positive(),
    occurredAt: z.number().int().nonnegative(),
    objectId: Id.optional(),
    primaryObjectId: Id.optional(),
    mergedObjectIds: z.array(Id).max(100).optional(),
    newObjectId: Id.optional(),
    attemptNumber: z.number().int().nonnegative().optional(),
  })
  .loose();
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
/** HubSpot sends at most 100 events per request; the bound keeps a hostile body from driving the loop. */
export const webhookBatchSchema = z.array(webhookEventSchema).min(1).max(1_000);

export const UNINSTALL_EVENT_TYPES = ['app.uninstall', 'app.uninstalled'] as const;

/** One HubSpot event in the app's words. */
export function crmEventOf(event: WebhookEvent): CrmEvent {
  const base = {
    eventId: event.eventId,
    tenant: hubSpotTenant(event.portalId),
    occurredAt: event.occurredAt,
    type: event.subscriptionType,
  };
  if ((UNINSTALL_EVENT_TYPES as readonly string[]).includes(event.subscriptionType))
    return { ...base, kind: 'uninstalled' };
  if (event.subscriptionType === 'deal.deletion' && event.objectId !== undefined)
    return { ...base, kind: 'deal_deleted', dealId: event.objectId };
  if (event.subscriptionType === 'deal.merge' && event.primaryObjectId !== undefined)
    return {
      ...base,
      kind: 'deals_merged',
      survivorDealId: event.newObjectId ?? event.primaryObjectId,
      primaryDealId: event.primaryObjectId,
      mergedDealIds: event.mergedObjectIds ?? [],
    };
  return { ...base, kind: 'other' };
}

/** The parser the webhook route is given for POST /webhooks/hubspot. */
export const hubSpotWebhookEvents: CrmEventParser = {
  parse(body) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(body));
    } catch {
      // Not JSON: nothing HubSpot would send; refused without detail.
      json = undefined;
    }
    const batch = webhookBatchSchema.safeParse(json);
    if (!batch.success) return err({ message: 'The webhook body is not a batch of HubSpot events.' });
    return ok(batch.data.map(crmEventOf));
  },
};
