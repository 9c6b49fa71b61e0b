/**
 * The installation store's schema, as numbered, append-only migrations run at start-up. Never edit or
 * reorder a migration that has shipped: add the next number. Each applied migration's checksum is kept
 * in `app_migrations`, and start-up refuses a database whose applied migrations differ from the code's,
 * or that has migrations this code does not know (a newer version ran against it).
 *
 * The SQL is the portable subset (see sql.ts): booleans are INTEGER 0/1, times are BIGINT ms since the
 * epoch, and every statement runs unchanged on SQLite and PostgreSQL.
 */
import { createHash } from 'node:crypto';
import type { SqlDatabase, SqlExecutor } from './sql.js';

export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'installations, tokens, webhook events, oauth states',
    statements: [
      `CREATE TABLE installations (
        portal_id BIGINT PRIMARY KEY,
        app_id BIGINT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
        inactive_reason TEXT,
        scopes TEXT NOT NULL,
        storage_mode TEXT NOT NULL CHECK (storage_mode IN ('custom_object', 'document')),
        write_native_forecast INTEGER NOT NULL DEFAULT 0 CHECK (write_native_forecast IN (0, 1)),
        installed_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        CHECK ((status = 'active' AND inactive_reason IS NULL) OR (status = 'inactive' AND inactive_reason IS NOT NULL))
      )`,
      // Token columns hold TokenCipher ciphertexts, never plaintext.
      `CREATE TABLE oauth_tokens (
        portal_id BIGINT PRIMARY KEY REFERENCES installations (portal_id) ON DELETE CASCADE,
        access_token TEXT NOT NULL,
        refresh_token TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE webhook_events (
        event_id TEXT PRIMARY KEY,
        seen_at BIGINT NOT NULL
      )`,
      `CREATE INDEX webhook_events_seen_at ON webhook_events (seen_at)`,
      // The nonce itself is never stored, only its SHA-256: a copy of this table cannot complete an install.
      `CREATE TABLE oauth_states (
        nonce_hash TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at)`,
    ],
  },
  {
    id: 2,
    name: 'seen request signatures (replay protection)',
    statements: [
      // Keyed by a SHA-256 of the v3 signature and its timestamp; a row lives until the request's window ends.
      `CREATE TABLE seen_signatures (
        signature_hash TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE INDEX seen_signatures_expires_at ON seen_signatures (expires_at)`,
    ],
  },
  {
    id: 3,
    name: 'installations keyed by tenant (crm, account id)',
    statements: [
      // The same columns, keyed by the CRM and its account id (a HubSpot portal id in decimal, a Salesforce org
      // id) instead of a HubSpot portal number; the app id becomes text too (Salesforce's are not numbers).
      `CREATE TABLE tenant_installations (
        crm TEXT NOT NULL CHECK (crm IN ('hubspot', 'salesforce')),
        account_id TEXT NOT NULL,
        app_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
        inactive_reason TEXT,
        scopes TEXT NOT NULL,
        storage_mode TEXT NOT NULL CHECK (storage_mode IN ('custom_object', 'document')),
        write_native_forecast INTEGER NOT NULL DEFAULT 0 CHECK (write_native_forecast IN (0, 1)),
        installed_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (crm, account_id),
        CHECK ((status = 'active' AND inactive_reason IS NULL) OR (status = 'inactive' AND inactive_reason IS NOT NULL))
      )`,
      `CREATE TABLE tenant_tokens (
        crm TEXT NOT NULL,
        account_id TEXT NOT NULL,
        access_token TEXT NOT NULL,
        refresh_token TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (crm, account_id),
        FOREIGN KEY (crm, account_id) REFERENCES tenant_installations (crm, account_id) ON DELETE CASCADE
      )`,
      // Every existing row is a HubSpot portal's; its tokens stay encrypted as they are (their cipher context
      // names the portal, see tokenContext in installation-store.ts).
      `INSERT INTO tenant_installations (crm, account_id, app_id, status, inactive_reason, scopes, storage_mode, write_native_forecast, installed_at, updated_at)
        SELECT 'hubspot', CAST(portal_id AS TEXT), CAST(app_id AS TEXT), status, inactive_reason, scopes, storage_mode, write_native_forecast, installed_at, updated_at
        FROM installations`,
      `INSERT INTO tenant_tokens (crm, account_id, access_token, refresh_token, expires_at, updated_at)
        SELECT 'hubspot', CAST(portal_id AS TEXT), access_token, refresh_token, expires_at, updated_at
        FROM oauth_tokens`,
      `DROP TABLE oauth_tokens`,
      `DROP TABLE installations`,
    ],
  },
  {
    id: 4,
    name: "each tenant's time zone, as its CRM keeps it",
    statements: [
      `ALTER TABLE tenant_installations ADD COLUMN time_zone TEXT`,
      `ALTER TABLE tenant_installations ADD COLUMN time_zone_checked_at BIGINT`,
    ],
  },
  {
    id: 5,
    name: 'the next-change index of plans (plan_schedule)',
    statements: [
      // One row per deal with a plan: the day its forecast fields next change by themselves (YYYY-MM-DD, text
      // compares as dates), null when they never do; the plan version it was computed from (a record of an
      // older version does not replace a newer one's date); when it was last recorded (the full pass forgets
      // rows it did not record). No foreign key to the installation: the rows of an uninstalled tenant are
      // harmless, and a full pass rebuilds a tenant's rows from its plans.
      `CREATE TABLE plan_schedule (
        crm TEXT NOT NULL CHECK (crm IN ('hubspot', 'salesforce')),
        account_id TEXT NOT NULL,
        deal_id TEXT NOT NULL,
        next_change TEXT,
        plan_version BIGINT,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (crm, account_id, deal_id)
      )`,
      `CREATE INDEX plan_schedule_next_change ON plan_schedule (crm, account_id, next_change)`,
    ],
  },
  {
    id: 6,
    name: "the run ledger: each tenant's daily run, once per local day",
    statements: [
      // One row per tenant and local day (src/ports/run-ledger.ts has the claim rules). `attempts` is the
      // current claim's fencing token; `heartbeat_at` its lease; a finished row has `finished_at`.
      `CREATE TABLE tenant_runs (
        crm TEXT NOT NULL CHECK (crm IN ('hubspot', 'salesforce')),
        account_id TEXT NOT NULL,
        local_date TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('due', 'full')),
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        attempts INTEGER NOT NULL CHECK (attempts >= 1),
        started_at BIGINT NOT NULL,
        heartbeat_at BIGINT NOT NULL,
        finished_at BIGINT,
        report TEXT,
        error_code TEXT,
        error_message TEXT,
        PRIMARY KEY (crm, account_id, local_date),
        CHECK ((status = 'running' AND finished_at IS NULL) OR (status <> 'running' AND finished_at IS NOT NULL))
      )`,
      `CREATE INDEX tenant_runs_local_date ON tenant_runs (local_date)`,
      `CREATE INDEX tenant_runs_started_at ON tenant_runs (started_at)`,
    ],
  },
  {
    id: 7,
    name: 'reminder tasks made per plan step, and the setting that turns them off',
    statements: [
      // One record per step of a deal's plan that has (or is getting) a reminder to-do in the CRM: a claim
      // ('creating', no to-do id yet) is written before the CRM call, so a retry finds it (functions/sync-reminders.ts).
      `CREATE TABLE reminder_tasks (
        crm TEXT NOT NULL CHECK (crm IN ('hubspot', 'salesforce')),
        account_id TEXT NOT NULL,
        deal_id TEXT NOT NULL,
        milestone_id TEXT NOT NULL,
        task_id TEXT,
        owner_id TEXT NOT NULL,
        due_date TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('creating', 'open', 'completed')),
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (crm, account_id, deal_id, milestone_id),
        CHECK ((state = 'creating' AND task_id IS NULL) OR (state = 'open' AND task_id IS NOT NULL) OR state = 'completed')
      )`,
      // Reminders are on unless an admin turns them off (every existing installation included).
      `ALTER TABLE tenant_installations ADD COLUMN create_reminder_tasks INTEGER NOT NULL DEFAULT 1 CHECK (create_reminder_tasks IN (0, 1))`,
    ],
  },
];

