/**
 * prune-expired: the installation store's housekeeping. Expired OAuth install `state` nonces (every
 * unauthenticated install start adds one), webhook event ids older than any CRM still redelivers, and the
 * signatures of signed requests whose acceptance window has passed (every accepted request adds one) would
 * otherwise grow without limit. The composition root runs it on a timer.
 */
import type { Result } from '../src/domain/result.js';
import type { InstallationStore } from '../src/ports/installation-store.js';
import { attempt, type Unexpected } from './unexpected.js';

/** CRMs redeliver a failed webhook delivery for a few days at most; a week of ids is a safe margin. */
export const WEBHOOK_EVENT_RETENTION_DAYS = 7;

/** How many entries of each kind were removed. */
export interface Pruned {
  readonly states: number;
  readonly events: number;
  readonly signatures: number;
}

export function pruneExpired(
  installations: Pick<InstallationStore, 'pruneStates' | 'pruneEvents' | 'pruneSignatures'>,
): Promise<Result<Pruned, Unexpected>> {
  return attempt(async () => {
    const states = await installations.pruneStates();
    const events = await installations.pruneEvents(WEBHOOK_EVENT_RETENTION_DAYS);
    const signatures = await installations.pruneSignatures();
    return { states, events, signatures };
  });
}
