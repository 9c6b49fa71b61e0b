/**
 * The OAuth `state` parameter: `<nonce>.<expiresAt>.<browser>.<hmac>`, HMAC-SHA256 over the first three with
 * the state signing secret, and single-use through the installation store (saveState / consumeState).
 * `<browser>` is the SHA-256 of a second random value kept only in a cookie of the browser that began the
 * install, so a state is good only in that browser: a victim cannot be made to finish an install someone else
 * began (login CSRF). A forged, altered, expired, replayed or other-browser state is refused before the code
 * is exchanged.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../../domain/result.js';
import type { InstallationStore } from '../../ports/installation-store.js';

/** How long an admin has between starting the install and coming back with the code. */
export const STATE_TTL_MS = 10 * 60 * 1_000;

export type StateProblem = 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' | 'REPLAYED' | 'OTHER_BROWSER';

const mac = (secret: string, nonce: string, expiresAt: number, browser: string): string =>
  createHmac('sha256', secret).update(`${nonce}.${expiresAt}.${browser}`).digest('base64url');

const browserHash = (browserNonce: string): string =>
  createHash('sha256').update(browserNonce, 'utf8').digest('base64url');

export interface IssuedState {
  /** The `state` query parameter. */
  readonly state: string;
  /** The value for the install cookie: the state is accepted only with it. */
  readonly browserNonce: string;
}

export async function issueState(deps: {
  installations: InstallationStore;
  secret: string;
  clock: { now(): number };
}): Promise<IssuedState> {
  const nonce = randomBytes(18).toString('base64url');
  const browserNonce = randomBytes(24).toString('base64url');
  const expiresAt = deps.clock.now() + STATE_TTL_MS;
  await deps.installations.saveState(nonce, expiresAt);
  const browser = browserHash(browserNonce);
  return {
    state: `${nonce}.${expiresAt}.${browser}.${mac(deps.secret, nonce, expiresAt, browser)}`,
    browserNonce,
  };
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Lengths say nothing secret here (both are fixed-length base64url digests when well formed).
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Checks a state against the install cookie's value (undefined when the browser sent none). Only a state
 * that passes every check uses its nonce up, so a refused attempt leaves the real browser's install working.
 */
export async function consumeState(
  state: string,
  browserNonce: string | undefined,
  deps: { installations: InstallationStore; secret: string; clock: { now(): number } },
): Promise<Result<void, StateProblem>> {
  const match = /^([A-Za-z0-9_-]{16,64})\.(\d{1,15})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(state);
  if (!match) return err('MALFORMED');
  const [, nonce = '', expires = '', browser = '', given = ''] = match;
  const expiresAt = Number(expires);
  if (!sameText(given, mac(deps.secret, nonce, expiresAt, browser))) return err('BAD_SIGNATURE');
  if (expiresAt <= deps.clock.now()) return err('EXPIRED');
  if (browserNonce === undefined || !sameText(browserHash(browserNonce), browser))
    return err('OTHER_BROWSER');
  // Single use: the store says true exactly once, and only before the nonce expires.
  if (!(await deps.installations.consumeState(nonce))) return err('REPLAYED');
  return ok(undefined);
}
