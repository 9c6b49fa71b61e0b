/**
 * PlanSchedule (the next-change index) over the shared query layer (sql.ts), in the table of migration 5:
 * the same statements run on SQLite and PostgreSQL. Records are upserts of up to RECORD_CHUNK rows per
 * statement, so a daily pass records a page of plans in one round trip; each statement is atomic on its own
 * and two of them racing on one deal leave one whole row. The version guard is part of the upsert (no read
 * first), so a save's record and a pass's record of an older plan cannot interleave into the older date.
 *
 * The database must be migrated (SqlInstallationStore.open or migrate() on it); this class never closes it:
 * whoever opened the database closes it once (src/adapters/db/open.ts).
 */
import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../../domain/dates.js';
import { dealRefSchema, tenantSchema, type DealRef, type Tenant } from '../../domain/model.js';
import type { Clock } from '../../ports/clock.js';
import type { DueOptions, PlanSchedule, ScheduleEntry, ScheduleStats } from '../../ports/plan-schedule.js';
import { sqlInteger, type SqlDatabase, type SqlValue } from './sql.js';

/** Rows per statement: 6 parameters each, far below either database's limit on parameters. */
export const RECORD_CHUNK = 100;
/** The most ids one `due` page returns. */
export const MAX_DUE_PAGE = 1_000;

/** A call that is a bug (an invalid deal, date or limit): the caller has to be fixed, not retried. */
export class PlanScheduleError extends Error {
  override readonly name = 'PlanScheduleError';
}

const EntryArg = z.object({
  deal: dealRefSchema,
  nextChange: z.string().refine(isIsoDate, 'a date YYYY-MM-DD').nullable(),
  version: z.number().int().nonnegative().safe().optional(),
});
const DayArg = z.string().refine(isIsoDate, 'a date YYYY-MM-DD');
const DueArg = z.object({
  limit: z.number().int().min(1).max(MAX_DUE_PAGE),
  afterDealId: z.string().min(1).optional(),
});
const DealIdRow = z.object({ deal_id: z.string() });
const StatsRow = z.object({
  tracked: sqlInteger,
  due: sqlInteger.nullable(),
  next_date: z.string().nullable(),
});

