/**
 * The sandbox's SQLite database (Node's built-in node:sqlite, so no native module has to be compiled).
 * A file by default, so the demo portal survives a restart; ":memory:" for tests.
 */
import { DatabaseSync } from 'node:sqlite';

export type SandboxDb = DatabaseSync;

export function openSandboxDb(file: string): SandboxDb {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA foreign_keys = ON');
  if (file !== ':memory:') {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
  }
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (namespace TEXT NOT NULL, step INTEGER NOT NULL, PRIMARY KEY (namespace, step))',
  );
  return db;
}

/**
 * Runs the steps of `namespace` that have not run yet, each in its own transaction. Steps are append-only:
 * never edit a step that has shipped, add a new one.
 */
export function applyMigrations(db: SandboxDb, namespace: string, steps: readonly string[]): void {
  const done = new Set(
    db
      .prepare('SELECT step FROM schema_migrations WHERE namespace = ?')
      .all(namespace)
      .map((row) => Number(row.step)),
  );
  steps.forEach((sql, step) => {
    if (done.has(step)) return;
    db.exec('BEGIN');
    try {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (namespace, step) VALUES (?, ?)').run(namespace, step);
      db.exec('COMMIT');
    } catch (error) {
      // Roll back so a failed step leaves the database as it was; the caller sees the original error.
      db.exec('ROLLBACK');
      throw error;
    }
  });
}

/** Runs `fn` in one transaction: all of its writes land, or none do. */
export function inTransaction<T>(db: SandboxDb, fn: () => T): T {
  db.exec('BEGIN');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    // Undo the partial writes, then let the caller see why.
    db.exec('ROLLBACK');
    throw error;
  }
}
