/**
 * PostgreSQL through `pg`'s pool, for several backend instances sharing one database. The SQL is the same
 * as SQLite's (see sql.ts); `schema`, when given, is created if missing and put on every connection's
 * search_path, so one database can hold several independent stores (tests use one schema per run).
 */
import pg from 'pg';
import type { Dialect, QueryResult, SqlDatabase, SqlExecutor, SqlValue } from './sql.js';

/** Any constant works; it only has to be the same for every instance of this app. */
const MIGRATION_LOCK_KEY = 7_262_024_001;

const MIGRATION_LOCK = `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;

export const postgresDialect: Dialect = { name: 'postgres', begin: 'BEGIN', migrationLock: MIGRATION_LOCK };

export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresOptions {
  readonly connectionString: string;
  readonly schema?: string;
  /** Pool size. Default 10. */
  readonly max?: number;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

const runOn =
  (client: Queryable) =>
  async (sql: string, params: readonly SqlValue[] = []): Promise<QueryResult> => {
    const result = await client.query<Record<string, unknown>>(sql, [...params]);
    return { rows: result.rows, rowCount: result.rowCount ?? 0 };
  };

const executor = (client: Queryable): SqlExecutor => ({ query: runOn(client) });

export async function openPostgres(options: PostgresOptions): Promise<SqlDatabase> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`openPostgres: schema "${schema}" must match ${SCHEMA_NAME.source}`);
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client can lose its connection (database restart); the pool replaces it. Without a listener the
  // 'error' event would crash the process.
  pool.on('error', () => undefined);
  const database: SqlDatabase = {
    dialect: postgresDialect,
    query: runOn(pool),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query(postgresDialect.begin);
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable: hand it back as broken so the pool discards it. The caller still
          // sees the first error, the one that explains what went wrong.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
  if (schema === undefined) return database;
  try {
    // Under the migration lock: two instances starting together would otherwise both try to create the
    // schema, and CREATE SCHEMA IF NOT EXISTS is not safe against that (a unique violation in pg_namespace).
    await database.transaction(async (tx) => {
      await tx.query(MIGRATION_LOCK);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return database;
}
