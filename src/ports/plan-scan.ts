/**
 * Bulk access to the plans of a tenant, for work that touches many of them at once (the daily reprojection):
 * pages of every plan as read from the CRM, the plans of given deals, and batch writes of forecast fields. A store reads a page of deals
 * and their milestones in a few calls and writes many deals' fields in one, where a PlanStore would load and
 * write deal after deal. Implementations: one per CRM adapter (src/adapters/<crm>/plan-scan.ts). Every
 * expected failure is a result; a method throws only on a bug.
 */
import type { DealRef, Plan, Tenant } from '../domain/model.js';
import type { Projection, ProjectionField } from '../domain/project.js';
import type { Result } from '../domain/result.js';
import type { CrmError } from './crm-error.js';

/** A deal with a plan, as the CRM holds it. */
export interface ScannedPlan {
  readonly deal: DealRef;
  readonly plan: Plan;
  /** The forecast fields as they were last written to the deal (null when none were, or they no longer read). */
  readonly writtenProjection: Projection | null;
  /**
   * Fields the CRM also keeps in a second place that no longer holds the written value (the CRM's own
   * forecast probability, when the tenant opted in to have it follow the close probability): written again
   * even when their value did not change.
   */
  readonly outOfSync: readonly ProjectionField[];
}

/** A deal whose plan could not be read: why, for an operator (a CRM error, or why the plan does not read). */
export interface ScanFailure {
  readonly dealId: string;
  readonly reason: string;
}

/** One page of a tenant's deals. */
export interface ScanPage {
  /** Deals listed on this page, with or without a plan. */
  readonly scanned: number;
  readonly plans: readonly ScannedPlan[];
  /** Deals with a plan that could not be read; the rest of the page is still there. */
  readonly failures: readonly ScanFailure[];
}

/** The forecast fields to write on one deal. */
export interface ProjectionWrite {
  readonly deal: DealRef;
  /** Only these fields are written (values as `PlanScan.asStored` gives them). */
  readonly fields: Partial<Projection>;
}

/** What one batch write did, deal by deal: every deal of the batch is either written or refused. */
export interface ProjectionWriteOutcome {
  readonly written: readonly string[];
  /** Deals the CRM did not write, grouped by reason (for an operator). */
  readonly refused: readonly { readonly dealIds: readonly string[]; readonly reason: string }[];
}

export interface PlanScan {
  /** The most deals one `pages` page, one `readDeals` call and one `writeProjections` call take. */
  readonly batchLimit: number;

  /**
   * Every deal of the tenant, page after page, with the plans they hold. A page that cannot be listed ends
   * the scan with its error (the pages listed before it come first): the deals after it cannot be reached.
   * The scan may read a few pages ahead while the consumer works on one; no deal is listed twice.
   */
  pages(tenant: Tenant, options?: { readonly pageSize?: number }): AsyncIterable<Result<ScanPage, CrmError>>;

  /**
   * The plans of the given deals (at most `batchLimit` ids), read together in a few calls: the daily pass
   * reads the deals the next-change index has due. A deal that no longer exists or has no plan is in neither
   * `plans` nor `failures`; `scanned` is the number of distinct ids asked for. A failure of the whole read is
   * its error (nothing of the batch was read).
   */
  readDeals(tenant: Tenant, dealIds: readonly string[]): Promise<Result<ScanPage, CrmError>>;

  /** How many deals the tenant has, as an estimate (for an ETA; the CRM may count with some delay). */
  estimateDeals(tenant: Tenant): Promise<Result<number, CrmError>>;

  /**
   * The projection as the CRM will read it back once written (an empty text may read back as no value, a
   * date-time with milliseconds), so that comparing it with `writtenProjection` finds only real changes.
   */
  asStored(projection: Projection): Projection;

  /**
   * Writes the given fields of at most `batchLimit` deals, and nothing else: no plan, no version. A failure
   * of the whole call is its error; deals the CRM refuses one by one are in the outcome.
   */
  writeProjections(
    tenant: Tenant,
    writes: readonly ProjectionWrite[],
  ): Promise<Result<ProjectionWriteOutcome, CrmError>>;
}