function parseArg<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PlanScheduleError(`${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const keyOf = (deal: DealRef): string => `${deal.crm}\u0000${deal.accountId}\u0000${deal.dealId}`;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** `($1, $2, ...), ($7, ...)`: `rows` groups of `width` positional parameters. */
const placeholders = (rows: number, width: number): string =>
  Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
  ).join(', ');

/** The upsert's guard: the entry has no version, the row has none, or the row's is not newer. */
const NOT_OLDER =
  '(excluded.plan_version IS NULL OR plan_schedule.plan_version IS NULL OR plan_schedule.plan_version <= excluded.plan_version)';

export interface SqlPlanScheduleDeps {
  readonly db: SqlDatabase;
  /** Stamps every record (see PlanSchedule.forgetRecordedBefore). */
  readonly clock: Pick<Clock, 'now'>;
}

export class SqlPlanSchedule implements PlanSchedule {
  private readonly db: SqlDatabase;
  private readonly clock: Pick<Clock, 'now'>;

  constructor(deps: SqlPlanScheduleDeps) {
    this.db = deps.db;
    this.clock = deps.clock;
  }

  async record(entries: readonly ScheduleEntry[]): Promise<void> {
    // One row per deal and statement (PostgreSQL refuses to upsert a row twice in one statement): the last wins.
    const byDeal = new Map<string, z.output<typeof EntryArg>>();
    for (const entry of entries) {
      const parsed = parseArg(EntryArg, entry, 'record');
      byDeal.delete(keyOf(parsed.deal));
      byDeal.set(keyOf(parsed.deal), parsed);
    }
    const now = this.clock.now();
    for (const chunk of chunks([...byDeal.values()], RECORD_CHUNK)) {
      const params: SqlValue[] = chunk.flatMap((e) => [
        e.deal.crm,
        e.deal.accountId,
        e.deal.dealId,
        e.nextChange,
        e.version ?? null,
        now,
      ]);
      // The date and version change unless the row holds a newer version's; the stamp always does (the deal
      // was found with a plan now, which is what forgetRecordedBefore asks).
      await this.db.query(
        `INSERT INTO plan_schedule (crm, account_id, deal_id, next_change, plan_version, updated_at)
         VALUES ${placeholders(chunk.length, 6)}
         ON CONFLICT (crm, account_id, deal_id) DO UPDATE SET
           next_change = CASE WHEN ${NOT_OLDER} THEN excluded.next_change ELSE plan_schedule.next_change END,
           plan_version = CASE WHEN ${NOT_OLDER} THEN excluded.plan_version ELSE plan_schedule.plan_version END,
           updated_at = excluded.updated_at`,
        params,
      );
    }
  }

  async due(tenant: Tenant, today: IsoDate, options: DueOptions): Promise<readonly string[]> {
    const t = parseArg(tenantSchema, tenant, 'due: tenant');
    const day = parseArg(DayArg, today, 'due: today');
    const { limit, afterDealId } = parseArg(DueArg, options, 'due: options');
    // Every id is after '' (ids are never empty), so the first page needs no second statement.
    const { rows } = await this.db.query(
      `SELECT deal_id FROM plan_schedule
       WHERE crm = $1 AND account_id = $2 AND next_change <= $3 AND deal_id > $4
       ORDER BY deal_id LIMIT $5`,
      [t.crm, t.accountId, day, afterDealId ?? '', limit],
    );
    return rows.map((row) => DealIdRow.parse(row).deal_id);
  }

  async forget(deals: readonly DealRef[]): Promise<void> {
    const byTenant = new Map<string, { tenant: Tenant; ids: string[] }>();
    for (const deal of deals) {
      const d = parseArg(dealRefSchema, deal, 'forget');
      const key = `${d.crm}\u0000${d.accountId}`;
      const group = byTenant.get(key) ?? { tenant: { crm: d.crm, accountId: d.accountId }, ids: [] };
      group.ids.push(d.dealId);
      byTenant.set(key, group);
    }
    for (const { tenant, ids } of byTenant.values()) {
      for (const chunk of chunks([...new Set(ids)], RECORD_CHUNK)) {
        const list = chunk.map((_, i) => `$${i + 3}`).join(', ');
        await this.db.query(
          `DELETE FROM plan_schedule WHERE crm = $1 AND account_id = $2 AND deal_id IN (${list})`,
          [tenant.crm, tenant.accountId, ...chunk],
        );
      }
    }
  }

  async forgetRecordedBefore(tenant: Tenant, before: number): Promise<number> {
    const t = parseArg(tenantSchema, tenant, 'forgetRecordedBefore: tenant');
    const at = parseArg(z.number().int().safe(), before, 'forgetRecordedBefore: before');
    const { rowCount } = await this.db.query(
      'DELETE FROM plan_schedule WHERE crm = $1 AND account_id = $2 AND updated_at < $3',
      [t.crm, t.accountId, at],
    );
    return rowCount;
  }

  async stats(tenant: Tenant, today: IsoDate): Promise<ScheduleStats> {
    const t = parseArg(tenantSchema, tenant, 'stats: tenant');
    const day = parseArg(DayArg, today, 'stats: today');
    const { rows } = await this.db.query(
      `SELECT COUNT(*) AS tracked,
         SUM(CASE WHEN next_change <= $3 THEN 1 ELSE 0 END) AS due,
         MIN(CASE WHEN next_change > $3 THEN next_change END) AS next_date
       FROM plan_schedule WHERE crm = $1 AND account_id = $2`,
      [t.crm, t.accountId, day],
    );
    // SUM over no rows is NULL; PostgreSQL's COUNT and SUM are BIGINT, which read back as strings.
    const row = StatsRow.parse(rows[0]);
    return { tracked: row.tracked, due: row.due ?? 0, nextDate: row.next_date };
  }
}
