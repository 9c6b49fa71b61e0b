/**
 * Opens the backend's database the configuration asks for: PostgreSQL when a DATABASE_URL is set (several
 * instances share it), otherwise the SQLite file. Migrations run before a store is returned.
 */
import type { Clock } from '../../ports/clock.js';
import { SqlInstallationStore } from './installation-store.js';
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

export async function openInstallationStore(
  options: InstallationStoreOptions,
): Promise<SqlInstallationStore> {
  const db = await openDatabase(options);
  try {
    return await SqlInstallationStore.open({ db, cipher: options.cipher, clock: options.clock });
  } catch (error) {
    // Migration failed: release the connections, then report why start-up cannot continue.
    await db.close();
    throw error;
  }
}

/**
 * The installation store and the run ledger over one database (one pool): closing the installation store
 * closes it for both.
 */
export async function openBackendStores(
  options: InstallationStoreOptions,
): Promise<{ readonly installations: SqlInstallationStore; readonly runs: SqlRunLedger }> {
  const db = await openDatabase(options);
  try {
    const installations = await SqlInstallationStore.open({
      db,
      cipher: options.cipher,
      clock: options.clock,
    });
    return { installations, runs: new SqlRunLedger({ db, clock: options.clock }) };
  } catch (error) {
    // Migration failed: release the connections, then report why start-up cannot continue.
    await db.close();
    throw error;
  }
}
