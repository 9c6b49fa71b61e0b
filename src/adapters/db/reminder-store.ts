/**
 * ReminderStore over the shared query layer (sql.ts), in the backend's own database: table `reminder_tasks`
 * (migration 7, run when the installation store opens). A claim is one INSERT ... ON CONFLICT DO NOTHING
 * and taking over an old one is one compare-and-set UPDATE, so two instances never both claim a step.
 */
import { z } from 'zod';
import { isIsoDate } from '../../domain/dates.js';
import { tenantSchema, type DealRef, type Tenant } from '../../domain/model.js';
import { REMINDER_STATES, type RecordedReminder } from '../../domain/reminder-sync.js';
import type { ReminderRecord, ReminderStore } from '../../ports/reminder-store.js';
import type { SqlDatabase, SqlRow, SqlValue } from './sql.js';

/** SQLite gives numbers, PostgreSQL gives BIGINT as a string: both become a safe integer. */
const Int = z
  .union([z.number(), z.bigint(), z.string().regex(/^-?\d+$/)])
  .transform(Number)
  .pipe(z.number().int().safe());

const Row = z.object({
  deal_id: z.string().min(1),
  milestone_id: z.string().min(1),
  task_id: z.string().min(1).nullable(),
  owner_id: z.string().min(1),
  due_date: z.string().refine(isIsoDate, 'a date written YYYY-MM-DD'),
  title: z.string(),
  state: z.enum(REMINDER_STATES),
  updated_at: Int,
});

/** Ids bound per statement: far below both databases' parameter limits. */
const IDS_PER_QUERY = 500;

function toRecorded(row: SqlRow): { dealId: string; record: RecordedReminder } {
  const parsed = Row.safeParse(row);
  if (!parsed.success) throw new Error(`reminder_tasks row: ${z.prettifyError(parsed.error)}`);
  const r = parsed.data;
  return {
    dealId: r.deal_id,
    record: {
      milestoneId: r.milestone_id,
      taskId: r.task_id,
      ownerId: r.owner_id,
      dueDate: r.due_date,
      title: r.title,
      state: r.state,
      updatedAt: r.updated_at,
    },
  };
}

const placeholders = (from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');

/** A record that breaks the table's rule is a bug in the caller: say which. */
function checkRecord(record: ReminderRecord): void {
  if ((record.state === 'open') !== (record.taskId !== null) && record.state !== 'completed')
    throw new Error(
      `reminder record of step ${record.milestoneId}: ${record.state} ${record.taskId === null ? 'without' : 'with'} a to-do id`,
    );
}

export class SqlReminderStore implements ReminderStore {
  constructor(private readonly db: SqlDatabase) {}

  async list(deal: DealRef): Promise<RecordedReminder[]> {
    const { rows } = await this.db.query(
      'SELECT * FROM reminder_tasks WHERE crm = $1 AND account_id = $2 AND deal_id = $3 ORDER BY milestone_id',
      [deal.crm, deal.accountId, deal.dealId],
    );
    return rows.map((row) => toRecorded(row).record);
  }

  async listForDeals(tenant: Tenant, dealIds: readonly string[]): Promise<Map<string, RecordedReminder[]>> {
    const t = tenantSchema.parse(tenant);
    const out = new Map<string, RecordedReminder[]>();
    const unique = [...new Set(dealIds)];
    for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
      const chunk = unique.slice(i, i + IDS_PER_QUERY);
      const { rows } = await this.db.query(
        `SELECT * FROM reminder_tasks WHERE crm = $1 AND account_id = $2 AND deal_id IN (${placeholders(3, chunk.length)})
         ORDER BY deal_id, milestone_id`,
        [t.crm, t.accountId, ...chunk],
      );
      for (const row of rows) {
        const { dealId, record } = toRecorded(row);
        out.set(dealId, [...(out.get(dealId) ?? []), record]);
      }
    }
    return out;
  }

  async claim(
    deal: DealRef,
    records: readonly Omit<ReminderRecord, 'taskId' | 'state'>[],
    now: number,
  ): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      const claimed: string[] = [];
      for (const r of records) {
        const { rowCount } = await tx.query(
          `INSERT INTO reminder_tasks (crm, account_id, deal_id, milestone_id, task_id, owner_id, due_date, title, state, updated_at)
           VALUES ($1, $2, $3, $4, NULL, $5, $6, $7, 'creating', $8)
           ON CONFLICT (crm, account_id, deal_id, milestone_id) DO NOTHING`,
          [deal.crm, deal.accountId, deal.dealId, r.milestoneId, r.ownerId, r.dueDate, r.title, now],
        );
        if (rowCount === 1) claimed.push(r.milestoneId);
      }
      return claimed;
    });
  }

  async retake(deal: DealRef, milestoneId: string, seenUpdatedAt: number, now: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE reminder_tasks SET updated_at = $6
       WHERE crm = $1 AND account_id = $2 AND deal_id = $3 AND milestone_id = $4 AND state = 'creating' AND updated_at = $5`,
      [deal.crm, deal.accountId, deal.dealId, milestoneId, seenUpdatedAt, now],
    );
    return rowCount === 1;
  }

  async save(deal: DealRef, records: readonly ReminderRecord[], now: number): Promise<void> {
    records.forEach(checkRecord);
    if (records.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const r of records) {
        await tx.query(
          `INSERT INTO reminder_tasks (crm, account_id, deal_id, milestone_id, task_id, owner_id, due_date, title, state, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (crm, account_id, deal_id, milestone_id) DO UPDATE SET
             task_id = excluded.task_id, owner_id = excluded.owner_id, due_date = excluded.due_date,
             title = excluded.title, state = excluded.state, updated_at = excluded.updated_at`,
          [
            deal.crm,
            deal.accountId,
            deal.dealId,
            r.milestoneId,
            r.taskId,
            r.ownerId,
            r.dueDate,
            r.title,
            r.state,
            now,
          ],
        );
      }
    });
  }

  async forget(deal: DealRef, milestoneIds: readonly string[]): Promise<void> {
    const unique = [...new Set(milestoneIds)];
    for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
      const chunk = unique.slice(i, i + IDS_PER_QUERY);
      const params: SqlValue[] = [deal.crm, deal.accountId, deal.dealId, ...chunk];
      await this.db.query(
        `DELETE FROM reminder_tasks WHERE crm = $1 AND account_id = $2 AND deal_id = $3 AND milestone_id IN (${placeholders(4, chunk.length)})`,
        params,
      );
    }
  }
}
