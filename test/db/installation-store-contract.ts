/**
 * The behaviour every InstallationStore database must have, run against SQLite (src/adapters/db) and
 * PostgreSQL (test/db). A harness opens a fresh, empty database per test and cleans up after itself.
 */
import { randomBytes } from 'node:crypto';
import { SqlInstallationStore } from '../../src/adapters/db/installation-store.js';
import { migrate, MIGRATIONS, MigrationError, type Migration } from '../../src/adapters/db/migrations.js';
import type { SqlDatabase } from '../../src/adapters/db/sql.js';
import { TokenCipher, type TokenKey } from '../../src/adapters/db/token-cipher.js';
import type { InstallInput, OAuthTokens } from '../../src/ports/installation-store.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';

export interface DatabaseHarness {
  /** A fresh, empty database; closed by the test. */
  open(): Promise<SqlDatabase>;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

export const testKey = (id: string): TokenKey => ({ id, key: randomBytes(32) });

export function manualClock(start = T0): { now(): number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const tokens = (suffix: string, expiresAt = T0 + 1_800_000): OAuthTokens => ({
  accessToken: `access-${suffix}-CJSP5qf1KhICAQEYs`,
  refreshToken: `refresh-${suffix}-6b3f2e1a`,
  expiresAt,
});

const installInput = (portalId: number, extra: Partial<InstallInput> = {}): InstallInput => ({
  tenant: hubSpotTenant(portalId),
  appId: '4242001',
  scopes: ['crm.objects.deals.read', 'crm.objects.deals.write', 'oauth'],
  storageMode: 'document',
  tokens: tokens(String(portalId)),
  ...extra,
});

export function installationStoreContract(harness: DatabaseHarness): void {
  let db: SqlDatabase;
  let clock: ReturnType<typeof manualClock>;
  let cipher: TokenCipher;
  let store: SqlInstallationStore;

  beforeEach(async () => {
    db = await harness.open();
    clock = manualClock();
    cipher = new TokenCipher([testKey('k1')]);
    store = await SqlInstallationStore.open({ db, cipher, clock });
  });

  afterEach(async () => {
    await store.close();
  });

  describe('installations', () => {
    it('records an install as active, with default settings, its scopes, storage mode and times', async () => {
      const installed = await store.install(installInput(101, { storageMode: 'custom_object' }));
      const expected = {
        tenant: hubSpotTenant(101),
        appId: String(4_242_001),
        status: { state: 'active' },
        scopes: ['crm.objects.deals.read', 'crm.objects.deals.write', 'oauth'],
        storageMode: 'custom_object',
        settings: { writeNativeForecast: false, createReminderTasks: true },
        installedAt: T0,
        updatedAt: T0,
        timeZone: null,
        timeZoneCheckedAt: null,
      };
      expect(installed).toEqual(expected);
      expect(await store.getInstallation(hubSpotTenant(101))).toEqual(expected);
    });

    it('answers undefined for a portal that never installed', async () => {
      expect(await store.getInstallation(hubSpotTenant(999))).toBeUndefined();
      expect(await store.getTokens(hubSpotTenant(999))).toBeUndefined();
    });

    it('handles portal ids beyond 32 bits (BIGINT read back as a number)', async () => {
      const big = 2 ** 40 + 7;
      await store.install(installInput(big));
      expect((await store.getInstallation(hubSpotTenant(big)))?.tenant).toEqual(hubSpotTenant(big));
      expect((await store.getTokens(hubSpotTenant(big)))?.accessToken).toBe(
        `access-${big}-CJSP5qf1KhICAQEYs`,
      );
    });

    it('a reinstall reactivates, replaces scopes, storage mode and tokens, and keeps installedAt and settings', async () => {
      await store.install(installInput(102));
      await store.updateSettings(hubSpotTenant(102), { writeNativeForecast: true });
      await store.deactivate(hubSpotTenant(102), 'uninstalled');
      clock.advance(DAY);
      const again = await store.install(
        installInput(102, {
          scopes: ['oauth', 'crm.objects.custom.read'],
          storageMode: 'custom_object',
          tokens: tokens('second'),
        }),
      );
      expect(again).toMatchObject({
        status: { state: 'active' },
        scopes: ['oauth', 'crm.objects.custom.read'],
        storageMode: 'custom_object',
        settings: { writeNativeForecast: true, createReminderTasks: true },
        installedAt: T0,
        updatedAt: T0 + DAY,
      });
      expect(await store.getTokens(hubSpotTenant(102))).toEqual(tokens('second'));
    });

    it('deactivating keeps the installation with its reason and deletes its tokens', async () => {
      await store.install(installInput(103));
      clock.advance(1_000);
      expect(await store.deactivate(hubSpotTenant(103), 'token_revoked')).toBe(true);
      expect(await store.getInstallation(hubSpotTenant(103))).toMatchObject({
        status: { state: 'inactive', reason: 'token_revoked' },
        updatedAt: T0 + 1_000,
      });
      expect(await store.getTokens(hubSpotTenant(103))).toBeUndefined();
      expect(await store.deactivate(hubSpotTenant(404), 'uninstalled')).toBe(false);
    });

    it('updates settings by patch: a left-out setting keeps its value; an unknown portal gives undefined', async () => {
      await store.install(installInput(104));
      expect(
        (await store.updateSettings(hubSpotTenant(104), { writeNativeForecast: true }))?.settings,
      ).toEqual({
        writeNativeForecast: true,
        createReminderTasks: true,
      });
      expect((await store.updateSettings(hubSpotTenant(104), {}))?.settings).toEqual({
        writeNativeForecast: true,
        createReminderTasks: true,
      });
      expect(
        (await store.updateSettings(hubSpotTenant(104), { createReminderTasks: false }))?.settings,
      ).toEqual({
        writeNativeForecast: true,
        createReminderTasks: false,
      });
      expect(
        (await store.updateSettings(hubSpotTenant(104), { writeNativeForecast: false }))?.settings,
      ).toEqual({
        writeNativeForecast: false,
        createReminderTasks: false,
      });
      // A reinstall keeps the settings an admin chose.
      await store.install(installInput(104));
      expect((await store.getInstallation(hubSpotTenant(104)))?.settings.createReminderTasks).toBe(false);
      expect(await store.updateSettings(hubSpotTenant(404), { writeNativeForecast: true })).toBeUndefined();
    });

    it('refuses arguments that are bugs (portal id 0, a scope with a space) with INVALID_ARGUMENT', async () => {
      await expect(store.install(installInput(0))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(store.install(installInput(105, { scopes: ['two words'] }))).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      expect(await store.getInstallation(hubSpotTenant(105))).toBeUndefined();
    });
  });

  describe('listing', () => {
    it('lists every installation ordered by CRM and account id, or only the active ones with their time zone', async () => {
      expect(await store.listInstallations()).toEqual([]);
      await store.install(installInput(303));
      await store.install(installInput(301));
      await store.install(installInput(302));
      await store.setTimeZone(hubSpotTenant(301), 'Pacific/Auckland');
      await store.deactivate(hubSpotTenant(302), 'uninstalled');
      const all = await store.listInstallations();
      expect(all.map((i) => [i.tenant.accountId, i.status.state, i.timeZone])).toEqual([
        ['301', 'active', 'Pacific/Auckland'],
        ['302', 'inactive', null],
        ['303', 'active', null],
      ]);
      expect(all[0]).toEqual(await store.getInstallation(hubSpotTenant(301)));
      const active = await store.listInstallations({ activeOnly: true });
      expect(active.map((i) => i.tenant.accountId)).toEqual(['301', '303']);
    });
  });

  describe('time zone', () => {
    it("records the account's time zone with when it was read, and leaves updatedAt (which orders uninstalls) alone", async () => {
      const installed = await store.install(installInput(151));
      expect(installed).toMatchObject({ timeZone: null, timeZoneCheckedAt: null });
      clock.advance(60_000);
      expect(await store.setTimeZone(hubSpotTenant(151), 'Australia/Sydney')).toBe(true);
      expect(await store.getInstallation(hubSpotTenant(151))).toMatchObject({
        timeZone: 'Australia/Sydney',
        timeZoneCheckedAt: clock.now(),
        updatedAt: installed.updatedAt,
      });
      // A reinstall keeps it (the next read replaces it).
      await store.install(installInput(151));
      expect((await store.getInstallation(hubSpotTenant(151)))?.timeZone).toBe('Australia/Sydney');
    });

    it('refuses a time zone this runtime does not know, and answers false for a tenant with no installation', async () => {
      await store.install(installInput(152));
      await expect(store.setTimeZone(hubSpotTenant(152), 'Mars/Olympus_Mons')).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      expect((await store.getInstallation(hubSpotTenant(152)))?.timeZone).toBeNull();
      expect(await store.setTimeZone(hubSpotTenant(153), 'Europe/Berlin')).toBe(false);
    });
  });

  describe('tokens', () => {
    it('stores tokens encrypted: the database holds ciphertext, getTokens gives the plaintext back', async () => {
      await store.install(installInput(201));
      const { rows } = await db.query(
        "SELECT access_token, refresh_token FROM tenant_tokens WHERE crm = 'hubspot' AND account_id = $1",
        ['201'],
      );
      const row = rows[0]!;
      for (const column of ['access_token', 'refresh_token']) {
        expect(String(row[column])).toMatch(/^enc1:k1:/);
        expect(String(row[column])).not.toContain('201');
      }
      expect(await store.getTokens(hubSpotTenant(201))).toEqual(tokens('201'));
    });

    it('saveTokens replaces the tokens, and the scopes when given', async () => {
      await store.install(installInput(202));
      expect(await store.saveTokens(hubSpotTenant(202), tokens('refreshed', T0 + 99))).toBe(true);
      expect(await store.getTokens(hubSpotTenant(202))).toEqual(tokens('refreshed', T0 + 99));
      expect((await store.getInstallation(hubSpotTenant(202)))?.scopes).toEqual([
        'crm.objects.deals.read',
        'crm.objects.deals.write',
        'oauth',
      ]);
      await store.saveTokens(hubSpotTenant(202), tokens('again'), ['oauth']);
      expect((await store.getInstallation(hubSpotTenant(202)))?.scopes).toEqual(['oauth']);
    });

    it('saveTokens refuses an inactive or unknown installation, so a late refresh cannot resurrect tokens', async () => {
      await store.install(installInput(203));
      await store.deactivate(hubSpotTenant(203), 'uninstalled');
      expect(await store.saveTokens(hubSpotTenant(203), tokens('late'))).toBe(false);
      expect(await store.getTokens(hubSpotTenant(203))).toBeUndefined();
      expect(await store.saveTokens(hubSpotTenant(404), tokens('nobody'))).toBe(false);
    });

    it('throws TOKEN_UNREADABLE for a tampered ciphertext instead of returning garbage', async () => {
      await store.install(installInput(204));
      const { rows } = await db.query(
        "SELECT access_token FROM tenant_tokens WHERE crm = 'hubspot' AND account_id = $1",
        ['204'],
      );
      const parts = String(rows[0]!.access_token).split(':');
      const body = Buffer.from(parts[3]!, 'base64url');
      body[0] = body[0]! ^ 0xff;
      parts[3] = body.toString('base64url');
      await db.query("UPDATE tenant_tokens SET access_token = $1 WHERE crm = 'hubspot' AND account_id = $2", [
        parts.join(':'),
        '204',
      ]);
      await expect(store.getTokens(hubSpotTenant(204))).rejects.toMatchObject({
        name: 'InstallationStoreError',
        code: 'TOKEN_UNREADABLE',
      });
    });

    it("throws TOKEN_UNREADABLE when one portal's ciphertext is copied into another portal's row", async () => {
      await store.install(installInput(205));
      await store.install(installInput(206));
      const { rows } = await db.query(
        "SELECT access_token FROM tenant_tokens WHERE crm = 'hubspot' AND account_id = $1",
        ['205'],
      );
      await db.query("UPDATE tenant_tokens SET access_token = $1 WHERE crm = 'hubspot' AND account_id = $2", [
        rows[0]!.access_token as string,
        '206',
      ]);
      await expect(store.getTokens(hubSpotTenant(206))).rejects.toMatchObject({ code: 'TOKEN_UNREADABLE' });
    });

    it('reads tokens written under an older key after a rotation, and writes new ones with the new key', async () => {
      const old = testKey('old');
      const before = await SqlInstallationStore.open({ db, cipher: new TokenCipher([old]), clock });
      await before.install(installInput(207));
      const rotated = new TokenCipher([testKey('new'), old]);
      const after = await SqlInstallationStore.open({ db, cipher: rotated, clock });
      expect(await after.getTokens(hubSpotTenant(207))).toEqual(tokens('207'));
      await after.saveTokens(hubSpotTenant(207), tokens('rotated'));
      const { rows } = await db.query(
        "SELECT access_token FROM tenant_tokens WHERE crm = 'hubspot' AND account_id = $1",
        ['207'],
      );
      expect(String(rows[0]!.access_token)).toMatch(/^enc1:new:/);
      await expect(before.getTokens(hubSpotTenant(207))).rejects.toMatchObject({ code: 'TOKEN_UNREADABLE' });
    });
  });

  describe('webhook event dedupe', () => {
    it('records an event id once: true the first time, false for a redelivery', async () => {
      expect(await store.markEventSeen('evt-1')).toBe(true);
      expect(await store.markEventSeen('evt-1')).toBe(false);
      expect(await store.markEventSeen('evt-2')).toBe(true);
    });

    it('forgets one event id on request, so that its redelivery is handled, and leaves the others', async () => {
      await store.markEventSeen('evt-failed');
      await store.markEventSeen('evt-done');
      await store.forgetEvent('evt-failed');
      expect(await store.markEventSeen('evt-failed')).toBe(true);
      expect(await store.markEventSeen('evt-done')).toBe(false);
    });

    it('prunes event ids older than N days and keeps the recent ones', async () => {
      await store.markEventSeen('old');
      clock.advance(3 * DAY);
      await store.markEventSeen('recent');
      clock.advance(DAY);
      expect(await store.pruneEvents(2)).toBe(1);
      expect(await store.markEventSeen('recent')).toBe(false);
      expect(await store.markEventSeen('old')).toBe(true);
    });

    it('lets exactly one of many concurrent deliveries of the same event through', async () => {
      const results = await Promise.all(Array.from({ length: 25 }, () => store.markEventSeen('evt-race')));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('seen request signatures (replay protection)', () => {
    const sig = 'pX0kYb6N1mA2q3rS4t5u6v7w8x9y0zABCDEFGHIJKLM=';
    const ts = String(T0);

    it('records a signature once: true the first time, false for a replay', async () => {
      expect(await store.markSignatureSeen(sig, ts, T0 + 300_000)).toBe(true);
      expect(await store.markSignatureSeen(sig, ts, T0 + 300_000)).toBe(false);
      // Another signature, or the same text under another timestamp, is another request.
      expect(await store.markSignatureSeen(`${sig}x`, ts, T0 + 300_000)).toBe(true);
      expect(await store.markSignatureSeen(sig, String(T0 + 1), T0 + 300_001)).toBe(true);
    });

    it('stores only a hash of the signature', async () => {
      await store.markSignatureSeen(sig, ts, T0 + 300_000);
      const { rows } = await db.query('SELECT * FROM seen_signatures');
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(sig.slice(0, 20));
    });

    it('lets exactly one of many concurrent deliveries of the same signed request through', async () => {
      const results = await Promise.all(
        Array.from({ length: 25 }, () => store.markSignatureSeen(sig, ts, T0 + 300_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('prunes signatures whose window has passed and keeps the others', async () => {
      await store.markSignatureSeen('old-signature', ts, T0 + 1_000);
      await store.markSignatureSeen('live-signature', ts, T0 + 300_000);
      clock.advance(5_000);
      expect(await store.pruneSignatures()).toBe(1);
      expect(await store.markSignatureSeen('live-signature', ts, T0 + 300_000)).toBe(false);
    });

    it('refuses an empty signature as a bug (INVALID_ARGUMENT)', async () => {
      await expect(store.markSignatureSeen('', ts, T0)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });
  });

  describe('OAuth state nonces', () => {
    const nonce = 'n0nce-3f9a1c2b7d4e5f60';

    it('consumes a nonce exactly once', async () => {
      await store.saveState(nonce, T0 + 600_000);
      expect(await store.consumeState(nonce)).toBe(true);
      expect(await store.consumeState(nonce)).toBe(false);
    });

    it('refuses an expired nonce and an unknown one', async () => {
      await store.saveState(nonce, T0 + 600_000);
      clock.advance(600_000);
      expect(await store.consumeState(nonce)).toBe(false);
      expect(await store.consumeState('never-saved-nonce-0000')).toBe(false);
    });

    it('stores only a hash of the nonce', async () => {
      await store.saveState(nonce, T0 + 600_000);
      const { rows } = await db.query('SELECT * FROM oauth_states');
      expect(JSON.stringify(rows)).not.toContain(nonce);
    });

    it('refuses to store the same nonce twice', async () => {
      await store.saveState(nonce, T0 + 600_000);
      await expect(store.saveState(nonce, T0 + 600_000)).rejects.toThrow();
    });

    it('lets exactly one of many concurrent callbacks consume a nonce', async () => {
      await store.saveState(nonce, T0 + 600_000);
      const results = await Promise.all(Array.from({ length: 25 }, () => store.consumeState(nonce)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('prunes expired nonces only', async () => {
      await store.saveState('expires-soon-nonce-0001', T0 + 1_000);
      await store.saveState('expires-later-nonce-0002', T0 + 10_000);
      clock.advance(5_000);
      expect(await store.pruneStates()).toBe(1);
      expect(await store.consumeState('expires-later-nonce-0002')).toBe(true);
    });
  });

  describe('races between writers', () => {
    it('concurrent installs of one portal leave one installation whose tokens decrypt (last writer wins)', async () => {
      const suffixes = Array.from({ length: 15 }, (_, i) => `racer${i}`);
      await Promise.all(suffixes.map((s) => store.install(installInput(301, { tokens: tokens(s) }))));
      const { rows } = await db.query(
        "SELECT COUNT(*) AS n FROM tenant_installations WHERE crm = 'hubspot' AND account_id = $1",
        ['301'],
      );
      expect(Number(rows[0]!.n)).toBe(1);
      const got = await store.getTokens(hubSpotTenant(301));
      expect(suffixes.map((s) => tokens(s))).toContainEqual(got);
    });

    it('a token refresh racing an uninstall never leaves tokens on an inactive installation', async () => {
      for (let i = 0; i < 10; i++) {
        const portalId = 400 + i;
        await store.install(installInput(portalId));
        await Promise.all([
          store.saveTokens(hubSpotTenant(portalId), tokens('refresh')),
          store.deactivate(hubSpotTenant(portalId), 'uninstalled'),
        ]);
        expect((await store.getInstallation(hubSpotTenant(portalId)))?.status).toEqual({
          state: 'inactive',
          reason: 'uninstalled',
        });
        expect(await store.getTokens(hubSpotTenant(portalId))).toBeUndefined();
      }
    });
  });

  describe('migrations', () => {
    it('runs each migration once: opening the store again applies nothing', async () => {
      expect(await migrate(db, clock.now())).toEqual([]);
      const { rows } = await db.query('SELECT id FROM app_migrations ORDER BY id');
      expect(rows.map((r) => Number(r.id))).toEqual(MIGRATIONS.map((m) => m.id));
    });

    it('keeps every installation and its tokens when the tables are re-keyed by tenant (migration 3)', async () => {
      const fresh = await harness.open();
      try {
        // A database as the code before migration 3 left it: one active and one inactive HubSpot portal.
        await migrate(fresh, clock.now(), MIGRATIONS.slice(0, 2));
        const beforeKeyedByTenant = new TokenCipher([testKey('k0')]);
        const legacy = (portalId: number, which: string, value: string): string =>
          beforeKeyedByTenant.encrypt(value, `portal:${portalId}:${which}`);
        await fresh.query(
          `INSERT INTO installations (portal_id, app_id, status, inactive_reason, scopes, storage_mode, write_native_forecast, installed_at, updated_at)
           VALUES (901, 4242001, 'active', NULL, 'oauth crm.objects.deals.read', 'custom_object', 1, 10, 20),
                  (902, 4242001, 'inactive', 'uninstalled', 'oauth', 'document', 0, 30, 40)`,
        );
        await fresh.query(
          'INSERT INTO oauth_tokens (portal_id, access_token, refresh_token, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5)',
          [901, legacy(901, 'access_token', 'at-901'), legacy(901, 'refresh_token', 'rt-901'), 99, 20],
        );
        const migrated = await SqlInstallationStore.open({ db: fresh, cipher: beforeKeyedByTenant, clock });
        expect(await migrated.getInstallation(hubSpotTenant(901))).toEqual({
          tenant: { crm: 'hubspot', accountId: '901' },
          appId: '4242001',
          status: { state: 'active' },
          scopes: ['oauth', 'crm.objects.deals.read'],
          storageMode: 'custom_object',
          settings: { writeNativeForecast: true, createReminderTasks: true },
          installedAt: 10,
          updatedAt: 20,
          timeZone: null,
          timeZoneCheckedAt: null,
        });
        expect(await migrated.getTokens(hubSpotTenant(901))).toEqual({
          accessToken: 'at-901',
          refreshToken: 'rt-901',
          expiresAt: 99,
        });
        expect((await migrated.getInstallation(hubSpotTenant(902)))?.status).toEqual({
          state: 'inactive',
          reason: 'uninstalled',
        });
        expect(
          await migrated.getInstallation({ crm: 'salesforce', accountId: '00D000000000901AAA' }),
        ).toBeUndefined();
        await migrated.close();
      } catch (error) {
        await fresh.close();
        throw error;
      }
    });

    it('refuses to start when a shipped migration was edited', async () => {
      const edited: Migration[] = MIGRATIONS.map((m, i) =>
        i === 0 ? { ...m, statements: [...m.statements, 'SELECT 1'] } : m,
      );
      await expect(migrate(db, clock.now(), edited)).rejects.toThrow(MigrationError);
    });

    it('refuses to start when the database has a migration this code does not know', async () => {
      await db.query('INSERT INTO app_migrations (id, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
        MIGRATIONS.length + 1,
        'from the future',
        'x',
        0,
      ]);
      await expect(migrate(db, clock.now())).rejects.toThrow(/does not know/);
    });

    it('applies a new migration appended to the list, and rolls back one that fails part-way', async () => {
      const good: Migration = {
        id: MIGRATIONS.length + 1,
        name: 'good',
        statements: ['CREATE TABLE extra_a (id INTEGER PRIMARY KEY)'],
      };
      expect(await migrate(db, clock.now(), [...MIGRATIONS, good])).toEqual([good.id]);
      const bad: Migration = {
        id: MIGRATIONS.length + 2,
        name: 'bad',
        statements: [
          'CREATE TABLE extra_b (id INTEGER PRIMARY KEY)',
          'CREATE TABLE extra_a (id INTEGER PRIMARY KEY)',
        ],
      };
      await expect(migrate(db, clock.now(), [...MIGRATIONS, good, bad])).rejects.toThrow();
      const { rows } = await db.query('SELECT id FROM app_migrations WHERE id = $1', [bad.id]);
      expect(rows).toHaveLength(0);
      // extra_b was created by the failed migration's first statement and must have been rolled back.
      await expect(db.query('SELECT * FROM extra_b')).rejects.toThrow();
    });
  });
}
