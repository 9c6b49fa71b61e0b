/**
 * POST /webhooks/hubspot: the CRM's webhook deliveries, signature-verified like /api requests (the CRM's
 * RequestVerifier), each signature accepted once (a replayed request is 401; HubSpot's own redelivery is
 * signed afresh and passes). The body is parsed by the CRM's adapter (the injected CrmEventParser) into
 * CrmEvents, and each one, in the order sent, goes to the use case (functions/handle-crm-event.ts: dedupe,
 * uninstall, deleted and merged deals). The answer counts the outcomes: 200 when every event was handled, 503
 * when one failed (it was forgotten, so the CRM's redelivery of the batch handles it).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { crmEventHandler, type CrmEventOutcome } from '../../functions/handle-crm-event.js';
import type { CrmEventParser } from '../ports/crm-events.js';
import type { InstallationStore } from '../ports/installation-store.js';
import type { PlanLifecycle } from '../ports/plan-lifecycle.js';
import type { PlanSchedule } from '../ports/plan-schedule.js';
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

export interface WebhookDeps {
  readonly installations: InstallationStore;
  /** Absent: deal deletions and merges are acknowledged without action (no storage implementation yet). */
  readonly lifecycle?: PlanLifecycle;
  /** The next-change index: deleted and merged-away deals are forgotten (functions/handle-crm-event.ts). */
  readonly schedule?: PlanSchedule;
  readonly signature: SignatureOptions;
  /** The CRM's delivery format (src/adapters/<crm>/webhook-events.ts). */
  readonly events: CrmEventParser;
}

/** The answer's counts, by the names its readers know (an inactive tenant is counted as `inactive_portal`). */
const COUNTED_AS = {
  handled: 'handled',
  duplicate: 'duplicate',
  ignored: 'ignored',
  stale: 'stale',
  inactive_tenant: 'inactive_portal',
  unsupported: 'unsupported',
} as const satisfies Record<CrmEventOutcome, string>;
type Counted = (typeof COUNTED_AS)[CrmEventOutcome] | 'failed';

export function createWebhookRouter(deps: WebhookDeps): Router {
  const router = express.Router();
  const handle = crmEventHandler({
    installations: deps.installations,
    ...(deps.lifecycle ? { lifecycle: deps.lifecycle } : {}),
    ...(deps.schedule ? { schedule: deps.schedule } : {}),
  });

  router.post(
    '/hubspot',
    refuseEncodedBody,
    rawBody,
    verifySignature(deps.signature),
    async (req: Request, res: Response) => {
      const ctx = context(res);
      // The CRM may sign card calls with the same secret and scheme (hubspot.fetch does), and card code picks
      // the path: a card call aimed here would verify, and its body could name any account. The CRM's verifier
      // tells them apart (HubSpot appends the caller to the query of every card call; the webhook target URL
      // has no query).
      const { verifier } = deps.signature;
      if (verifier.mayBeCardCall(verifiedRequest(res))) {
        ctx.log.warn({ reason: 'QUERY_ON_WEBHOOK' }, 'request refused: signature');
        sendApiError(
          res,
          { code: 'UNAUTHORIZED', message: `This request is not a ${verifier.crmName} webhook delivery.` },
          ctx.requestId,
        );
        return;
      }
      const batch = deps.events.parse(bodyBytes(req));
      if (!batch.ok) {
        sendApiError(res, { code: 'INVALID_INPUT', message: batch.error.message }, ctx.requestId);
        return;
      }
      const counts: Record<Counted, number> = {
        handled: 0,
        duplicate: 0,
        ignored: 0,
        stale: 0,
        inactive_portal: 0,
        unsupported: 0,
        failed: 0,
      };
      // In order: the batch order is the closest thing to the order events happened in.
      for (const event of batch.value) {
        const outcome = await withinRequest(res, () => handle(event));
        if (outcome.ok) {
          counts[COUNTED_AS[outcome.value]]++;
          continue;
        }
        // One failing event does not stop the others; the batch is answered 503 so the CRM redelivers it.
        counts.failed++;
        const { code } = outcome.error;
        ctx.log.warn(
          {
            eventId: event.eventId,
            type: event.type,
            crm: event.tenant.crm,
            accountId: event.tenant.accountId,
            code,
            ...(code === 'UNEXPECTED' ? { err: outcome.error.cause } : {}),
          },
          'webhook event failed',
        );
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
