import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInstallationStore } from './open.js';
import { TokenCipher } from './token-cipher.js';
import { randomBytes } from 'node:crypto';
import { hubSpotTenant } from '../hubspot/tenant.js';

describe('openInstallationStore without a database URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'map-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cipher = new TokenCipher([{ id: 'k1', key: randomBytes(32) }]);
  const clock = { now: () => 1_700_000_000_000 };

  it('creates the SQLite file (and its folder), and keeps installations and tokens across a restart', async () => {
    const file = join(dir, 'nested', 'app.sqlite');
    const first = await openInstallationStore({ sqlitePath: file, cipher, clock });
    await first.install({
      tenant: hubSpotTenant(5),
      appId: String(6),
      scopes: ['oauth'],
      storageMode: 'document',
      tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: 1 },
    });
    await first.close();
    expect(existsSync(file)).toBe(true);

    const second = await openInstallationStore({ sqlitePath: file, cipher, clock });
    try {
      expect((await second.getInstallation(hubSpotTenant(5)))?.status).toEqual({ state: 'active' });
      expect(await second.getTokens(hubSpotTenant(5))).toEqual({
        accessToken: 'a',
        refreshToken: 'r',
        expiresAt: 1,
      });
    } finally {
      await second.close();
    }
  });

  it('treats an empty database URL as unset', async () => {
    const store = await openInstallationStore({ databaseUrl: '', sqlitePath: ':memory:', cipher, clock });
    try {
      expect(await store.markEventSeen('e1')).toBe(true);
    } finally {
      await store.close();
    }
  });
});
