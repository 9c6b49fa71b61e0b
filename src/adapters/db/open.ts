/**
 * Opens the backend's database the configuration asks for: PostgreSQL when a DATABASE_URL is set (several
 * instances share it), otherwise the SQLite file. Migrations run before a store is returned. The stores of
 * one backend share one database (one connection pool), closed once by whoever opened it.
 */
import type { Clock } from '../../ports/clock.js';
import { SqlInstallationStore } from './installation-store.js';
import { SqlPlanSchedule } from './plan-schedule.js';
import { openPostgres } from './postgres.js';
import { SqlRunLedger } from './run-ledger.js';
import type { SqlDatabase } from './sql.js';
import { openSqlite } from './sqlite.js';
import type { TokenCipher } from './token-cipher.js';

export interface InstallationStoreOptions {
  /** A postgres:// URL; when set, SQLite is not used. */
  readonly databaseUrl?: string | undefined;
  /** SQLite file (created with its folder if missing), or ':memory:'. */
  readonly sqlitePath: string;
  /** PostgreSQL schema to keep the tables in (created if missing). Default: the connection's search_path. */
  readonly pgSchema?: string | undefined;
  readonly cipher: TokenCipher;
  readonly clock: Pick<Clock, 'now'>;
}

export async function openDatabase(
  options: Pick<InstallationStoreOptions, 'databaseUrl' | 'sqlitePath' | 'pgSchema'>,
): Promise<SqlDatabase> {
  if (options.databaseUrl) {
    return openPostgres({
      connectionString: options.databaseUrl,
      ...(options.pgSchema === undefined ? {} : { schema: options.pgSchema }),
    });
  }
  return openSqlite(options.sqlitePath);
}

/** The installation store alone, on a database of its own (its close closes the database). */
export async function openInstallationStore(
  options: InstallationStoreOptions,
): Promise<SqlInstallationStore> {
  return (await openBackendDatabase(options)).installations;
}

/** Every store the backend keeps in its database, over one connection pool. */
export interface BackendDatabase {
  readonly db: SqlDatabase;
  readonly installations: SqlInstallationStore;
  /** The next-change index (migration 5). */
  readonly schedule: SqlPlanSchedule;
  /** The run ledger of the daily runs (migration 6). */
  readonly runs: SqlRunLedger;
  /** Closes the database, once for every store (the installation store's close does the same). */
  close(): Promise<void>;
}

/** Opens and migrates the database, and every store over it. */
export async function openBackendDatabase(options: InstallationStoreOptions): Promise<BackendDatabase> {
  const db = await openDatabase(options);
  try {
    const installations = await SqlInstallationStore.open({
      db,
      cipher: options.cipher,
      clock: options.clock,
    });
    return {
      db,
      installations,
      schedule: new SqlPlanSchedule({ db, clock: options.clock }),
      runs: new SqlRunLedger({ db, clock: options.clock }),
      close: () => db.close(),
    };
  } catch (error) {
    // Migration failed: release the connections, then report why start-up cannot continue.
    await db.close();
    throw error;
  }
}
