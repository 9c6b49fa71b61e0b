import { pino } from 'pino';
import { err, ok } from '../../../domain/result.js';
import type { InactiveReason, InstallationStore, OAuthTokens } from '../../../ports/installation-store.js';
import type { TokenError } from './token-client.js';
import { AccessTokenProvider, REFRESH_MARGIN_MS, type AccessTokenProviderDeps } from './token-provider.js';

/** Just the token part of the installation store. */
function tokenStore(tokens: OAuthTokens) {
  const state = {
    tokens: tokens as OAuthTokens | undefined,
    deactivated: undefined as InactiveReason | undefined,
  };
  const store = {
    getTokens: () => Promise.resolve(state.tokens),
    saveTokens: (_p: number, t: OAuthTokens) => {
      state.tokens = t;
      return Promise.resolve(true);
    },
    deactivate: (_p: number, reason: InactiveReason) => {
      state.deactivated = reason;
      state.tokens = undefined;
      return Promise.resolve(true);
    },
  } as unknown as InstallationStore;
  return { store, state };
}

const clock = { now: () => 1_000_000 };
const expiring: OAuthTokens = {
  accessToken: 'old',
  refreshToken: 'r',
  expiresAt: clock.now() + REFRESH_MARGIN_MS - 1,
};
const failing = (error: TokenError) => ({ refresh: () => Promise.resolve(err(error)) });
/** HubSpot's answer to a successful refresh: a new access token for 30 minutes. */
const refreshedToNew = ok({
  accessToken: 'new',
  refreshToken: 'r',
  expiresAt: clock.now() + 1_800_000,
  portalId: 1,
  scopes: undefined,
});
const providerOver = (installations: InstallationStore, oauth: AccessTokenProviderDeps['oauth']) =>
  new AccessTokenProvider({ installations, oauth, clock, log: pino({ level: 'silent' }) });

test('a token with more than the margin left is used as is', async () => {
  const { store } = tokenStore({ ...expiring, expiresAt: clock.now() + REFRESH_MARGIN_MS + 1 });
  const provider = new AccessTokenProvider({
    installations: store,
    oauth: failing({ kind: 'unavailable', message: '' }),
    clock,
    log: pino({ level: 'silent' }),
  });
  expect(await provider.accessToken('1')).toEqual(ok('old'));
});

test('an unavailable HubSpot keeps the still-valid token, and a short outage never deactivates, however many failures', async () => {
  const { store, state } = tokenStore(expiring);
  const provider = new AccessTokenProvider({
    installations: store,
    oauth: failing({ kind: 'unavailable', message: 'down' }),
    clock,
    log: pino({ level: 'silent' }),
    maxFailures: 3,
  });
  expect(await provider.accessToken('1')).toEqual(ok('old'));
  expect(await provider.accessToken('1')).toEqual(ok('old'));
  expect(await provider.accessToken('1')).toEqual(ok('old'));
  expect(await provider.accessToken('1')).toEqual(ok('old'));
  expect(state.deactivated).toBeUndefined();
});

test('refreshes that keep failing, N in a row over the minimum time, mark the portal inactive', async () => {
  const moving = { ms: clock.now() };
  // The token is inside its refresh margin, so every call tries a refresh, and still valid for a few minutes.
  const { store, state } = tokenStore(expiring);
  const provider = new AccessTokenProvider({
    installations: store,
    oauth: failing({ kind: 'unavailable', message: 'down' }),
    clock: { now: () => moving.ms },
    log: pino({ level: 'silent' }),
    maxFailures: 3,
    minFailingMs: 60_000,
  });
  expect(await provider.accessToken('1')).toEqual(ok('old'));
  moving.ms += 30_000;
  expect(await provider.accessToken('1')).toEqual(ok('old'));
  moving.ms += 31_000;
  expect(await provider.accessToken('1')).toEqual(err(expect.objectContaining({ reason: 'inactive' })));
  expect(state.deactivated).toBe('refresh_failed');
});

test('invalid_client (our own credentials) never deactivates on the first failure', async () => {
  const { store, state } = tokenStore(expiring);
  const provider = new AccessTokenProvider({
    installations: store,
    oauth: failing({ kind: 'invalid_client', message: 'bad' }),
    clock,
    log: pino({ level: 'silent' }),
  });
  expect(await provider.accessToken('1')).toEqual(ok('old'));
  expect(state.deactivated).toBeUndefined();
});

test('invalid_client (our own credentials) never deactivates, however often it repeats', async () => {
  const { store, state } = tokenStore(expiring);
  const provider = new AccessTokenProvider({
    installations: store,
    oauth: failing({ kind: 'invalid_client', message: 'bad' }),
    clock,
    log: pino({ level: 'silent' }),
    maxFailures: 3,
  });
  for (let i = 0; i < 10; i++) expect(await provider.accessToken('1')).toEqual(ok('old'));
  expect(state.deactivated).toBeUndefined();
  expect(state.tokens?.refreshToken).toBe('r');
});

test('a refreshed token is saved and returned', async () => {
  const { store, state } = tokenStore(expiring);
  const provider = providerOver(store, { refresh: () => Promise.resolve(refreshedToNew) });
  expect(await provider.accessToken('1')).toEqual(ok('new'));
  expect(state.tokens?.accessToken).toBe('new');
});

test('a portal without tokens, and a refresh refused by HubSpot, are inactive results (the refusal deactivates)', async () => {
  const none = tokenStore(expiring);
  none.state.tokens = undefined;
  const idle = providerOver(none.store, failing({ kind: 'unavailable', message: '' }));
  expect(await idle.accessToken('1')).toEqual(
    err({ portalId: 1, reason: 'inactive', message: 'Portal 1 has no tokens (not installed, or inactive).' }),
  );
  const { store, state } = tokenStore(expiring);
  const refused = providerOver(store, failing({ kind: 'invalid_grant', message: 'revoked' }));
  expect(await refused.accessToken('1')).toEqual(err(expect.objectContaining({ reason: 'inactive' })));
  expect(state.deactivated).toBe('token_revoked');
});

test('an expired token HubSpot cannot refresh right now is unavailable, and the portal stays active', async () => {
  const { store, state } = tokenStore({ ...expiring, expiresAt: clock.now() - 1 });
  const provider = providerOver(store, failing({ kind: 'unavailable', message: 'down' }));
  expect(await provider.accessToken('1')).toEqual(
    err({
      portalId: 1,
      reason: 'unavailable',
      message: 'HubSpot could not refresh the access token of portal 1: down',
    }),
  );
  expect(state.deactivated).toBeUndefined();
});

test('concurrent callers share one refresh', async () => {
  const { store } = tokenStore(expiring);
  let refreshes = 0;
  const provider = providerOver(store, {
    refresh: async () => {
      refreshes++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return refreshedToNew;
    },
  });
  const answers = await Promise.all([1, 2, 3].map(() => provider.accessToken('1')));
  expect(answers).toEqual([ok('new'), ok('new'), ok('new')]);
  expect(refreshes).toBe(1);
});
