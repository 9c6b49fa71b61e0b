/**
 * The platform layer's tables: portals, static tokens, OAuth apps, authorization codes, access and refresh
 * tokens. Tokens, codes and client secrets are stored as SHA-256 hashes: they are long random strings, so a
 * plain hash is enough to keep a copied database file from handing out working credentials.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { PortalTier } from '../context.js';
import { applyMigrations, inTransaction, type SandboxDb } from '../db.js';

export const PLATFORM_MIGRATIONS: readonly string[] = [
  `CREATE TABLE platform_portals (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL,
     tier TEXT NOT NULL CHECK (tier IN ('free', 'starter', 'professional', 'enterprise')),
     created_at INTEGER NOT NULL
   );
   CREATE TABLE platform_static_tokens (
     token_hash TEXT PRIMARY KEY,
     portal_id INTEGER NOT NULL REFERENCES platform_portals(id) ON DELETE CASCADE,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE platform_oauth_apps (
     app_id INTEGER PRIMARY KEY,
     client_id TEXT NOT NULL UNIQUE,
     client_secret_hash TEXT NOT NULL,
     name TEXT NOT NULL,
     redirect_uris TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE platform_auth_codes (
     code_hash TEXT PRIMARY KEY,
     app_id INTEGER NOT NULL REFERENCES platform_oauth_apps(app_id) ON DELETE CASCADE,
     portal_id INTEGER NOT NULL REFERENCES platform_portals(id) ON DELETE CASCADE,
     redirect_uri TEXT NOT NULL,
     scopes TEXT NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER
   );
   CREATE TABLE platform_refresh_tokens (
     token_hash TEXT PRIMARY KEY,
     app_id INTEGER NOT NULL REFERENCES platform_oauth_apps(app_id) ON DELETE CASCADE,
     portal_id INTEGER NOT NULL REFERENCES platform_portals(id) ON DELETE CASCADE,
     scopes TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER
   );
   CREATE TABLE platform_access_tokens (
     token_hash TEXT PRIMARY KEY,
     refresh_token_hash TEXT NOT NULL REFERENCES platform_refresh_tokens(token_hash) ON DELETE CASCADE,
     app_id INTEGER NOT NULL REFERENCES platform_oauth_apps(app_id) ON DELETE CASCADE,
     portal_id INTEGER NOT NULL REFERENCES platform_portals(id) ON DELETE CASCADE,
     scopes TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX platform_access_tokens_expiry ON platform_access_tokens (expires_at);`,
  // Every HubSpot account has a time zone (account-info-v3.json AccountDetails.timeZone); its daily API limit
  // resets at the account's midnight. Existing portals get the default.
  `ALTER TABLE platform_portals ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'America/New_York';`,
];

/**
 * A new portal's time zone unless one is given: America/New_York, i.e. US/Eastern, the time zone of the
 * examples in account-info-v3.json (details: "timeZone": "US/Eastern"; private-app usage: "resetsAt" 04:00Z).
 */
export const DEFAULT_PORTAL_TIME_ZONE = 'America/New_York';

export const FIRST_PORTAL_ID = 1_000_001;
/** Authorization codes live 10 minutes, as HubSpot's do. */
export const AUTH_CODE_TTL_MS = 10 * 60 * 1000;

export interface Portal {
  id: number;
  name: string;
  tier: PortalTier;
  /** IANA time zone of the account; its daily API limit resets at midnight there. */
  timeZone: string;
  createdAt: number;
}

export interface OAuthApp {
  appId: number;
  clientId: string;
  name: string;
  redirectUris: string[];
  createdAt: number;
}

export interface TokenGrant {
  appId: number;
  clientId: string;
  portalId: number;
  scopes: string[];
}

export type AccessTokenLookup =
  | { kind: 'static'; portal: Portal }
  | { kind: 'oauth'; portal: Portal; grant: TokenGrant; expiresAt: number; createdAt: number }
  | { kind: 'expired'; expiresAt: number }
  | { kind: 'unknown' };

export type CodeRedemption =
  | { ok: true; grant: TokenGrant }
  | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'redirect_mismatch' | 'client_mismatch' };

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Compares two hex hashes in constant time, so a timing probe learns nothing about a secret. */
function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

const TIERS: readonly PortalTier[] = ['free', 'starter', 'professional', 'enterprise'];
function asTier(value: unknown): PortalTier {
  const tier = TIERS.find((t) => t === value);
  if (!tier) throw new Error(`sandbox: unknown portal tier in database: ${String(value)}`);
  return tier;
}

