/**
 * The one query layer both databases sit behind. SQL is written once, in the portable subset SQLite and
 * PostgreSQL share (INSERT ... ON CONFLICT, RETURNING, BIGINT/INTEGER/TEXT columns, booleans as 0/1), with
 * PostgreSQL's positional parameters `$1, $2, ...`; the SQLite driver rewrites them to SQLite's numbered
 * `?1, ?2, ...`, which bind by the same position. What still differs lives in the small `Dialect` object.
 */
import { z } from 'zod';

export type SqlValue = string | number | bigint | null;
export type SqlRow = Readonly<Record<string, unknown>>;

export interface QueryResult {
  readonly rows: readonly SqlRow[];
  /** Rows inserted, updated or deleted (or returned, for a statement with RETURNING). */
  readonly rowCount: number;
}

export interface SqlExecutor {
  query(sql: string, params?: readonly SqlValue[]): Promise<QueryResult>;
}

export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** Starts a transaction. SQLite takes the write lock at once (IMMEDIATE), so two writers never deadlock. */
  readonly begin: string;
  /**
   * Run first inside the migration transaction so that several instances starting together migrate one at a
   * time. SQLite needs none: its IMMEDIATE transaction already excludes other writers.
   */
  readonly migrationLock: string | null;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction: every write lands, or none does. `fn` must use `tx`, not the database. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** An integer column: SQLite gives numbers, PostgreSQL gives BIGINT (and COUNT) as a string; both become a safe integer. */
export const sqlInteger = z
  .union([z.number(), z.bigint(), z.string().regex(/^-?\d+$/)])
  .transform(Number)
  .pipe(z.number().int().safe());

/**
 * `$1` → `?1`. Only for SQL this codebase writes: it has no `$` inside string literals or identifiers.
 */
export const toSqliteParams = (sql: string): string => sql.replace(/\$(\d+)/g, '?$1');

/** A first-come, first-served async lock: one holder at a time. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
