/**
 * The reminders made for each deal, as recorded by the app (src/domain/reminder-sync.ts RecordedReminder):
 * what makes creating a reminder idempotent across runs and instances. One record per (tenant, deal, step).
 * A creation is claimed first (a 'creating' record without a to-do id), then the to-do is made, then its id
 * recorded; a claim another run holds is not taken, and an old one (its run crashed) is taken over with
 * `retake`. Implementations: src/adapters/db (the backend's SQL database, SQLite or PostgreSQL) and
 * src/adapters/memory. Methods throw only when the database is unavailable (infrastructure).
 */
import type { IsoDate } from '../domain/dates.js';
import type { DealRef, Tenant } from '../domain/model.js';
import type { RecordedReminder, ReminderState } from '../domain/reminder-sync.js';

/** What a record says about its to-do. */
export interface ReminderRecord {
  readonly milestoneId: string;
  readonly taskId: string | null;
  readonly ownerId: string;
  readonly dueDate: IsoDate;
  readonly title: string;
  readonly state: ReminderState;
}

export interface ReminderStore {
  /** The deal's records. */
  list(deal: DealRef): Promise<RecordedReminder[]>;
  /** The records of many deals of one tenant at once (a page of the daily run), by deal id. */
  listForDeals(tenant: Tenant, dealIds: readonly string[]): Promise<Map<string, RecordedReminder[]>>;
  /**
   * Claims the creation of reminders for steps that have no record yet: a 'creating' record each, written
   * only where none exists (whoever else recorded one first keeps it). Returns the steps claimed now.
   */
  claim(
    deal: DealRef,
    records: readonly Omit<ReminderRecord, 'taskId' | 'state'>[],
    now: number,
  ): Promise<string[]>;
  /**
   * Takes over a claim left by a run that did not finish: true when the record is still 'creating' and was
   * last changed at `seenUpdatedAt` (no one else took it since), and it now carries `now`.
   */
  retake(deal: DealRef, milestoneId: string, seenUpdatedAt: number, now: number): Promise<boolean>;
  /** Writes records whole (insert or replace). An 'open' record must carry its to-do id. */
  save(deal: DealRef, records: readonly ReminderRecord[], now: number): Promise<void>;
  /** Deletes the deal's records of these steps. */
  forget(deal: DealRef, milestoneIds: readonly string[]): Promise<void>;
}
