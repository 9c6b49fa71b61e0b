/**
 * Events a CRM delivers to the app's webhook endpoint, in the app's words: the app was uninstalled, a deal was
 * deleted, deals were merged, or something the app does not act on. Each CRM's adapter parses its own
 * delivery format into these (src/adapters/<crm>/webhook-events.ts) and the use case (functions/
 * handle-crm-event.ts) decides what each one does, so neither the HTTP layer nor the use case reads a
 * provider's payload.
 */
import type { Tenant } from '../domain/model.js';
import type { Result } from '../domain/result.js';

interface EventBase {
  /** The CRM's id of this event; a redelivery carries the same id (that is how duplicates are told). */
  readonly eventId: string;
  /** The account the event is about. */
  readonly tenant: Tenant;
  /** When it happened in the CRM, ms since the epoch. */
  readonly occurredAt: number;
  /** The CRM's own name of the event type, for the log. */
  readonly type: string;
}

export type CrmEvent =
  | (EventBase & { readonly kind: 'uninstalled' })
  | (EventBase & { readonly kind: 'deal_deleted'; readonly dealId: string })
  | (EventBase & {
      readonly kind: 'deals_merged';
      /** The deal the merge left (it may be one of the merged deals, or a new one). */
      readonly survivorDealId: string;
      /** The deal the CRM gave priority in the merge: its plan is the one kept when it has one. */
      readonly primaryDealId: string;
      /** The other deals merged into the survivor. */
      readonly mergedDealIds: readonly string[];
    })
  | (EventBase & { readonly kind: 'other' });

export type CrmEventKind = CrmEvent['kind'];

export interface CrmEventParser {
  /**
   * The events of one webhook delivery (its raw body, whose signature the HTTP layer already checked), in the
   * order the CRM sent them; a sentence for the sender when the body is not a delivery of this CRM.
   */
  parse(body: Uint8Array): Result<readonly CrmEvent[], { readonly message: string }>;
}
