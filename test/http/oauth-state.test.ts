/**
 * The OAuth install state (src/http/oauth/state.ts) over the real installation store (SQLite in memory):
 * single use, bound to the browser that began the install, signed, expiring.
 */
import { TokenCipher } from '../../src/adapters/db/token-cipher.js';
import { openInstallationStore } from '../../src/adapters/db/open.js';
import { SANDBOX_DEV_VALUES } from '../../src/config.js';
import { parseTokenKeys } from '../../src/adapters/db/token-cipher.js';
import type { InstallationStore } from '../../src/ports/installation-store.js';
import { consumeState, issueState, STATE_TTL_MS } from '../../src/http/oauth/state.js';

const keys = parseTokenKeys(SANDBOX_DEV_VALUES.TOKEN_ENCRYPTION_KEYS);
const clock = {
  ms: 1_800_000_000_000,
  now() {
    return this.ms;
  },
};
let installations: InstallationStore;
const deps = () => ({ installations, secret: 'a-state-signing-secret-of-32-chars!!', clock });

beforeEach(async () => {
  if (!keys.ok) throw new Error('keys');
  installations = await openInstallationStore({
    sqlitePath: ':memory:',
    cipher: new TokenCipher(keys.value),
    clock,
  });
});
afterEach(async () => installations.close());

test('a state is accepted once, then refused as replayed', async () => {
  const { state, browserNonce } = await issueState(deps());
  expect((await consumeState(state, browserNonce, deps())).ok).toBe(true);
  expect(await consumeState(state, browserNonce, deps())).toEqual({ ok: false, error: 'REPLAYED' });
});

test('a state is accepted only with the cookie of the browser that began the install; a refusal does not use it up', async () => {
  const { state, browserNonce } = await issueState(deps());
  const other = await issueState(deps());
  expect(await consumeState(state, undefined, deps())).toEqual({ ok: false, error: 'OTHER_BROWSER' });
  expect(await consumeState(state, other.browserNonce, deps())).toEqual({
    ok: false,
    error: 'OTHER_BROWSER',
  });
  expect(state).not.toContain(browserNonce);
  expect((await consumeState(state, browserNonce, deps())).ok).toBe(true);
});

test('the browser binding is signed: swapping in the hash of the attacker’s own cookie breaks the signature', async () => {
  const victim = await issueState(deps());
  const attacker = await issueState(deps());
  const [nonce, expires, , mac] = victim.state.split('.');
  const attackerHash = attacker.state.split('.')[2];
  expect(
    await consumeState(`${nonce}.${expires}.${attackerHash}.${mac}`, attacker.browserNonce, deps()),
  ).toEqual({
    ok: false,
    error: 'BAD_SIGNATURE',
  });
});

test('a state signed with another secret, or with its expiry changed, is refused', async () => {
  const { state, browserNonce } = await issueState(deps());
  expect(
    await consumeState(state, browserNonce, { ...deps(), secret: 'another-secret-another-secret-xx!' }),
  ).toEqual({
    ok: false,
    error: 'BAD_SIGNATURE',
  });
  const [nonce, expires, browser, mac] = state.split('.');
  expect(
    await consumeState(`${nonce}.${Number(expires) + 60_000}.${browser}.${mac}`, browserNonce, deps()),
  ).toEqual({
    ok: false,
    error: 'BAD_SIGNATURE',
  });
  expect(await consumeState('garbage', browserNonce, deps())).toEqual({ ok: false, error: 'MALFORMED' });
});

test('a state is refused once it expires', async () => {
  const { state, browserNonce } = await issueState(deps());
  clock.ms += STATE_TTL_MS;
  expect(await consumeState(state, browserNonce, deps())).toEqual({ ok: false, error: 'EXPIRED' });
});
