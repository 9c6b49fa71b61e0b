/**
 * Housekeeping of the installation store: expired OAuth install `state` nonces (every unauthenticated
 * GET /oauth/install adds one), webhook event ids older than HubSpot's retry horizon and the signatures of
 * signed requests whose 5-minute window has passed (every accepted request adds one) would otherwise grow
 * without limit.
 */
import type { Logger } from '../lib/logger.js';
import type { InstallationStore } from '../ports/installation-store.js';

/** HubSpot retries a failed webhook delivery for up to about 3 days; a week of ids is a safe margin. */
export const WEBHOOK_EVENT_RETENTION_DAYS = 7;
export const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

export async function pruneInstallationStore(
  installations: Pick<InstallationStore, 'pruneStates' | 'pruneEvents' | 'pruneSignatures'>,
  logger: Logger,
): Promise<{ states: number; events: number; signatures: number }> {
  const states = await installations.pruneStates();
  const events = await installations.pruneEvents(WEBHOOK_EVENT_RETENTION_DAYS);
  const signatures = await installations.pruneSignatures();
  if (states + events + signatures > 0)
    logger.info({ states, events, signatures }, 'installation store pruned');
  return { states, events, signatures };
}

/** Runs the pruning now and then every `intervalMs`; the timer never keeps the process alive. */
export function startHousekeeping(
  installations: Pick<InstallationStore, 'pruneStates' | 'pruneEvents' | 'pruneSignatures'>,
  logger: Logger,
  intervalMs = HOUSEKEEPING_INTERVAL_MS,
): { stop(): void } {
  const run = (): void => {
    pruneInstallationStore(installations, logger).catch((error: unknown) => {
      // A failed prune only delays the clean-up to the next run; the store's own errors are logged there.
      logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'installation store pruning failed',
      );
    });
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
