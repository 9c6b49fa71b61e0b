/**
 * RunLedger over the shared query layer (sql.ts), table `tenant_runs` (migration 6): the same statements on
 * SQLite and PostgreSQL. A claim is one INSERT ... ON CONFLICT DO UPDATE ... WHERE statement: the row is
 * inserted, or taken over only when it is `failed` or its lease has lapsed, and RETURNING says whether this
 * caller got it. On PostgreSQL two instances claiming the same day at once serialize on the row: the second
 * sees the first's fresh `running` row and is refused. Heartbeats and finishes name the claim's attempt, so a
 * claim that was taken over can no longer write.
 */
import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../../domain/dates.js';
import { tenantKey, tenantSchema, type Tenant } from '../../domain/model.js';
import type { Clock } from '../../ports/clock.js';
import {
  RUN_KINDS,
  RUN_STATUSES,
  type ClaimResult,
  type RunClaim,
  type RunKind,
  type RunLedger,
  type RunOutcome,
  type TenantRun,
} from '../../ports/run-ledger.js';
import type { SqlDatabase, SqlRow } from './sql.js';

/** Stored data the ledger cannot read, or a call that is a bug. */
export class RunLedgerError extends Error {
  override readonly name = 'RunLedgerError';
}

/** SQLite gives numbers, PostgreSQL gives BIGINT as a string: both become a safe integer. */
const Int = z
  .union([z.number(), z.bigint(), z.string().regex(/^-?\d+$/)])
  .transform(Number)
  .pipe(z.number().int().safe());

