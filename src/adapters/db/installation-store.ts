/**
 * InstallationStore over the shared query layer (sql.ts): the same statements run on SQLite and PostgreSQL.
 * Every write that two instances could race on is one statement with ON CONFLICT, or a transaction whose
 * first write takes the installation's row lock, so concurrent installs, refreshes and uninstalls of a
 * portal serialize instead of overwriting each other.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../ports/clock.js';
import {
  INACTIVE_REASONS,
  STORAGE_MODES,
  type InactiveReason,
  type Installation,
  type InstallationStore,
  type InstallInput,
  type OAuthTokens,
  type SettingsPatch,
} from '../../ports/installation-store.js';
import { migrate } from './migrations.js';
import type { SqlDatabase, SqlExecutor, SqlRow } from './sql.js';
import type { TokenCipher } from './token-cipher.js';

const DAY_MS = 86_400_000;

export const INSTALLATION_STORE_ERROR_CODES = [
  'TOKEN_UNREADABLE',
  'ROW_UNREADABLE',
  'INVALID_ARGUMENT',
] as const;
export type InstallationStoreErrorCode = (typeof INSTALLATION_STORE_ERROR_CODES)[number];

/** Stored data the store cannot read (a missing encryption key, tampering) or a call that is a bug. */
export class InstallationStoreError extends Error {
  override readonly name = 'InstallationStoreError';
  constructor(
    readonly code: InstallationStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** SQLite gives numbers, PostgreSQL gives BIGINT as a string: both become a safe integer. */
const Int = z
  .union([z.number(), z.bigint(), z.string().regex(/^-?\d+$/)])
  .transform(Number)
  .pipe(z.number().int().safe());

const InstallationRow = z.object({
  portal_id: Int,
  app_id: Int,
  status: z.enum(['active', 'inactive']),
  inactive_reason: z.enum(INACTIVE_REASONS).nullable(),
  scopes: z.string(),
  storage_mode: z.enum(STORAGE_MODES),
  write_native_forecast: Int.pipe(z.union([z.literal(0), z.literal(1)])),
  installed_at: Int,
  updated_at: Int,
});

const TokenRow = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  expires_at: Int,
});

const PortalId = z.number().int().positive().safe();
const Scope = z.string().regex(/^[^\s]+$/, 'a scope has no whitespace');
const EventId = z.string().min(1).max(200);

