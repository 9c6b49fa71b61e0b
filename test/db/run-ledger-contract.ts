/**
 * The behaviour every RunLedger database must have, run against SQLite (src/adapters/db) and PostgreSQL
 * (test/db). A harness opens a fresh, empty database per test; `openMore` opens further connections to the
 * same one (other instances), when the database can be shared.
 */
import { SqlInstallationStore } from '../../src/adapters/db/installation-store.js';
import { migrate, MIGRATIONS } from '../../src/adapters/db/migrations.js';
import { SqlRunLedger } from '../../src/adapters/db/run-ledger.js';
import type { SqlDatabase } from '../../src/adapters/db/sql.js';
import { TokenCipher } from '../../src/adapters/db/token-cipher.js';
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import type { Tenant } from '../../src/domain/model.js';
import type { RunClaim } from '../../src/ports/run-ledger.js';
import { manualClock, testKey } from './installation-store-contract.js';

export interface LedgerHarness {
  /** A fresh, empty database; closed by the test. */
  open(): Promise<SqlDatabase>;
}

const LEASE = 10 * 60_000;
const A: Tenant = hubSpotTenant(1001);
const B: Tenant = { crm: 'salesforce', accountId: '00D000000000001AAA' };
const day = (tenant: Tenant, localDate = '2026-03-29', kind: 'due' | 'full' = 'due') => ({
  tenant,
  localDate,
  kind,
});

