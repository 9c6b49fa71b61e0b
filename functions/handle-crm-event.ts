/**
 * handle-crm-event: what one webhook event from a CRM does to the app (the CRM's adapter parsed it into a
 * CrmEvent). Handled at most once per event id across every instance, and safe under retries and reordering:
 *
 * - An event id already recorded (installation store markEventSeen) is a duplicate and does nothing. An event
 *   whose handling failed is forgotten again (forgetEvent), so the CRM's redelivery is handled on whichever
 *   instance gets it; when the store cannot forget it either, this handler remembers it, so that at least a
 *   redelivery to this process is handled.
 * - `uninstalled` marks the installation inactive, unless the installation was written after the event
 *   happened (a reinstall, or a token refresh, which only succeeds while installed): such an event is stale.
 * - `deal_deleted` archives the deal's plan; `deals_merged` leaves the surviving deal with one plan (the rule
 *   is PlanLifecycle.reconcileMerge's). Both only for an active installation, and only with a PlanLifecycle
 *   (without one they are counted as unsupported). Every PlanLifecycle method is idempotent. Then the
 *   next-change index forgets the deleted and merged-away deals and marks the survivor due (afterMerge); a
 *   failure of the index fails the event like any other, so the redelivery does it again.
 * - Anything else is acknowledged and ignored.
 */
import { MIN_DATE } from '../src/domain/dates.js';
import { err, ok, type Result } from '../src/domain/result.js';
import type { CrmEvent } from '../src/ports/crm-events.js';
import type { InstallationStore } from '../src/ports/installation-store.js';
import type { PlanLifecycle } from '../src/ports/plan-lifecycle.js';
import type { PlanSchedule } from '../src/ports/plan-schedule.js';
import type { PlanStoreError } from '../src/ports/plan-store.js';
import { attempt, settled, type Unexpected } from './unexpected.js';

export interface CrmEventDeps {
  readonly installations: Pick<
    InstallationStore,
    'markEventSeen' | 'forgetEvent' | 'getInstallation' | 'deactivate'
  >;
  /** Changes to plans whose deal changed (taking the deal locks); absent: deal events are unsupported. */
  readonly lifecycle?: PlanLifecycle;
  /** The next-change index: rows of deleted and merged-away deals are forgotten (absent: nothing to keep). */
  readonly schedule?: Pick<PlanSchedule, 'record' | 'forget'>;
}

export const CRM_EVENT_OUTCOMES = [
  'handled',
  'duplicate',
  'ignored',
  'stale',
  'inactive_tenant',
  'unsupported',
] as const;
export type CrmEventOutcome = (typeof CRM_EVENT_OUTCOMES)[number];

/** Why an event could not be handled yet (it was forgotten, so its redelivery is handled). */
export type CrmEventFailure = PlanStoreError | Unexpected;

export type CrmEventHandler = (event: CrmEvent) => Promise<Result<CrmEventOutcome, CrmEventFailure>>;

/** One handler per process: it keeps the failed events the store could not forget. */
export function crmEventHandler(deps: CrmEventDeps): CrmEventHandler {
  const unforgotten = new Set<string>();

  async function forget(eventId: string): Promise<void> {
    try {
      await deps.installations.forgetEvent(eventId);
    } catch {
      // The store is failing too: remember the event here so that at least this process handles the redelivery.
      unforgotten.add(eventId);
    }
  }

  return async (event) => {
    const seen = await attempt(() => deps.installations.markEventSeen(event.eventId));
    if (!seen.ok) return seen;
    const retry = unforgotten.delete(event.eventId);
    if (!seen.value && !retry) return ok('duplicate');
    const handled = await settled(() => dispatch(deps, event));
    if (!handled.ok) await forget(event.eventId);
    return handled;
  };
}

async function dispatch(
  deps: CrmEventDeps,
  event: CrmEvent,
): Promise<Result<CrmEventOutcome, PlanStoreError>> {
  const { tenant } = event;
  const installation = await deps.installations.getInstallation(tenant);
  if (event.kind === 'uninstalled') {
    if (!installation) return ok('ignored');
    if (installation.updatedAt > event.occurredAt) return ok('stale');
    await deps.installations.deactivate(tenant, 'uninstalled');
    return ok('handled');
  }
  if (installation?.status.state !== 'active') return ok('inactive_tenant');
  switch (event.kind) {
    case 'deal_deleted': {
      if (!deps.lifecycle) return ok('unsupported');
      const deal = { ...tenant, dealId: event.dealId };
      const archived = await deps.lifecycle.archiveDealPlan(deal);
      if (!archived.ok) return err(archived.error);
      await deps.schedule?.forget([deal]);
      return ok('handled');
    }
    case 'deals_merged': {
      if (!deps.lifecycle) return ok('unsupported');
      const merged = await deps.lifecycle.reconcileMerge({
        survivor: { ...tenant, dealId: event.survivorDealId },
        primaryDealId: event.primaryDealId,
        mergedDealIds: event.mergedDealIds,
      });
      if (!merged.ok) return err(merged.error);
      await afterMerge(deps, event, merged.value.keptPlanOf !== null);
      return ok('handled');
    }
    case 'other':
      return ok('ignored');
  }
}

/**
 * The index after a merge: the merged-away deals' rows go; the survivor, when it kept a plan, is due at once
 * (its plan may be another deal's, whose date this handler does not know), so the next daily pass reads it and
 * records its date.
 */
async function afterMerge(
  deps: CrmEventDeps,
  event: Extract<CrmEvent, { kind: 'deals_merged' }>,
  survivorHasPlan: boolean,
): Promise<void> {
  if (!deps.schedule) return;
  const { tenant, survivorDealId } = event;
  const gone = [event.primaryDealId, ...event.mergedDealIds].filter((id) => id !== survivorDealId);
  await deps.schedule.forget([...new Set(gone)].map((dealId) => ({ ...tenant, dealId })));
  const survivor = { ...tenant, dealId: survivorDealId };
  if (survivorHasPlan) await deps.schedule.record([{ deal: survivor, nextChange: MIN_DATE }]);
  else await deps.schedule.forget([survivor]);
}