function parseArg<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new InstallationStoreError('INVALID_ARGUMENT', `${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function toInstallation(row: SqlRow | undefined): Installation | undefined {
  if (!row) return undefined;
  const parsed = InstallationRow.safeParse(row);
  if (!parsed.success) {
    throw new InstallationStoreError('ROW_UNREADABLE', `installations row: ${z.prettifyError(parsed.error)}`);
  }
  const r = parsed.data;
  let status: Installation['status'];
  if (r.status === 'active') status = { state: 'active' };
  else if (r.inactive_reason !== null) status = { state: 'inactive', reason: r.inactive_reason };
  else
    throw new InstallationStoreError(
      'ROW_UNREADABLE',
      `installations row of portal ${r.portal_id}: inactive without a reason`,
    );
  return {
    portalId: r.portal_id,
    appId: r.app_id,
    status,
    scopes: r.scopes.split(' ').filter((s) => s !== ''),
    storageMode: r.storage_mode,
    settings: { writeNativeForecast: r.write_native_forecast === 1 },
    installedAt: r.installed_at,
    updatedAt: r.updated_at,
  };
}

const tokenContext = (portalId: number, which: 'access_token' | 'refresh_token'): string =>
  `portal:${portalId}:${which}`;
const hashNonce = (nonce: string): string => createHash('sha256').update(nonce, 'utf8').digest('hex');
const hashSignature = (signature: string, timestamp: string): string =>
  createHash('sha256').update(`${timestamp}\n${signature}`, 'utf8').digest('hex');
const SignatureText = z.string().min(1).max(1_000);
const bool = (value: boolean | undefined): number | null => (value === undefined ? null : value ? 1 : 0);

export interface SqlInstallationStoreDeps {
  readonly db: SqlDatabase;
  readonly cipher: TokenCipher;
  readonly clock: Pick<Clock, 'now'>;
}

export class SqlInstallationStore implements InstallationStore {
  private readonly db: SqlDatabase;
  private readonly cipher: TokenCipher;
  private readonly clock: Pick<Clock, 'now'>;

  private constructor(deps: SqlInstallationStoreDeps) {
    this.db = deps.db;
    this.cipher = deps.cipher;
    this.clock = deps.clock;
  }

  /** Runs the pending migrations, then returns the store. */
  static async open(deps: SqlInstallationStoreDeps): Promise<SqlInstallationStore> {
    await migrate(deps.db, deps.clock.now());
    return new SqlInstallationStore(deps);
  }

  async install(input: InstallInput): Promise<Installation> {
    const portalId = parseArg(PortalId, input.portalId, 'portalId');
    const appId = parseArg(PortalId, input.appId, 'appId');
    const scopes = parseArg(z.array(Scope), [...input.scopes], 'scopes');
    const storageMode = parseArg(z.enum(STORAGE_MODES), input.storageMode, 'storageMode');
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `INSERT INTO installations (portal_id, app_id, status, inactive_reason, scopes, storage_mode, write_native_forecast, installed_at, updated_at)
         VALUES ($1, $2, 'active', NULL, $3, $4, 0, $5, $5)
         ON CONFLICT (portal_id) DO UPDATE SET
           app_id = excluded.app_id, status = 'active', inactive_reason = NULL, scopes = excluded.scopes,
           storage_mode = excluded.storage_mode, updated_at = excluded.updated_at
         RETURNING *`,
        [portalId, appId, scopes.join(' '), storageMode, now],
      );
      await this.writeTokens(tx, portalId, input.tokens, now);
      const installation = toInstallation(rows[0]);
      if (!installation) throw new Error('install: INSERT ... RETURNING returned no row');
      return installation;
    });
  }

  async getInstallation(portalId: number): Promise<Installation | undefined> {
    const { rows } = await this.db.query('SELECT * FROM installations WHERE portal_id = $1', [portalId]);
    return toInstallation(rows[0]);
  }

  async deactivate(portalId: number, reason: InactiveReason): Promise<boolean> {
    const why = parseArg(z.enum(INACTIVE_REASONS), reason, 'reason');
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE installations SET status = 'inactive', inactive_reason = $2, updated_at = $3 WHERE portal_id = $1`,
        [portalId, why, this.clock.now()],
      );
      await tx.query('DELETE FROM oauth_tokens WHERE portal_id = $1', [portalId]);
      return rowCount > 0;
    });
  }

  async updateSettings(portalId: number, patch: SettingsPatch): Promise<Installation | undefined> {
    // One column per setting and COALESCE: settings a patch leaves out keep what a concurrent patch wrote.
    const { rows } = await this.db.query(
      `UPDATE installations SET write_native_forecast = COALESCE($2, write_native_forecast), updated_at = $3
       WHERE portal_id = $1 RETURNING *`,
      [portalId, bool(patch.writeNativeForecast), this.clock.now()],
    );
    return toInstallation(rows[0]);
  }

  async saveTokens(portalId: number, tokens: OAuthTokens, scopes?: readonly string[]): Promise<boolean> {
    const newScopes = scopes === undefined ? null : parseArg(z.array(Scope), [...scopes], 'scopes').join(' ');
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      // Touching the installation first takes its row lock, and only an active one qualifies: a refresh that
      // races an uninstall either lands before it (and is deleted by it) or finds it inactive and stops.
      const { rowCount } = await tx.query(
        `UPDATE installations SET scopes = COALESCE($2, scopes), updated_at = $3 WHERE portal_id = $1 AND status = 'active'`,
        [portalId, newScopes, now],
      );
      if (rowCount === 0) return false;
      await this.writeTokens(tx, portalId, tokens, now);
      return true;
    });
  }

  async getTokens(portalId: number): Promise<OAuthTokens | undefined> {
    const { rows } = await this.db.query(
      'SELECT access_token, refresh_token, expires_at FROM oauth_tokens WHERE portal_id = $1',
      [portalId],
    );
    if (!rows[0]) return undefined;
    const parsed = TokenRow.safeParse(rows[0]);
    if (!parsed.success)
      throw new InstallationStoreError(
        'ROW_UNREADABLE',
        `oauth_tokens row: ${z.prettifyError(parsed.error)}`,
      );
    const access = this.cipher.decrypt(parsed.data.access_token, tokenContext(portalId, 'access_token'));
    const refresh = this.cipher.decrypt(parsed.data.refresh_token, tokenContext(portalId, 'refresh_token'));
    if (!access.ok)
      throw new InstallationStoreError(
        'TOKEN_UNREADABLE',
        `access token of portal ${portalId}: ${access.error.message}`,
      );
    if (!refresh.ok)
      throw new InstallationStoreError(
        'TOKEN_UNREADABLE',
        `refresh token of portal ${portalId}: ${refresh.error.message}`,
      );
    return { accessToken: access.value, refreshToken: refresh.value, expiresAt: parsed.data.expires_at };
  }

  async markEventSeen(eventId: string): Promise<boolean> {
    const id = parseArg(EventId, eventId, 'eventId');
    const { rowCount } = await this.db.query(
      'INSERT INTO webhook_events (event_id, seen_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
      [id, this.clock.now()],
    );
    return rowCount === 1;
  }

  async forgetEvent(eventId: string): Promise<void> {
    const id = parseArg(EventId, eventId, 'eventId');
    await this.db.query('DELETE FROM webhook_events WHERE event_id = $1', [id]);
  }

  async pruneEvents(days: number): Promise<number> {
    const d = parseArg(z.number().nonnegative().finite(), days, 'days');
    const { rowCount } = await this.db.query('DELETE FROM webhook_events WHERE seen_at < $1', [
      this.clock.now() - Math.round(d * DAY_MS),
    ]);
    return rowCount;
  }

  async markSignatureSeen(signature: string, timestamp: string, expiresAt: number): Promise<boolean> {
    const key = hashSignature(
      parseArg(SignatureText, signature, 'signature'),
      parseArg(SignatureText, timestamp, 'timestamp'),
    );
    // One statement: of two instances receiving the same request at once, exactly one inserts the row.
    const { rowCount } = await this.db.query(
      'INSERT INTO seen_signatures (signature_hash, expires_at) VALUES ($1, $2) ON CONFLICT (signature_hash) DO NOTHING',
      [key, parseArg(z.number().int().safe(), expiresAt, 'expiresAt')],
    );
    return rowCount === 1;
  }

  async pruneSignatures(): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM seen_signatures WHERE expires_at <= $1', [
      this.clock.now(),
    ]);
    return rowCount;
  }

  async saveState(nonce: string, expiresAt: number): Promise<void> {
    const n = parseArg(z.string().min(16).max(512), nonce, 'nonce');
    // A plain INSERT: a repeated nonce is a bug in whoever made it, and must fail rather than be shared.
    await this.db.query('INSERT INTO oauth_states (nonce_hash, expires_at) VALUES ($1, $2)', [
      hashNonce(n),
      parseArg(z.number().int().safe(), expiresAt, 'expiresAt'),
    ]);
  }

  async consumeState(nonce: string): Promise<boolean> {
    // Delete-and-return is atomic: of two concurrent callers only one gets the row. An expired nonce is
    // deleted too, and refused.
    const { rows } = await this.db.query(
      'DELETE FROM oauth_states WHERE nonce_hash = $1 RETURNING expires_at',
      [hashNonce(nonce)],
    );
    const [row] = rows;
    if (!row) return false;
    return Int.parse(row.expires_at) > this.clock.now();
  }

  async pruneStates(): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM oauth_states WHERE expires_at <= $1', [
      this.clock.now(),
    ]);
    return rowCount;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private async writeTokens(
    tx: SqlExecutor,
    portalId: number,
    tokens: OAuthTokens,
    now: number,
  ): Promise<void> {
    const expiresAt = parseArg(z.number().int().safe(), tokens.expiresAt, 'expiresAt');
    await tx.query(
      `INSERT INTO oauth_tokens (portal_id, access_token, refresh_token, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (portal_id) DO UPDATE SET
         access_token = excluded.access_token, refresh_token = excluded.refresh_token,
         expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      [
        portalId,
        this.cipher.encrypt(tokens.accessToken, tokenContext(portalId, 'access_token')),
        this.cipher.encrypt(tokens.refreshToken, tokenContext(portalId, 'refresh_token')),
        expiresAt,
        now,
      ],
    );
  }
}