export function runLedgerContract(harness: LedgerHarness): void {
  let db: SqlDatabase;
  let clock: ReturnType<typeof manualClock>;
  let ledger: SqlRunLedger;

  beforeEach(async () => {
    db = await harness.open();
    clock = manualClock();
    await migrate(db, clock.now());
    ledger = new SqlRunLedger({ db, clock });
  });

  afterEach(async () => {
    await db.close();
  });

  const claimOf = async (d = day(A)): Promise<RunClaim> => {
    const result = await ledger.claim(d, LEASE);
    if (!result.claimed) throw new Error(`expected a claim, got ${JSON.stringify(result.run)}`);
    return result.claim;
  };

  it('claims a day with no row as attempt 1, running', async () => {
    const claim = await claimOf(day(A, '2026-03-29', 'full'));
    expect(claim).toEqual({ tenant: A, localDate: '2026-03-29', kind: 'full', attempt: 1 });
    expect(await ledger.runsSince('2026-03-29')).toEqual([
      {
        tenant: A,
        localDate: '2026-03-29',
        kind: 'full',
        status: 'running',
        attempts: 1,
        startedAt: clock.now(),
        heartbeatAt: clock.now(),
        finishedAt: null,
        report: null,
        error: null,
      },
    ]);
  });

  it('refuses a second claim of a day that is running under a live lease', async () => {
    await claimOf();
    clock.advance(LEASE - 1);
    const second = await ledger.claim(day(A), LEASE);
    expect(second).toMatchObject({ claimed: false, run: { status: 'running', attempts: 1 } });
  });

  it('never claims a done day again, however long after, and keeps its report', async () => {
    const claim = await claimOf();
    clock.advance(5_000);
    const report = { kind: 'due', read: 12, changed: 3, written: 3, failed: 0, failures: [] };
    expect(await ledger.finish(claim, { status: 'done', report })).toBe(true);
    clock.advance(LEASE * 10);
    const again = await ledger.claim(day(A, '2026-03-29', 'full'), LEASE);
    expect(again).toMatchObject({ claimed: false, run: { status: 'done', kind: 'due', attempts: 1 } });
    const [row] = await ledger.runsSince('2026-03-29');
    expect(row).toMatchObject({ status: 'done', report, finishedAt: row!.startedAt + 5_000, error: null });
  });

  it('claims a failed day again as the next attempt, clearing the error', async () => {
    const first = await claimOf();
    expect(
      await ledger.finish(first, {
        status: 'failed',
        error: { code: 'CRM_RATE_LIMITED', message: 'slow down' },
      }),
    ).toBe(true);
    expect((await ledger.runsSince('2026-03-29'))[0]).toMatchObject({
      status: 'failed',
      error: { code: 'CRM_RATE_LIMITED', message: 'slow down' },
    });
    clock.advance(60_000);
    const second = await claimOf();
    expect(second.attempt).toBe(2);
    expect((await ledger.runsSince('2026-03-29'))[0]).toMatchObject({
      status: 'running',
      attempts: 2,
      startedAt: clock.now(),
      finishedAt: null,
      error: null,
    });
  });

  it('lets another attempt take over a running day once its lease lapsed; the lost claim can no longer write', async () => {
    const lost = await claimOf();
    clock.advance(LEASE);
    const taken = await claimOf();
    expect(taken.attempt).toBe(2);
    expect(await ledger.heartbeat(lost)).toBe(false);
    expect(await ledger.finish(lost, { status: 'done', report: { stale: true } })).toBe(false);
    expect(await ledger.finish(taken, { status: 'done', report: { fresh: true } })).toBe(true);
    expect((await ledger.runsSince('2026-03-29'))[0]).toMatchObject({
      status: 'done',
      attempts: 2,
      report: { fresh: true },
    });
  });

  it('keeps a running day held while its heartbeat renews the lease', async () => {
    const claim = await claimOf();
    for (let i = 0; i < 3; i++) {
      clock.advance(LEASE - 1_000);
      expect(await ledger.heartbeat(claim)).toBe(true);
      expect((await ledger.claim(day(A), LEASE)).claimed).toBe(false);
    }
    clock.advance(LEASE);
    expect((await ledger.claim(day(A), LEASE)).claimed).toBe(true);
  });

  it('lets exactly one of many concurrent claims of the same day through', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => ledger.claim(day(A), LEASE)));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
  });

  it('keeps days and tenants apart: each tenant and day has its own row', async () => {
    await claimOf(day(A, '2026-03-28'));
    await claimOf(day(A, '2026-03-29'));
    await claimOf(day(B, '2026-03-29'));
    expect((await ledger.runsSince('2026-03-29')).map((r) => [r.tenant.crm, r.localDate])).toEqual([
      ['hubspot', '2026-03-29'],
      ['salesforce', '2026-03-29'],
    ]);
  });

  it('knows the latest day each tenant completed a full run', async () => {
    const fullA = await claimOf(day(A, '2026-03-22', 'full'));
    await ledger.finish(fullA, { status: 'done', report: {} });
    const dueA = await claimOf(day(A, '2026-03-23', 'due'));
    await ledger.finish(dueA, { status: 'done', report: {} });
    const failedFullB = await claimOf(day(B, '2026-03-22', 'full'));
    await ledger.finish(failedFullB, { status: 'failed', error: { code: 'X', message: 'x' } });
    await claimOf(day(B, '2026-03-23', 'full'));
    expect([...(await ledger.lastFullRuns())]).toEqual([['hubspot:1001', '2026-03-22']]);
  });

  it('lists the latest runs first, and prunes the days before a date', async () => {
    await claimOf(day(A, '2026-03-27'));
    clock.advance(1_000);
    await claimOf(day(A, '2026-03-28'));
    clock.advance(1_000);
    await claimOf(day(B, '2026-03-28'));
    expect((await ledger.recent(2)).map((r) => [r.tenant.crm, r.localDate])).toEqual([
      ['salesforce', '2026-03-28'],
      ['hubspot', '2026-03-28'],
    ]);
    expect(await ledger.pruneBefore('2026-03-28')).toBe(1);
    expect((await ledger.recent(10)).map((r) => r.localDate)).toEqual(['2026-03-28', '2026-03-28']);
  });

  it('refuses arguments that are bugs (a date that is not a date, a lease of 0)', async () => {
    await expect(ledger.claim(day(A, '2026-02-30'), LEASE)).rejects.toThrow(/localDate/);
    await expect(ledger.claim(day(A), 0)).rejects.toThrow(/leaseMs/);
  });

  it('a database at migration 4 gains the run ledger (migration 6) and keeps its installations', async () => {
    const fresh = await harness.open();
    try {
      await migrate(fresh, clock.now(), MIGRATIONS.slice(0, 4));
      await fresh.query(
        `INSERT INTO tenant_installations (crm, account_id, app_id, status, inactive_reason, scopes, storage_mode, write_native_forecast, installed_at, updated_at, time_zone)
         VALUES ('hubspot', '1001', '1', 'active', NULL, 'oauth', 'document', 0, 10, 20, 'Europe/Berlin')`,
      );
      // Opening the store applies every later migration, whatever they are besides the run ledger's.
      const store = await SqlInstallationStore.open({
        db: fresh,
        cipher: new TokenCipher([testKey('k1')]),
        clock,
      });
      const { rows } = await fresh.query('SELECT id FROM app_migrations ORDER BY id');
      expect(rows.map((r) => Number(r.id))).toContain(6);
      expect((await store.listInstallations()).map((i) => [i.tenant, i.timeZone])).toEqual([
        [A, 'Europe/Berlin'],
      ]);
      const runs = new SqlRunLedger({ db: fresh, clock });
      expect((await runs.claim(day(A), LEASE)).claimed).toBe(true);
    } finally {
      await fresh.close();
    }
  });
}
