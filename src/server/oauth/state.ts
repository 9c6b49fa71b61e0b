/**
 * The OAuth `state` parameter: `<nonce>.<expiresAt>.<hmac>`, HMAC-SHA256 over nonce and expiry with the
 * state signing secret, and single-use through the installation store (saveState / consumeState). A
 * forged, altered, expired or replayed state is refused before the code is exchanged.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../../domain/result.js';
import type { InstallationStore } from '../../ports/installation-store.js';

/** How long an admin has between starting the install and coming back with the code. */
export const STATE_TTL_MS = 10 * 60 * 1_000;

export type StateProblem = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'REPLAYED';

const mac = (secret: string, nonce: string, expiresAt: number): string =>
  createHmac('sha256', secret).update(`${nonce}.${expiresAt}`).digest('base64url');

export async function issueState(deps: {
  installations: InstallationStore;
  secret: string;
  clock: { now(): number };
}): Promise<string> {
  const nonce = randomBytes(18).toString('base64url');
  const expiresAt = deps.clock.now() + STATE_TTL_MS;
  await deps.installations.saveState(nonce, expiresAt);
  return `${nonce}.${expiresAt}.${mac(deps.secret, nonce, expiresAt)}`;
}

export async function consumeState(
  state: string,
  deps: { installations: InstallationStore; secret: string; clock: { now(): number } },
): Promise<Result<void, StateProblem>> {
  const match = /^([A-Za-z0-9_-]{16,64})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(state);
  if (!match) return err('MALFORMED');
  const [, nonce = '', expires = '', given = ''] = match;
  const expiresAt = Number(expires);
  const expected = Buffer.from(mac(deps.secret, nonce, expiresAt));
  if (!timingSafeEqual(Buffer.from(given), expected)) return err('BAD_SIGNATURE');
  if (expiresAt <= deps.clock.now()) return err('EXPIRED');
  // Single use: the store says true exactly once, and only before the nonce expires.
  if (!(await deps.installations.consumeState(nonce))) return err('REPLAYED');
  return ok(undefined);
}
