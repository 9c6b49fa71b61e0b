/**
 * InstallationStore over the shared query layer (sql.ts): the same statements run on SQLite and PostgreSQL.
 * Every write that two instances could race on is one statement with ON CONFLICT, or a transaction whose
 * first write takes the installation's row lock, so concurrent installs, refreshes and uninstalls of a
 * tenant serialize instead of overwriting each other. Rows are keyed by tenant: (crm, account_id).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isKnownTimeZone } from '../../domain/dates.js';
import { tenantKey, tenantSchema, type Tenant } from '../../domain/model.js';
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
import { sqlInteger, type SqlDatabase, type SqlExecutor, type SqlRow } from './sql.js';
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

const Int = sqlInteger;

const InstallationRow = z.object({
  crm: tenantSchema.shape.crm,
  account_id: z.string().min(1),
  app_id: z.string().min(1),
  status: z.enum(['active', 'inactive']),
  inactive_reason: z.enum(INACTIVE_REASONS).nullable(),
  scopes: z.string(),
  storage_mode: z.enum(STORAGE_MODES),
  write_native_forecast: Int.pipe(z.union([z.literal(0), z.literal(1)])),
  create_reminder_tasks: Int.pipe(z.union([z.literal(0), z.literal(1)])),
  installed_at: Int,
  updated_at: Int,
  time_zone: z.string().nullable(),
  time_zone_checked_at: Int.nullable(),
});

const TokenRow = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  expires_at: Int,
});

const TenantArg = tenantSchema;
const AppId = z.string().min(1).max(64);
const TimeZoneArg = z.string().refine(isKnownTimeZone, 'an IANA time zone this runtime knows');
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
      `installations row of ${r.crm} account ${r.account_id}: inactive without a reason`,
    );
  return {
    tenant: { crm: r.crm, accountId: r.account_id },
    appId: r.app_id,
    status,
    scopes: r.scopes.split(' ').filter((s) => s !== ''),
    storageMode: r.storage_mode,
    settings: {
      writeNativeForecast: r.write_native_forecast === 1,
      createReminderTasks: r.create_reminder_tasks === 1,
    },
    installedAt: r.installed_at,
    updatedAt: r.updated_at,
    timeZone: r.time_zone,
    timeZoneCheckedAt: r.time_zone_checked_at,
  };
}

/**
 * The cipher's associated data of a token: a ciphertext copied to another tenant's row does not decrypt. A
 * HubSpot portal's keeps the form it had before rows were keyed by tenant (`portal:<id>:…`), so tokens
 * stored then still decrypt.
 */
