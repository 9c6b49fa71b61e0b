import { TokenCipher } from '../../adapters/db/token-cipher.js';
import { openInstallationStore } from '../../adapters/db/open.js';
import { SANDBOX_DEV_VALUES } from '../../config.js';
import { parseTokenKeys } from '../../adapters/db/token-cipher.js';
import type { InstallationStore } from '../../ports/installation-store.js';
import { consumeState, issueState, STATE_TTL_MS } from './state.js';

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
  const state = await issueState(deps());
  expect((await consumeState(state, deps())).ok).toBe(true);
  expect(await consumeState(state, deps())).toEqual({ ok: false, error: 'REPLAYED' });
});

test('a state signed with another secret, or with its expiry changed, is refused', async () => {
  const state = await issueState(deps());
  expect(await consumeState(state, { ...deps(), secret: 'another-secret-another-secret-xx!' })).toEqual({
    ok: false,
    error: 'BAD_SIGNATURE',
  });
  const [nonce, expires, mac] = state.split('.');
  expect(await consumeState(`${nonce}.${Number(expires) + 60_000}.${mac}`, deps())).toEqual({
    ok: false,
    error: 'BAD_SIGNATURE',
  });
  expect(await consumeState('garbage', deps())).toEqual({ ok: false, error: 'MALFORMED' });
});

test('a state is refused once it expires', async () => {
  const state = await issueState(deps());
  clock.ms += STATE_TTL_MS;
  expect(await consumeState(state, deps())).toEqual({ ok: false, error: 'EXPIRED' });
});
