/**
 * SQLite through Node's built-in node:sqlite (no native module to compile). One synchronous connection per
 * process; a Mutex keeps a transaction's statements together, because `transaction(fn)` awaits between
 * them and another caller's statement must not land inside it.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  Mutex,
  toSqliteParams,
  type Dialect,
  type QueryResult,
  type SqlDatabase,
  type SqlExecutor,
  type SqlValue,
} from './sql.js';

export const sqliteDialect: Dialect = { name: 'sqlite', begin: 'BEGIN IMMEDIATE', migrationLock: null };

export function openSqlite(file: string): SqlDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA foreign_keys = ON');
  // Another process holding the write lock makes us wait up to 5 s instead of failing at once.
  db.exec('PRAGMA busy_timeout = 5000');
  if (file !== ':memory:') {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
  }

  const statements = new Map<string, StatementSync>();
  const prepared = (sql: string): StatementSync => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(toSqliteParams(sql));
      statements.set(sql, statement);
    }
    return statement;
  };

  const run = (sql: string, params: readonly SqlValue[] = []): QueryResult => {
    const statement = prepared(sql);
    if (statement.columns().length > 0) {
      const rows = statement.all(...params);
      return { rows, rowCount: rows.length };
    }
    const { changes } = statement.run(...params);
    return { rows: [], rowCount: Number(changes) };
  };

  const direct: SqlExecutor = { query: (sql, params) => Promise.resolve(run(sql, params)) };
  const lock = new Mutex();
  let closed = false;

  return {
    dialect: sqliteDialect,
    query: (sql, params) => lock.run(() => direct.query(sql, params)),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
      lock.run(async () => {
        db.exec(sqliteDialect.begin);
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          // Undo the partial writes; the caller sees the original error.
          db.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () =>
      lock.run(() => {
        if (!closed) {
          closed = true;
          db.close();
        }
        return Promise.resolve();
      }),
  };
}
