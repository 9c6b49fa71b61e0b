/** Plans for the HubSpot integration tests, built on the domain's own test factories. */
import { aGoal, aMilestone, aRisk, aStakeholder, anActivityEntry } from '../../src/domain/test-factories.js';
import type { DealRef, EditContext, Plan } from '../../src/domain/model.js';
import { addDays } from '../../src/domain/dates.js';
import type { HubSpotTransport } from '../../src/adapters/hubspot/transport.js';
import { type CrmRequest } from '../../src/adapters/hubspot/transport.js';

export const TODAY = '2026-11-16';

/** A valid plan with `n` milestones in a chain, the last one the close; version 0 (never saved). */
export function planWith(deal: DealRef, n: number, overrides: Partial<Plan> = {}): Plan {
  const milestones = Array.from({ length: n }, (_, i) =>
    aMilestone({
      id: `m-${i + 1}`,
      title: `Milestone ${i + 1}`,
      description: `What happens in step ${i + 1}.`,
      buyerOwnerId: i % 2 === 0 ? 's-champion' : null,
      sellerOwnerId: 's-seller',
      dueDate: addDays('2026-11-20', i),
      status: i === 0 ? 'done' : 'not_started',
      completedDate: i === 0 ? '2026-11-12' : null,
      dependsOn: i === 0 ? [] : [`m-${i}`],
      isClose: i === n - 1,
      order: i,
    }),
  );
  return {
    deal,
    title: 'Acme × Example',
    valueSummary: 'Acme closes its books in 5 days instead of 10.',
    goals: [aGoal()],
    stakeholders: [
      aStakeholder({
        id: 's-seller',
        side: 'seller',
        name: 'Sam Seller',
        role: 'account_executive',
        ownerId: '1',
      }),
      aStakeholder({ id: 's-champion', name: 'Bea Buyer', role: 'champion' }),
    ],
    milestones,
    risks: [aRisk()],
    targetCloseDate: n > 0 ? addDays('2026-11-20', n - 1) : null,
    templateId: null,
    version: 0,
    activity: [anActivityEntry({ at: '2026-11-16T09:00:00.000Z' })],
    ...overrides,
  };
}

let counter = 0;
/** A fresh edit context whose `now` moves forward on every call, so that every edit changes map_updated_at. */
export function ctx(): EditContext {
  counter += 1;
  return {
    today: TODAY,
    now: new Date(Date.UTC(2026, 10, 16, 10, 0, counter)).toISOString(),
    actor: 'user:42',
    newId: () => `new-${counter}-${Math.random().toString(16).slice(2, 8)}`,
  };
}

export interface SeenRequest {
  readonly req: CrmRequest<unknown>;
  readonly startedAt: number;
  endedAt: number;
}

/** Every request the transport is asked to send (one per request, retries inside it), with its timing. */
export function captureRequests(transport: HubSpotTransport): SeenRequest[] {
  const seen: SeenRequest[] = [];
  const original = transport.request.bind(transport);
  transport.request = async <T>(req: CrmRequest<T>) => {
    const entry: SeenRequest = { req: req, startedAt: performance.now(), endedAt: Number.POSITIVE_INFINITY };
    seen.push(entry);
    try {
      return await original(req);
    } finally {
      entry.endedAt = performance.now();
    }
  };
  return seen;
}

/**
 * Sequential round trips among requests: a request that started after another ended comes one round trip
 * after it; the answer is the longest such chain.
 */
export function roundTrips(requests: readonly SeenRequest[]): number {
  const sorted = [...requests].sort((a, b) => a.startedAt - b.startedAt);
  const depth: number[] = [];
  sorted.forEach((a, i) => {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.endedAt <= a.startedAt) d = Math.max(d, depth[j]! + 1);
    depth.push(d);
  });
  return Math.max(0, ...depth);
}

/** Requests by `METHOD path-kind` (ids left out), for call-count assertions. */
export function callsByKind(requests: readonly SeenRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { req } of requests) {
    const kind = `${req.method} ${req.path.replace(/\/objects\/deals\/\d+/, '/objects/deals/{id}').replace(/p\d+_map_milestone|2-\d+/, '{milestone}')}`;
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}