const LEDGER = `CREATE TABLE IF NOT EXISTS app_migrations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;

export const checksum = (migration: Migration): string =>
  createHash('sha256').update(migration.statements.join('\n;\n')).digest('hex');

/** Thrown when the database and the code disagree about the schema: an operator has to look. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Checks that ids run 1, 2, 3, ... with no gap or repeat (a bug in this file otherwise). */
export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, index) => {
    if (m.id !== index + 1)
      throw new MigrationError(`migration #${index + 1} has id ${m.id}: ids must be 1, 2, 3, ...`);
    if (m.statements.length === 0) throw new MigrationError(`migration ${m.id} has no statements`);
  });
}

async function lock(db: SqlDatabase, tx: SqlExecutor): Promise<void> {
  if (db.dialect.migrationLock) await tx.query(db.dialect.migrationLock);
}

/**
 * Applies the migrations the database has not seen, each in its own transaction, under a lock that makes
 * concurrent start-ups take turns. Returns the ids applied now.
 */
export async function migrate(
  db: SqlDatabase,
  now: number,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  checkMigrationList(migrations);
  await db.transaction(async (tx) => {
    await lock(db, tx);
    await tx.query(LEDGER);
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    const sum = checksum(migration);
    const ran = await db.transaction(async (tx) => {
      await lock(db, tx);
      const { rows } = await tx.query('SELECT checksum FROM app_migrations WHERE id = $1', [migration.id]);
      const [row] = rows;
      if (row) {
        if (row.checksum !== sum) {
          throw new MigrationError(
            `migration ${migration.id} (${migration.name}) was changed after it was applied`,
          );
        }
        return false;
      }
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO app_migrations (id, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
        migration.id,
        migration.name,
        sum,
        now,
      ]);
      return true;
    });
    if (ran) applied.push(migration.id);
  }
  const { rows } = await db.query('SELECT id FROM app_migrations WHERE id > $1 ORDER BY id', [
    migrations.length,
  ]);
  if (rows.length > 0) {
    throw new MigrationError(
      `the database has migrations this code does not know (${rows.map((r) => String(r.id)).join(', ')}): a newer version ran against it`,
    );
  }
  return applied;
}
