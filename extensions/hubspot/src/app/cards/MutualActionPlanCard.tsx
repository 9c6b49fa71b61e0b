/**
 * Entry point of the deal card (see mutual-action-plan-hsmeta.json). Wires the production backend client —
 * hubspot.fetch to the origin baked in by `npm run hubspot:configure` — into the card.
 */
import { hubspot } from '@hubspot/ui-extensions';
import { MapCard } from './app/MapCard.js';
import { createFetchBackend } from './app/fetch-backend.js';
import { BACKEND_CONFIG } from './generated/backend-config.js';

const backend = createFetchBackend({
  origin: BACKEND_CONFIG.origin,
  timeoutMs: BACKEND_CONFIG.timeoutMs,
  fetch: (url, options) => hubspot.fetch(url, options),
});

hubspot.extend<'crm.record.tab'>(() => <MapCard backend={backend} />);
