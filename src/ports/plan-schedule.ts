/**
 * The next-change index: for every deal with a plan, the day its forecast fields next change with nobody
 * editing the plan (functions/next-work.ts), so that the daily reprojection reads only the plans whose day has
 * come instead of every plan of the tenant. A save records its plan's date; the daily pass records the date of
 * every plan it reads; the weekly full pass records every plan and forgets the rows of deals it did not find
 * with a plan, which repairs whatever was missed (a failed record, a deal deleted without a webhook).
 *
 * The index is the backend's own state, never plan data: losing a row only delays a deal's reprojection to the
 * next full pass. A row whose date is null stays: its deal is tracked and changes only when edited.
 *
 * Implementations: src/adapters/db/plan-schedule.ts (SQLite, PostgreSQL), src/adapters/memory/plan-schedule.ts.
 * Like the InstallationStore, methods throw only when the database is unavailable or a call is a bug
 * (infrastructure): there are no expected failures.
 */
import type { IsoDate } from '../domain/dates.js';
import type { DealRef, Tenant } from '../domain/model.js';

export interface ScheduleEntry {
  readonly deal: DealRef;
  /** The first day the deal's fields change by themselves; null when they never do (the row is kept). */
  readonly nextChange: IsoDate | null;
  /**
   * The plan version the date was computed from. An entry never replaces the date of a newer version (a pass
   * that read a plan just before a save cannot put the older plan's date back over the save's), but still
   * counts as recorded now. Absent: the date replaces whatever is there (marking a deal due is always safe).
   */
  readonly version?: number;
}

export interface DueOptions {
  /** At most this many deal ids (1–1000). */
  readonly limit: number;
  /** The last id of the previous page: only ids after it. Absent: from the first. */
  readonly afterDealId?: string;
}

export interface ScheduleStats {
  /** Deals with a row (a plan whose date was recorded, null or not). */
  readonly tracked: number;
  /** Of those, the ones whose date is today or earlier. */
  readonly due: number;
  /** The earliest date after today, or null when no row has one. */
  readonly nextDate: IsoDate | null;
}

export interface PlanSchedule {
  /** Inserts or replaces each deal's row (see ScheduleEntry.version); the last entry of a deal wins. */
  record(entries: readonly ScheduleEntry[]): Promise<void>;

  /**
   * The ids of the tenant's deals whose date is `today` or earlier, in one fixed order, a page at a time:
   * pass the last id of a page as `afterDealId` for the next. Rows recorded meanwhile do not upset the
   * paging (ids before the cursor are not listed again).
   */
  due(tenant: Tenant, today: IsoDate, options: DueOptions): Promise<readonly string[]>;

  /** Removes the deals' rows (a deal deleted, or found without a plan); absent rows are no error. */
  forget(deals: readonly DealRef[]): Promise<void>;

  /**
   * Removes the tenant's rows last recorded before `before` (ms, on the clock the schedule stamps records
   * with: the one Clock of the backend), and says how many: after a full pass that recorded every plan it
   * found, these are the deals that no longer have one.
   */
  forgetRecordedBefore(tenant: Tenant, before: number): Promise<number>;

  /** Counts for an operator (the CLI) and the daily pass's ETA. */
  stats(tenant: Tenant, today: IsoDate): Promise<ScheduleStats>;
}