function asScopes(value: unknown): string[] {
  const parsed: unknown = JSON.parse(String(value));
  if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) {
    throw new Error('sandbox: malformed scope list in database');
  }
  return parsed;
}

type Row = Record<string, unknown>;
const toPortal = (row: Row): Portal => ({
  id: Number(row.id),
  name: String(row.name),
  tier: asTier(row.tier),
  timeZone: String(row.time_zone),
  createdAt: Number(row.created_at),
});
const toApp = (row: Row): OAuthApp => ({
  appId: Number(row.app_id),
  clientId: String(row.client_id),
  name: String(row.name),
  redirectUris: asScopes(row.redirect_uris),
  createdAt: Number(row.created_at),
});

/** HubSpot-looking credentials: private-app tokens start `pat-na1-`, refresh tokens `na1-`. */
export const newStaticToken = (): string => `pat-na1-${randomUUID()}`;
const newAccessToken = (): string => `C${randomBytes(48).toString('base64url')}`;
const newRefreshToken = (): string => `na1-${randomUUID()}`;
const newAuthCode = (): string => randomUUID();
export const newClientSecret = (): string => randomUUID();

export class PlatformStore {
  constructor(
    private readonly db: SandboxDb,
    private readonly now: () => number,
  ) {
    applyMigrations(db, 'platform', PLATFORM_MIGRATIONS);
  }

  // ---- portals -------------------------------------------------------------------------------------

  listPortals(): Portal[] {
    return this.db.prepare('SELECT * FROM platform_portals ORDER BY id').all().map(toPortal);
  }

  getPortal(id: number): Portal | undefined {
    const row = this.db.prepare('SELECT * FROM platform_portals WHERE id = ?').get(id);
    return row ? toPortal(row) : undefined;
  }

  /** Creates a portal and its static token (a new `pat-na1-...` one unless `token` is given). */
  createPortal(input: { name: string; tier: PortalTier; token?: string; timeZone?: string }): {
    portal: Portal;
    token: string;
  } {
    return inTransaction(this.db, () => {
      const max = this.db.prepare('SELECT MAX(id) AS max FROM platform_portals').get();
      const id = Math.max(FIRST_PORTAL_ID, Number(max?.max ?? 0) + 1);
      const portal: Portal = {
        id,
        name: input.name,
        tier: input.tier,
        timeZone: input.timeZone ?? DEFAULT_PORTAL_TIME_ZONE,
        createdAt: this.now(),
      };
      this.db
        .prepare(
          'INSERT INTO platform_portals (id, name, tier, time_zone, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(portal.id, portal.name, portal.tier, portal.timeZone, portal.createdAt);
      const token = input.token ?? newStaticToken();
      this.db
        .prepare('INSERT INTO platform_static_tokens (token_hash, portal_id, created_at) VALUES (?, ?, ?)')
        .run(hashSecret(token), portal.id, portal.createdAt);
      return { portal, token };
    });
  }

  /** Renames a portal or moves it to another time zone; the portal as it is now, or undefined if there is none. */
  updatePortal(id: number, changes: { name?: string; timeZone?: string }): Portal | undefined {
    return inTransaction(this.db, () => {
      if (changes.name !== undefined)
        this.db.prepare('UPDATE platform_portals SET name = ? WHERE id = ?').run(changes.name, id);
      if (changes.timeZone !== undefined)
        this.db.prepare('UPDATE platform_portals SET time_zone = ? WHERE id = ?').run(changes.timeZone, id);
      return this.getPortal(id);
    });
  }

  /** Removes a portal and everything of it in the platform tables (undoes a half-made portal). */
  deletePortal(id: number): void {
    this.db.prepare('DELETE FROM platform_portals WHERE id = ?').run(id);
  }

  /** Makes `token` a static token of `portalId` (idempotent), e.g. the configured demo token. */
  ensureStaticToken(portalId: number, token: string): void {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO platform_static_tokens (token_hash, portal_id, created_at) VALUES (?, ?, ?)',
      )
      .run(hashSecret(token), portalId, this.now());
  }

  // ---- OAuth apps ----------------------------------------------------------------------------------

  listApps(): OAuthApp[] {
    return this.db.prepare('SELECT * FROM platform_oauth_apps ORDER BY app_id').all().map(toApp);
  }

