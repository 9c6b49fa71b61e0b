/**
 * The behaviour every PlanSchedule (the next-change index) must have, run against memory
 * (src/adapters/memory), SQLite (src/adapters/db) and PostgreSQL (test/db). A harness opens a fresh, empty
 * schedule per test on the clock it is given, and cleans up after itself.
 */
import type { DealRef, Tenant } from '../../src/domain/model.js';
import type { PlanSchedule } from '../../src/ports/plan-schedule.js';
import { manualClock } from './installation-store-contract.js';

export interface ScheduleHarness {
  open(clock: { now(): number }): Promise<{ schedule: PlanSchedule; close(): Promise<void> }>;
}

const A: Tenant = { crm: 'hubspot', accountId: '1001' };
const B: Tenant = { crm: 'hubspot', accountId: '1002' };
const S: Tenant = { crm: 'salesforce', accountId: '00D000000000001AAA' };
const deal = (tenant: Tenant, dealId: string): DealRef => ({ ...tenant, dealId });
const TODAY = '2026-11-16';

export function planScheduleContract(harness: ScheduleHarness): void {
  let schedule: PlanSchedule;
  let opened: Awaited<ReturnType<ScheduleHarness['open']>>;
  let clock: ReturnType<typeof manualClock>;

  beforeEach(async () => {
    clock = manualClock();
    opened = await harness.open(clock);
    schedule = opened.schedule;
  });
  afterEach(() => opened.close());

  /** Every due id of a tenant, page after page of `limit`. */
  async function allDue(tenant: Tenant, today: string, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await schedule.due(tenant, today, {
        limit,
        ...(after === undefined ? {} : { afterDealId: after }),
      });
      if (page.length === 0) return pages;
      pages.push([...page]);
      after = page.at(-1);
    }
  }

  it("lists a tenant's deals due on or before today, in id order, and no other tenant's, future or null date", async () => {
    await schedule.record([
      { deal: deal(A, '30'), nextChange: '2026-11-16' },
      { deal: deal(A, '10'), nextChange: '2026-11-01' },
      { deal: deal(A, '20'), nextChange: '2026-11-17' },
      { deal: deal(A, '40'), nextChange: null },
      { deal: deal(B, '11'), nextChange: '2026-11-01' },
      { deal: deal(S, '006000000000001AAA'), nextChange: '2026-11-01' },
    ]);
    expect(await schedule.due(A, TODAY, { limit: 10 })).toEqual(['10', '30']);
    expect(await schedule.due(B, TODAY, { limit: 10 })).toEqual(['11']);
    expect(await schedule.due(S, TODAY, { limit: 10 })).toEqual(['006000000000001AAA']);
    expect(await schedule.due(A, '2026-10-31', { limit: 10 })).toEqual([]);
    expect(await schedule.due(A, '2026-11-17', { limit: 10 })).toEqual(['10', '20', '30']);
  });

  it('pages by cursor: every due id once, while the deals already listed are recorded for later days', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => String(1000 + i));
    await schedule.record(ids.map((id) => ({ deal: deal(A, id), nextChange: TODAY })));
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await schedule.due(A, TODAY, {
        limit: 10,
        ...(after === undefined ? {} : { afterDealId: after }),
      });
      if (page.length === 0) break;
      pages.push([...page]);
      after = page.at(-1);
      // As the daily pass does: the deals read get a later date (and one stays due: it could not be read).
      await schedule.record(page.slice(1).map((id) => ({ deal: deal(A, id), nextChange: '2026-12-01' })));
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(ids);
    expect(await allDue(A, TODAY, 100)).toEqual([['1000', '1010', '1020']]);
  });

  it("records in batches larger than one statement's, and the last entry of a deal wins", async () => {
    const entries = Array.from({ length: 250 }, (_, i) => ({
      deal: deal(A, String(5000 + i)),
      nextChange: i % 2 === 0 ? TODAY : '2027-01-01',
    }));
    await schedule.record([...entries, { deal: deal(A, '5000'), nextChange: '2027-02-01' }]);
    expect(await schedule.stats(A, TODAY)).toEqual({ tracked: 250, due: 124, nextDate: '2027-01-01' });
    expect((await allDue(A, TODAY, 1000)).flat()).not.toContain('5000');
  });

  it("never puts an older plan version's date over a newer one's, yet counts it as recorded now", async () => {
    const d = deal(A, '7');
    await schedule.record([{ deal: d, nextChange: '2026-12-01', version: 5 }]);
    clock.advance(1_000);
    const second = clock.now();
    await schedule.record([{ deal: d, nextChange: TODAY, version: 4 }]);
    expect(await schedule.due(A, TODAY, { limit: 10 })).toEqual([]);
    // Stamped by the older record too: a full pass that read the deal keeps its row.
    expect(await schedule.forgetRecordedBefore(A, second)).toBe(0);
    await schedule.record([{ deal: d, nextChange: TODAY, version: 5 }]);
    expect(await schedule.due(A, TODAY, { limit: 10 })).toEqual(['7']);
    await schedule.record([{ deal: d, nextChange: '2026-12-24', version: 6 }]);
    expect(await schedule.stats(A, TODAY)).toMatchObject({ due: 0, nextDate: '2026-12-24' });
    // Without a version (a deal marked due): it replaces any date, and any version replaces it.
    await schedule.record([{ deal: d, nextChange: '1970-01-01' }]);
    expect(await schedule.due(A, TODAY, { limit: 10 })).toEqual(['7']);
    await schedule.record([{ deal: d, nextChange: null, version: 1 }]);
    expect(await schedule.stats(A, TODAY)).toEqual({ tracked: 1, due: 0, nextDate: null });
  });

  it("forgets the given deals, and nothing of another tenant's; absent deals are no error", async () => {
    await schedule.record([
      { deal: deal(A, '1'), nextChange: TODAY },
      { deal: deal(A, '2'), nextChange: TODAY },
      { deal: deal(B, '1'), nextChange: TODAY },
    ]);
    await schedule.forget([deal(A, '1'), deal(A, '99'), deal(S, '1')]);
    expect(await schedule.due(A, TODAY, { limit: 10 })).toEqual(['2']);
    expect(await schedule.due(B, TODAY, { limit: 10 })).toEqual(['1']);
    await schedule.forget([]);
    const many = Array.from({ length: 230 }, (_, i) => deal(A, String(100 + i)));
    await schedule.record(many.map((d) => ({ deal: d, nextChange: null })));
    await schedule.forget(many);
    expect(await schedule.stats(A, TODAY)).toMatchObject({ tracked: 1 });
  });

  it("forgets a tenant's rows not recorded since a time, and says how many", async () => {
    await schedule.record([
      { deal: deal(A, '1'), nextChange: TODAY },
      { deal: deal(A, '2'), nextChange: null },
      { deal: deal(B, '3'), nextChange: TODAY },
    ]);
    clock.advance(60_000);
    const passStarted = clock.now();
    await schedule.record([{ deal: deal(A, '2'), nextChange: '2026-12-01' }]);
    expect(await schedule.forgetRecordedBefore(A, passStarted)).toBe(1);
    expect(await schedule.stats(A, TODAY)).toEqual({ tracked: 1, due: 0, nextDate: '2026-12-01' });
    expect(await schedule.stats(B, TODAY)).toMatchObject({ tracked: 1 });
  });

  it('counts tracked and due rows and finds the next date after today', async () => {
    expect(await schedule.stats(A, TODAY)).toEqual({ tracked: 0, due: 0, nextDate: null });
    await schedule.record([
      { deal: deal(A, '1'), nextChange: '2026-11-10' },
      { deal: deal(A, '2'), nextChange: TODAY },
      { deal: deal(A, '3'), nextChange: '2026-11-20' },
      { deal: deal(A, '4'), nextChange: '2026-11-18' },
      { deal: deal(A, '5'), nextChange: null },
      { deal: deal(B, '6'), nextChange: '2026-11-17' },
    ]);
    expect(await schedule.stats(A, TODAY)).toEqual({ tracked: 5, due: 2, nextDate: '2026-11-18' });
  });
}
