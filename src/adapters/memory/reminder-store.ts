/**
 * ReminderStore in memory: for tests and for a backend whose installation store is not the SQL one. One
 * process only (the records are lost with it, so reminders made before a restart may be made again).
 */
import type { DealRef, Tenant } from '../../domain/model.js';
import type { RecordedReminder } from '../../domain/reminder-sync.js';
import type { ReminderRecord, ReminderStore } from '../../ports/reminder-store.js';

const dealKey = (deal: { crm: string; accountId: string; dealId: string }): string =>
  `${deal.crm}:${deal.accountId}:${deal.dealId}`;

export class MemoryReminderStore implements ReminderStore {
  private readonly deals = new Map<string, Map<string, RecordedReminder>>();

  private rows(deal: DealRef): Map<string, RecordedReminder> {
    const key = dealKey(deal);
    let rows = this.deals.get(key);
    if (!rows) {
      rows = new Map();
      this.deals.set(key, rows);
    }
    return rows;
  }

  list(deal: DealRef): Promise<RecordedReminder[]> {
    const rows = [...(this.deals.get(dealKey(deal))?.values() ?? [])];
    return Promise.resolve(rows.sort((a, b) => (a.milestoneId < b.milestoneId ? -1 : 1)));
  }

  async listForDeals(tenant: Tenant, dealIds: readonly string[]): Promise<Map<string, RecordedReminder[]>> {
    const out = new Map<string, RecordedReminder[]>();
    for (const dealId of new Set(dealIds)) {
      const rows = await this.list({ ...tenant, dealId });
      if (rows.length > 0) out.set(dealId, rows);
    }
    return out;
  }

  claim(
    deal: DealRef,
    records: readonly Omit<ReminderRecord, 'taskId' | 'state'>[],
    now: number,
  ): Promise<string[]> {
    const rows = this.rows(deal);
    const claimed: string[] = [];
    for (const r of records) {
      if (rows.has(r.milestoneId)) continue;
      rows.set(r.milestoneId, { ...r, taskId: null, state: 'creating', updatedAt: now });
      claimed.push(r.milestoneId);
    }
    return Promise.resolve(claimed);
  }

  retake(deal: DealRef, milestoneId: string, seenUpdatedAt: number, now: number): Promise<boolean> {
    const rows = this.rows(deal);
    const row = rows.get(milestoneId);
    if (row?.state !== 'creating' || row.updatedAt !== seenUpdatedAt) return Promise.resolve(false);
    rows.set(milestoneId, { ...row, updatedAt: now });
    return Promise.resolve(true);
  }

  save(deal: DealRef, records: readonly ReminderRecord[], now: number): Promise<void> {
    for (const r of records) {
      if (r.state !== 'completed' && (r.state === 'open') !== (r.taskId !== null))
        return Promise.reject(
          new Error(`reminder record of step ${r.milestoneId}: ${r.state} with the wrong to-do id`),
        );
    }
    const rows = this.rows(deal);
    for (const r of records) rows.set(r.milestoneId, { ...r, updatedAt: now });
    return Promise.resolve();
  }

  forget(deal: DealRef, milestoneIds: readonly string[]): Promise<void> {
    const rows = this.deals.get(dealKey(deal));
    for (const id of milestoneIds) rows?.delete(id);
    return Promise.resolve();
  }
}