const tokenContext = (tenant: Tenant, which: 'access_token' | 'refresh_token'): string =>
  tenant.crm === 'hubspot'
    ? `portal:${tenant.accountId}:${which}`
    : `${tenant.crm}:${tenant.accountId}:${which}`;
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
    const tenant = parseArg(TenantArg, input.tenant, 'tenant');
    const appId = parseArg(AppId, input.appId, 'appId');
    const scopes = parseArg(z.array(Scope), [...input.scopes], 'scopes');
    const storageMode = parseArg(z.enum(STORAGE_MODES), input.storageMode, 'storageMode');
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query(
        `INSERT INTO tenant_installations (crm, account_id, app_id, status, inactive_reason, scopes, storage_mode, write_native_forecast, installed_at, updated_at)
         VALUES ($1, $2, $3, 'active', NULL, $4, $5, 0, $6, $6)
         ON CONFLICT (crm, account_id) DO UPDATE SET
           app_id = excluded.app_id, status = 'active', inactive_reason = NULL, scopes = excluded.scopes,
           storage_mode = excluded.storage_mode, updated_at = excluded.updated_at
         RETURNING *`,
        [tenant.crm, tenant.accountId, appId, scopes.join(' '), storageMode, now],
      );
      await this.writeTokens(tx, tenant, input.tokens, now);
      const installation = toInstallation(rows[0]);
      if (!installation) throw new Error('install: INSERT ... RETURNING returned no row');
      return installation;
    });
  }

  async getInstallation(tenant: Tenant): Promise<Installation | undefined> {
    const t = parseArg(TenantArg, tenant, 'tenant');
    const { rows } = await this.db.query(
      'SELECT * FROM tenant_installations WHERE crm = $1 AND account_id = $2',
      [t.crm, t.accountId],
    );
    return toInstallation(rows[0]);
  }

  async listInstallations(filter: { readonly activeOnly?: boolean } = {}): Promise<Installation[]> {
    const { rows } = await this.db.query(
      `SELECT * FROM tenant_installations ${filter.activeOnly === true ? "WHERE status = 'active'" : ''}
       ORDER BY crm, account_id`,
    );
    return rows.map((row) => toInstallation(row)).filter((i): i is Installation => i !== undefined);
  }

  async deactivate(tenant: Tenant, reason: InactiveReason): Promise<boolean> {
    const t = parseArg(TenantArg, tenant, 'tenant');
    const why = parseArg(z.enum(INACTIVE_REASONS), reason, 'reason');
    return this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE tenant_installations SET status = 'inactive', inactive_reason = $3, updated_at = $4 WHERE crm = $1 AND account_id = $2`,
        [t.crm, t.accountId, why, this.clock.now()],
      );
      await tx.query('DELETE FROM tenant_tokens WHERE crm = $1 AND account_id = $2', [t.crm, t.accountId]);
      return rowCount > 0;
    });
  }

  async updateSettings(tenant: Tenant, patch: SettingsPatch): Promise<Installation | undefined> {
    const t = parseArg(TenantArg, tenant, 'tenant');
    // One column per setting and COALESCE: settings a patch leaves out keep what a concurrent patch wrote.
    const { rows } = await this.db.query(
      `UPDATE tenant_installations SET write_native_forecast = COALESCE($3, write_native_forecast),
         create_reminder_tasks = COALESCE($5, create_reminder_tasks), updated_at = $4
       WHERE crm = $1 AND account_id = $2 RETURNING *`,
      [
        t.crm,
        t.accountId,
        bool(patch.writeNativeForecast),
        this.clock.now(),
        bool(patch.createReminderTasks),
      ],
    );
    return toInstallation(rows[0]);
  }

  async setTimeZone(tenant: Tenant, timeZone: string): Promise<boolean> {
    const t = parseArg(TenantArg, tenant, 'tenant');
    const zone = parseArg(TimeZoneArg, timeZone, 'timeZone');
    const { rowCount } = await this.db.query(
      'UPDATE tenant_installations SET time_zone = $3, time_zone_checked_at = $4 WHERE crm = $1 AND account_id = $2',
      [t.crm, t.accountId, zone, this.clock.now()],
    );
    return rowCount > 0;
  }

  async saveTokens(tenant: Tenant, tokens: OAuthTokens, scopes?: readonly string[]): Promise<boolean> {
    const t = parseArg(TenantArg, tenant, 'tenant');
    const newScopes = scopes === undefined ? null : parseArg(z.array(Scope), [...scopes], 'scopes').join(' ');
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      // Touching the installation first takes its row lock, and only an active one qualifies: a refresh that
      // races an uninstall either lands before it (and is deleted by it) or finds it inactive and stops.
      const { rowCount } = await tx.query(
        `UPDATE tenant_installations SET scopes = COALESCE($3, scopes), updated_at = $4
         WHERE crm = $1 AND account_id = $2 AND status = 'active'`,
        [t.crm, t.accountId, newScopes, now],
      );
      if (rowCount === 0) return false;
      await this.writeTokens(tx, t, tokens, now);
      return true;
    });
  }

  async getTokens(tenant: Tenant): Promise<OAuthTokens | undefined> {
    const t = parseArg(TenantArg, tenant, 'tenant');
    const { rows } = await this.db.query(
      'SELECT access_token, refresh_token, expires_at FROM tenant_tokens WHERE crm = $1 AND account_id = $2',
      [t.crm, t.accountId],
    );
    if (!rows[0]) return undefined;
    const parsed = TokenRow.safeParse(rows[0]);
    if (!parsed.success)
      throw new InstallationStoreError(
        'ROW_UNREADABLE',
        `tenant_tokens row: ${z.prettifyError(parsed.error)}`,
      );
    const access = this.cipher.decrypt(parsed.data.access_token, tokenContext(t, 'access_token'));
    const refresh = this.cipher.decrypt(parsed.data.refresh_token, tokenContext(t, 'refresh_token'));
    if (!access.ok)
      throw new InstallationStoreError(
        'TOKEN_UNREADABLE',
        `access token of ${tenantKey(t)}: ${access.error.message}`,
      );
    if (!refresh.ok)
      throw new InstallationStoreError(
        'TOKEN_UNREADABLE',
        `refresh token of ${tenantKey(t)}: ${refresh.error.message}`,
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

  /** The database the store keeps its tables in, for the other stores of the backend's own state. */
  get database(): SqlDatabase {
    return this.db;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private async writeTokens(
    tx: SqlExecutor,
    tenant: Tenant,
    tokens: OAuthTokens,
    now: number,
  ): Promise<void> {
    const expiresAt = parseArg(z.number().int().safe(), tokens.expiresAt, 'expiresAt');
    await tx.query(
      `INSERT INTO tenant_tokens (crm, account_id, access_token, refresh_token, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (crm, account_id) DO UPDATE SET
         access_token = excluded.access_token, refresh_token = excluded.refresh_token,
         expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      [
        tenant.crm,
        tenant.accountId,
        this.cipher.encrypt(tokens.accessToken, tokenContext(tenant, 'access_token')),
        this.cipher.encrypt(tokens.refreshToken, tokenContext(tenant, 'refresh_token')),
        expiresAt,
        now,
      ],
    );
  }
}