  getAppByClientId(clientId: string): OAuthApp | undefined {
    const row = this.db.prepare('SELECT * FROM platform_oauth_apps WHERE client_id = ?').get(clientId);
    return row ? toApp(row) : undefined;
  }

  /** Registers an app, or updates the secret, name and redirect URIs of the app with that client id. */
  upsertApp(input: {
    clientId: string;
    clientSecret: string;
    name: string;
    redirectUris: string[];
  }): OAuthApp {
    const existing = this.getAppByClientId(input.clientId);
    if (existing) {
      this.db
        .prepare(
          'UPDATE platform_oauth_apps SET client_secret_hash = ?, name = ?, redirect_uris = ? WHERE app_id = ?',
        )
        .run(hashSecret(input.clientSecret), input.name, JSON.stringify(input.redirectUris), existing.appId);
    } else {
      this.db
        .prepare(
          'INSERT INTO platform_oauth_apps (client_id, client_secret_hash, name, redirect_uris, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(
          input.clientId,
          hashSecret(input.clientSecret),
          input.name,
          JSON.stringify(input.redirectUris),
          this.now(),
        );
    }
    const app = this.getAppByClientId(input.clientId);
    if (!app) throw new Error('sandbox: OAuth app vanished right after it was written');
    return app;
  }

  /** The app, if `clientSecret` is its secret. */
  authenticateClient(
    clientId: string,
    clientSecret: string,
  ): { ok: true; app: OAuthApp } | { ok: false; reason: 'client_id' | 'client_secret' } {
    const row = this.db.prepare('SELECT * FROM platform_oauth_apps WHERE client_id = ?').get(clientId);
    if (!row) return { ok: false, reason: 'client_id' };
    if (!sameHash(String(row.client_secret_hash), hashSecret(clientSecret)))
      return { ok: false, reason: 'client_secret' };
    return { ok: true, app: toApp(row) };
  }

  // ---- authorization codes -------------------------------------------------------------------------

  issueAuthCode(input: { appId: number; portalId: number; redirectUri: string; scopes: string[] }): string {
    const code = newAuthCode();
    this.db
      .prepare(
        'INSERT INTO platform_auth_codes (code_hash, app_id, portal_id, redirect_uri, scopes, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        hashSecret(code),
        input.appId,
        input.portalId,
        input.redirectUri,
        JSON.stringify(input.scopes),
        this.now() + AUTH_CODE_TTL_MS,
      );
    return code;
  }

  /** Marks the code used (single use) and returns what it grants, if it is valid for this client and URI. */
  redeemAuthCode(code: string, app: OAuthApp, redirectUri: string): CodeRedemption {
    return inTransaction(this.db, () => {
      const row = this.db
        .prepare('SELECT * FROM platform_auth_codes WHERE code_hash = ?')
        .get(hashSecret(code));
      if (!row) return { ok: false, reason: 'unknown' } as const;
      if (row.used_at !== null) return { ok: false, reason: 'used' } as const;
      if (Number(row.app_id) !== app.appId) return { ok: false, reason: 'client_mismatch' } as const;
      if (Number(row.expires_at) <= this.now()) return { ok: false, reason: 'expired' } as const;
      if (String(row.redirect_uri) !== redirectUri)
        return { ok: false, reason: 'redirect_mismatch' } as const;
      this.db
        .prepare('UPDATE platform_auth_codes SET used_at = ? WHERE code_hash = ?')
        .run(this.now(), row.code_hash as string);
      return {
        ok: true,
        grant: {
          appId: app.appId,
          clientId: app.clientId,
          portalId: Number(row.portal_id),
          scopes: asScopes(row.scopes),
        },
      } as const;
    });
  }

  // ---- tokens --------------------------------------------------------------------------------------

