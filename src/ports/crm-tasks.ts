/**
 * To-dos in the CRM for the reminders of a deal's plan (src/domain/reminders.ts): made for a CRM user,
 * associated with the deal, due at a given instant, and marked with the plan step they remind of, so that a
 * to-do created by a run that crashed before recording it can be found again. Implementations: one per CRM
 * adapter (src/adapters/<crm>/tasks.ts). Calls take at most `batchLimit` items; every expected failure is a
 * result, and a method throws only on a bug.
 */
import type { DealRef } from '../domain/model.js';
import type { Result } from '../domain/result.js';
import type { CrmError } from './crm-error.js';

/** What a to-do says and when it is due. */
export interface ReminderTaskContent {
  /** The plan step it reminds of: kept with the to-do as its marker. */
  readonly milestoneId: string;
  /** The CRM user it is for. */
  readonly ownerId: string;
  /** When it is due, ms since the epoch. */
  readonly dueAt: number;
  readonly title: string;
  /** Plain text; paragraphs separated by a blank line. */
  readonly body: string;
}

export interface ReminderTaskUpdate {
  readonly taskId: string;
  readonly content: ReminderTaskContent;
  /** Open it again (it was completed). */
  readonly reopen: boolean;
}

/** A to-do of the app found on a deal, by the marker of its step. */
export interface FoundReminderTask {
  readonly milestoneId: string;
  readonly taskId: string;
}

export interface CrmTasks {
  /** The most items one call takes. */
  readonly batchLimit: number;

  /**
   * Creates one open to-do per item, associated with the deal. Items the CRM refuses one by one are in
   * `refused` (nothing was created for them); a failure of the whole call is its error — and then whether any
   * was created is unknown unless the error says the request was refused (a 4xx status or a rate limit).
   */
  create(
    deal: DealRef,
    items: readonly ReminderTaskContent[],
  ): Promise<
    Result<
      {
        readonly created: readonly FoundReminderTask[];
        readonly refused: readonly { readonly milestoneId: string; readonly reason: string }[];
      },
      CrmError
    >
  >;

  /** Rewrites the to-dos' content (and reopens those asked to); `missing` lists ids the CRM no longer has. */
  update(
    deal: DealRef,
    items: readonly ReminderTaskUpdate[],
  ): Promise<Result<{ readonly missing: readonly string[] }, CrmError>>;

  /** Marks the to-dos completed; `missing` lists ids the CRM no longer has. */
  complete(
    deal: DealRef,
    taskIds: readonly string[],
  ): Promise<Result<{ readonly missing: readonly string[] }, CrmError>>;

  /** Deletes the to-dos; deleting one that is gone already is a success. */
  delete(deal: DealRef, taskIds: readonly string[]): Promise<Result<void, CrmError>>;

  /**
   * The app's to-dos associated with the deal whose marker names one of `milestoneIds`, read consistently
   * (not through an index that lags writes), oldest first. Several may name the same step.
   */
  findReminderTasks(
    deal: DealRef,
    milestoneIds: readonly string[],
  ): Promise<Result<readonly FoundReminderTask[], CrmError>>;
}

/** Splits items into calls of at most `size`. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
