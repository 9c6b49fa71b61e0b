/**
 * PlanSchedule kept in memory, with the SQL implementation's behaviour (the same contract suite runs on
 * both): the version guard, the stamp on every record, ids paged in the same order. For tests, and for a
 * backend started without a database of its own (its installation store given), where the index lives as
 * long as the process and the full pass rebuilds it.
 */
import type { IsoDate } from '../../domain/dates.js';
import type { DealRef, Tenant } from '../../domain/model.js';
import type { Clock } from '../../ports/clock.js';
import type { DueOptions, PlanSchedule, ScheduleEntry, ScheduleStats } from '../../ports/plan-schedule.js';

interface Row {
  readonly deal: DealRef;
  readonly nextChange: IsoDate | null;
  readonly version: number | null;
  readonly updatedAt: number;
}

const tenantPart = (t: Tenant): string => `${t.crm}\u0000${t.accountId}\u0000`;
const keyOf = (deal: DealRef): string => `${tenantPart(deal)}${deal.dealId}`;

export class MemoryPlanSchedule implements PlanSchedule {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly clock: Pick<Clock, 'now'> = { now: () => Date.now() }) {}

  record(entries: readonly ScheduleEntry[]): Promise<void> {
    const now = this.clock.now();
    for (const entry of entries) {
      const key = keyOf(entry.deal);
      const old = this.rows.get(key);
      const version = entry.version ?? null;
      const older = old !== undefined && old.version !== null && version !== null && old.version > version;
      this.rows.set(
        key,
        older
          ? { ...old, updatedAt: now }
          : { deal: { ...entry.deal }, nextChange: entry.nextChange, version, updatedAt: now },
      );
    }
    return Promise.resolve();
  }

  due(tenant: Tenant, today: IsoDate, options: DueOptions): Promise<readonly string[]> {
    const after = options.afterDealId ?? '';
    const ids = this.rowsOf(tenant)
      .filter((r) => r.nextChange !== null && r.nextChange <= today && r.deal.dealId > after)
      .map((r) => r.deal.dealId)
      .sort()
      .slice(0, options.limit);
    return Promise.resolve(ids);
  }

  forget(deals: readonly DealRef[]): Promise<void> {
    for (const deal of deals) this.rows.delete(keyOf(deal));
    return Promise.resolve();
  }

  forgetRecordedBefore(tenant: Tenant, before: number): Promise<number> {
    const stale = this.rowsOf(tenant).filter((r) => r.updatedAt < before);
    for (const r of stale) this.rows.delete(keyOf(r.deal));
    return Promise.resolve(stale.length);
  }

  stats(tenant: Tenant, today: IsoDate): Promise<ScheduleStats> {
    const rows = this.rowsOf(tenant);
    const later = rows
      .map((r) => r.nextChange)
      .filter((d): d is IsoDate => d !== null && d > today)
      .sort();
    return Promise.resolve({
      tracked: rows.length,
      due: rows.filter((r) => r.nextChange !== null && r.nextChange <= today).length,
      nextDate: later[0] ?? null,
    });
  }

  /** The row of one deal, for tests. */
  entry(deal: DealRef): { readonly nextChange: IsoDate | null; readonly version: number | null } | undefined {
    const row = this.rows.get(keyOf(deal));
    return row && { nextChange: row.nextChange, version: row.version };
  }

  private rowsOf(tenant: Tenant): Row[] {
    const prefix = tenantPart(tenant);
    return [...this.rows.entries()].filter(([key]) => key.startsWith(prefix)).map(([, row]) => row);
  }
}