  /** A new refresh token and its first access token. */
  issueTokens(
    grant: TokenGrant,
    ttlMs: number,
  ): { accessToken: string; refreshToken: string; expiresAt: number } {
    return inTransaction(this.db, () => {
      const refreshToken = newRefreshToken();
      this.db
        .prepare(
          'INSERT INTO platform_refresh_tokens (token_hash, app_id, portal_id, scopes, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(hashSecret(refreshToken), grant.appId, grant.portalId, JSON.stringify(grant.scopes), this.now());
      const { accessToken, expiresAt } = this.insertAccessToken(hashSecret(refreshToken), grant, ttlMs);
      return { accessToken, refreshToken, expiresAt };
    });
  }

  /**
   * A new access token for a live refresh token of this app. HubSpot hands back the same refresh token, so
   * the sandbox does too.
   */
  refresh(
    refreshToken: string,
    app: OAuthApp,
    ttlMs: number,
  ): { ok: true; accessToken: string; expiresAt: number; grant: TokenGrant } | { ok: false } {
    const grant = this.liveRefreshGrant(refreshToken);
    if (!grant || grant.appId !== app.appId) return { ok: false };
    const { accessToken, expiresAt } = this.insertAccessToken(hashSecret(refreshToken), grant, ttlMs);
    return { ok: true, accessToken, expiresAt, grant };
  }

  /** The grant of a refresh token that exists and is not revoked. */
  liveRefreshGrant(refreshToken: string): TokenGrant | undefined {
    const row = this.db
      .prepare(
        `SELECT r.*, a.client_id FROM platform_refresh_tokens r JOIN platform_oauth_apps a ON a.app_id = r.app_id
         WHERE r.token_hash = ? AND r.revoked_at IS NULL`,
      )
      .get(hashSecret(refreshToken));
    if (!row) return undefined;
    return {
      appId: Number(row.app_id),
      clientId: String(row.client_id),
      portalId: Number(row.portal_id),
      scopes: asScopes(row.scopes),
    };
  }

  /**
   * Revokes a refresh token. Access tokens already issued from it stay valid until they expire, as on HubSpot
   * (revocation stops new access tokens, it does not recall old ones).
   */
  revokeRefreshToken(refreshToken: string, appId?: number): boolean {
    const result =
      appId === undefined
        ? this.db
            .prepare(
              'UPDATE platform_refresh_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL',
            )
            .run(this.now(), hashSecret(refreshToken))
        : this.db
            .prepare(
              'UPDATE platform_refresh_tokens SET revoked_at = ? WHERE token_hash = ? AND app_id = ? AND revoked_at IS NULL',
            )
            .run(this.now(), hashSecret(refreshToken), appId);
    return Number(result.changes) > 0;
  }

  /** Resolves a bearer token: a portal's static token, a live OAuth access token, an expired one, or nothing. */
  lookupAccessToken(token: string): AccessTokenLookup {
    const hash = hashSecret(token);
    const staticRow = this.db
      .prepare(
        'SELECT p.* FROM platform_static_tokens t JOIN platform_portals p ON p.id = t.portal_id WHERE t.token_hash = ?',
      )
      .get(hash);
    if (staticRow) return { kind: 'static', portal: toPortal(staticRow) };
    const row = this.db
      .prepare(
        `SELECT t.*, a.client_id, p.name AS portal_name, p.tier AS portal_tier, p.time_zone AS portal_time_zone,
                p.created_at AS portal_created_at
         FROM platform_access_tokens t
         JOIN platform_oauth_apps a ON a.app_id = t.app_id
         JOIN platform_portals p ON p.id = t.portal_id
         WHERE t.token_hash = ?`,
      )
      .get(hash);
    if (!row) return { kind: 'unknown' };
    const expiresAt = Number(row.expires_at);
    if (expiresAt <= this.now()) return { kind: 'expired', expiresAt };
    return {
      kind: 'oauth',
      portal: toPortal({
        id: row.portal_id,
        name: row.portal_name,
        tier: row.portal_tier,
        time_zone: row.portal_time_zone,
        created_at: row.portal_created_at,
      }),
      grant: {
        appId: Number(row.app_id),
        clientId: String(row.client_id),
        portalId: Number(row.portal_id),
        scopes: asScopes(row.scopes),
      },
      expiresAt,
      createdAt: Number(row.created_at),
    };
  }

  private insertAccessToken(
    refreshHash: string,
    grant: TokenGrant,
    ttlMs: number,
  ): { accessToken: string; expiresAt: number } {
    const accessToken = newAccessToken();
    const createdAt = this.now();
    const expiresAt = createdAt + ttlMs;
    this.db
      .prepare(
        'INSERT INTO platform_access_tokens (token_hash, refresh_token_hash, app_id, portal_id, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        hashSecret(accessToken),
        refreshHash,
        grant.appId,
        grant.portalId,
        JSON.stringify(grant.scopes),
        createdAt,
        expiresAt,
      );
    // Expired access tokens are kept for a day so a late caller still gets EXPIRED_AUTHENTICATION, not "not found".
    this.db.prepare('DELETE FROM platform_access_tokens WHERE expires_at < ?').run(createdAt - 86_400_000);
    return { accessToken, expiresAt };
  }
}
