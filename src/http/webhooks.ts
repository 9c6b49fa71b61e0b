/**
 * POST /webhooks/hubspot: HubSpot's webhook batches, v3-signature-verified like /api requests, each signature
 * accepted once (a replayed request is 401; HubSpot's own redelivery is signed afresh and passes).
 *
 * - Deduplicated by event id (installation store markEventSeen); an event whose handling failed is forgotten
 *   again (forgetEvent), so HubSpot's redelivery is handled on whichever instance gets it (the batch is
 *   answered 503 so that it is redelivered).
 * - Safe under retries and reordering: every handler is idempotent, and an uninstall that happened before
 *   the installation was last written (a reinstall, or a token refresh, which only succeeds while installed)
 *   is stale and ignored.
 * - deal.deletion archives the deal's milestones; deal.merge leaves the surviving deal with one plan (the rule
 *   is PlanLifecycle.reconcileMerge's); app.uninstall marks the installation inactive. Other events are
 *   acknowledged and ignored. The uninstall event name follows HubSpot's app lifecycle events as integrators
 *   report them; confirm on a real portal (token refresh failures deactivate a portal either way).
 */
import { hubSpotTenant } from '../adapters/hubspot/tenant.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { InstallationStore } from '../ports/installation-store.js';
import type { PlanLifecycle } from '../ports/plan-lifecycle.js';
import { INTERNAL_ERROR, sendApiError } from './errors.js';
import { context, withinRequest } from './request-context.js';
import {
  bodyBytes,
  rawBody,
  refuseEncodedBody,
  verifiedRequest,
  verifySignature,
  type SignatureOptions,
} from './signed-request.js';

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

export interface WebhookDeps {
  readonly installations: InstallationStore;
  /** Absent: deal deletions and merges are acknowledged without action (no storage implementation yet). */
  readonly lifecycle?: PlanLifecycle;
  readonly signature: SignatureOptions;
}

type Outcome = 'handled' | 'duplicate' | 'ignored' | 'stale' | 'inactive_portal' | 'unsupported';

export function createWebhookRouter(deps: WebhookDeps): Router {
  const router = express.Router();
  /** Failed events the store could not forget either: this process at least handles their redelivery. */
  const unforgotten = new Set<string>();

  async function handle(event: WebhookEvent): Promise<Outcome> {
    const fresh = await deps.installations.markEventSeen(event.eventId);
    const retry = unforgotten.delete(event.eventId);
    if (!fresh && !retry) return 'duplicate';
    try {
      return await dispatch(event);
    } catch (error) {
      try {
        await deps.installations.forgetEvent(event.eventId);
      } catch {
        // The store is failing too: remember the event here so that at least this process handles the redelivery.
        unforgotten.add(event.eventId);
      }
      throw error;
    }
  }

  async function dispatch(event: WebhookEvent): Promise<Outcome> {
    const tenant = hubSpotTenant(event.portalId);
    const installation = await deps.installations.getInstallation(tenant);
    if ((UNINSTALL_EVENT_TYPES as readonly string[]).includes(event.subscriptionType)) {
      if (!installation) return 'ignored';
      if (installation.updatedAt > event.occurredAt) return 'stale';
      await deps.installations.deactivate(tenant, 'uninstalled');
      return 'handled';
    }
    if (installation?.status.state !== 'active') return 'inactive_portal';
    const dealEvent = event.subscriptionType === 'deal.deletion' || event.subscriptionType === 'deal.merge';
    if (dealEvent && !deps.lifecycle) return 'unsupported';
    if (event.subscriptionType === 'deal.deletion' && event.objectId !== undefined) {
      const archived = await deps.lifecycle!.archiveDealPlan({ ...tenant, dealId: event.objectId });
      if (!archived.ok) throw new WebhookHandlingError(archived.error.code);
      return 'handled';
    }
    if (event.subscriptionType === 'deal.merge' && event.primaryObjectId !== undefined) {
      const survivor = event.newObjectId ?? event.primaryObjectId;
      const merged = await deps.lifecycle!.reconcileMerge({
        survivor: { ...tenant, dealId: survivor },
        primaryDealId: event.primaryObjectId,
        mergedDealIds: event.mergedObjectIds ?? [],
      });
      if (!merged.ok) throw new WebhookHandlingError(merged.error.code);
      return 'handled';
    }
    return 'ignored';
  }

  router.post(
    '/hubspot',
    refuseEncodedBody,
    rawBody,
    verifySignature(deps.signature),
    async (req: Request, res: Response) => {
      const ctx = context(res);
      // hubspot.fetch signs card calls with the same secret and scheme, and card code picks the path: a card
      // call aimed here would verify, and its body could name any portal. HubSpot appends the caller to the query
      // of every card call, and the webhook target URL has no query: a signed request with one is not a webhook.
      if (deps.signature.verifier.mayBeCardCall(verifiedRequest(res))) {
        ctx.log.warn({ reason: 'QUERY_ON_WEBHOOK' }, 'request refused: signature');
        sendApiError(
          res,
          { code: 'UNAUTHORIZED', message: 'This request is not a HubSpot webhook delivery.' },
          ctx.requestId,
        );
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(bodyBytes(req).toString('utf8'));
      } catch {
        // Not JSON: nothing HubSpot would send; refused without detail.
        json = undefined;
      }
      const batch = webhookBatchSchema.safeParse(json);
      if (!batch.success) {
        sendApiError(
          res,
          { code: 'INVALID_INPUT', message: 'The webhook body is not a batch of HubSpot events.' },
          ctx.requestId,
        );
        return;
      }
      const counts: Record<Outcome | 'failed', number> = {
        handled: 0,
        duplicate: 0,
        ignored: 0,
        stale: 0,
        inactive_portal: 0,
        unsupported: 0,
        failed: 0,
      };
      // In order: HubSpot's batch order is the closest thing to the order events happened in.
      for (const event of batch.data) {
        try {
          counts[await withinRequest(res, () => handle(event))]++;
        } catch (error) {
          // One failing event must not stop the others; the batch is answered 503 so HubSpot redelivers it.
          counts.failed++;
          ctx.log.warn(
            {
              eventId: event.eventId,
              type: event.subscriptionType,
              portalId: event.portalId,
              code: error instanceof WebhookHandlingError ? error.code : 'UNEXPECTED',
            },
            'webhook event failed',
          );
        }
      }
      ctx.log.info(counts, 'webhook batch');
      if (counts.unsupported > 0)
        ctx.log.warn(
          { unsupported: counts.unsupported },
          'deal deletions/merges not applied: no PlanLifecycle is configured',
        );
      if (counts.failed > 0) {
        sendApiError(
          res,
          {
            code: 'CRM_UNAVAILABLE',
            message: `${counts.failed} event(s) could not be handled yet; redeliver the batch.`,
            retryAfterSeconds: 30,
          },
          ctx.requestId,
        );
        return;
      }
      res.status(200).json(counts);
    },
  );

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const ctx = context(res);
    if (typeof error === 'object' && error !== null && 'type' in error && error.type === 'entity.too.large') {
      sendApiError(
        res,
        { code: 'PAYLOAD_TOO_LARGE', message: 'The webhook body is larger than 1 MB.' },
        ctx.requestId,
      );
      return;
    }
    ctx.log.error({ err: error }, 'webhook failed: unexpected error');
    sendApiError(res, INTERNAL_ERROR, ctx.requestId);
  });
  return router;
}

class WebhookHandlingError extends Error {
  override readonly name = 'WebhookHandlingError';
  constructor(readonly code: string) {
    super(`webhook event handling failed: ${code}`);
  }
}