const RunRow = z.object({
  crm: tenantSchema.shape.crm,
  account_id: z.string().min(1),
  local_date: z.string().refine(isIsoDate, 'a YYYY-MM-DD date'),
  kind: z.enum(RUN_KINDS),
  status: z.enum(RUN_STATUSES),
  attempts: Int,
  started_at: Int,
  heartbeat_at: Int,
  finished_at: Int.nullable(),
  report: z.string().nullable(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
});

const DateArg = z.string().refine(isIsoDate, 'a YYYY-MM-DD date');
const Lease = z.number().int().positive().safe();
const Limit = z.number().int().min(1).max(10_000);
/** Error texts are kept short: a sentence for an operator, not a stack or a response body. */
const ERROR_TEXT_MAX = 2_000;

function parseArg<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RunLedgerError(`${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function toRun(row: SqlRow): TenantRun {
  const parsed = RunRow.safeParse(row);
  if (!parsed.success) throw new RunLedgerError(`tenant_runs row: ${z.prettifyError(parsed.error)}`);
  const r = parsed.data;
  let report: unknown = null;
  if (r.report !== null) {
    try {
      report = JSON.parse(r.report);
    } catch {
      // Written by finish() as JSON: anything else is a damaged row, which an operator has to look at.
      throw new RunLedgerError(
        `tenant_runs row of ${r.crm}:${r.account_id} ${r.local_date}: report is not JSON`,
      );
    }
  }
  return {
    tenant: { crm: r.crm, accountId: r.account_id },
    localDate: r.local_date,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
    finishedAt: r.finished_at,
    report,
    error: r.error_code === null ? null : { code: r.error_code, message: r.error_message ?? '' },
  };
}

export interface SqlRunLedgerDeps {
  /** Migrated (migration 6 applied): the installation store's database. */
  readonly db: SqlDatabase;
  readonly clock: Pick<Clock, 'now'>;
}

export class SqlRunLedger implements RunLedger {
  private readonly db: SqlDatabase;
  private readonly clock: Pick<Clock, 'now'>;

  constructor(deps: SqlRunLedgerDeps) {
    this.db = deps.db;
    this.clock = deps.clock;
  }

  async claim(
    day: { readonly tenant: Tenant; readonly localDate: IsoDate; readonly kind: RunKind },
    leaseMs: number,
  ): Promise<ClaimResult> {
    const tenant = parseArg(tenantSchema, day.tenant, 'tenant');
    const localDate = parseArg(DateArg, day.localDate, 'localDate');
    const kind = parseArg(z.enum(RUN_KINDS), day.kind, 'kind');
    const lease = parseArg(Lease, leaseMs, 'leaseMs');
    const now = this.clock.now();
    const { rows } = await this.db.query(
      `INSERT INTO tenant_runs (crm, account_id, local_date, kind, status, attempts, started_at, heartbeat_at, finished_at, report, error_code, error_message)
       VALUES ($1, $2, $3, $4, 'running', 1, $5, $5, NULL, NULL, NULL, NULL)
       ON CONFLICT (crm, account_id, local_date) DO UPDATE SET
         kind = excluded.kind, status = 'running', attempts = tenant_runs.attempts + 1,
         started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, finished_at = NULL,
         report = NULL, error_code = NULL, error_message = NULL
       WHERE tenant_runs.status = 'failed' OR (tenant_runs.status = 'running' AND tenant_runs.heartbeat_at <= $6)
       RETURNING attempts`,
      [tenant.crm, tenant.accountId, localDate, kind, now, now - lease],
    );
    const [row] = rows;
    if (row) return { claimed: true, claim: { tenant, localDate, kind, attempt: Int.parse(row.attempts) } };
    const held = await this.get(tenant, localDate);
    if (!held) throw new RunLedgerError(`claim of ${tenantKey(tenant)} ${localDate}: refused, yet no row`);
    return { claimed: false, run: held };
  }

  async heartbeat(claim: RunClaim): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE tenant_runs SET heartbeat_at = $5
       WHERE crm = $1 AND account_id = $2 AND local_date = $3 AND status = 'running' AND attempts = $4`,
      [...this.claimKey(claim), this.clock.now()],
    );
    return rowCount > 0;
  }

  async finish(claim: RunClaim, outcome: RunOutcome): Promise<boolean> {
    const report = outcome.status === 'done' ? JSON.stringify(outcome.report ?? null) : null;
    const error = outcome.status === 'failed' ? outcome.error : null;
    const { rowCount } = await this.db.query(
      `UPDATE tenant_runs SET status = $5, finished_at = $6, report = $7, error_code = $8, error_message = $9
       WHERE crm = $1 AND account_id = $2 AND local_date = $3 AND status = 'running' AND attempts = $4`,
      [
        ...this.claimKey(claim),
        outcome.status,
        this.clock.now(),
        report,
        error === null ? null : error.code.slice(0, 100),
        error === null ? null : error.message.slice(0, ERROR_TEXT_MAX),
      ],
    );
    return rowCount > 0;
  }

  async runsSince(localDate: IsoDate): Promise<TenantRun[]> {
    const from = parseArg(DateArg, localDate, 'localDate');
    const { rows } = await this.db.query(
      'SELECT * FROM tenant_runs WHERE local_date >= $1 ORDER BY crm, account_id, local_date',
      [from],
    );
    return rows.map(toRun);
  }

  async lastFullRuns(): Promise<ReadonlyMap<string, IsoDate>> {
    const { rows } = await this.db.query(
      `SELECT crm, account_id, MAX(local_date) AS last_full FROM tenant_runs
       WHERE kind = 'full' AND status = 'done' GROUP BY crm, account_id`,
    );
    const row = z.object({ crm: tenantSchema.shape.crm, account_id: z.string(), last_full: DateArg });
    return new Map(
      rows.map((r) => {
        const parsed = parseArg(row, r, 'tenant_runs last full run');
        return [tenantKey({ crm: parsed.crm, accountId: parsed.account_id }), parsed.last_full];
      }),
    );
  }

  async recent(limit: number): Promise<TenantRun[]> {
    const n = parseArg(Limit, limit, 'limit');
    const { rows } = await this.db.query(
      'SELECT * FROM tenant_runs ORDER BY started_at DESC, crm, account_id LIMIT $1',
      [n],
    );
    return rows.map(toRun);
  }

  async pruneBefore(localDate: IsoDate): Promise<number> {
    const before = parseArg(DateArg, localDate, 'localDate');
    const { rowCount } = await this.db.query('DELETE FROM tenant_runs WHERE local_date < $1', [before]);
    return rowCount;
  }

  private async get(tenant: Tenant, localDate: IsoDate): Promise<TenantRun | undefined> {
    const { rows } = await this.db.query(
      'SELECT * FROM tenant_runs WHERE crm = $1 AND account_id = $2 AND local_date = $3',
      [tenant.crm, tenant.accountId, localDate],
    );
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  private claimKey(claim: RunClaim): [string, string, string, number] {
    const tenant = parseArg(tenantSchema, claim.tenant, 'tenant');
    return [
      tenant.crm,
      tenant.accountId,
      parseArg(DateArg, claim.localDate, 'localDate'),
      parseArg(z.number().int().min(1), claim.attempt, 'attempt'),
    ];
  }
}
