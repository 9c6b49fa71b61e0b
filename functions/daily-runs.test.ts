/**
 * The daily run rules on their own (pure): when a tenant's day is due, its kind, and what a ledger row says
 * about queueing it again.
 */
import type { Tenant } from '../src/domain/model.js';
import type { TenantRun } from '../src/ports/run-ledger.js';
import {
  dailyKind,
  decideDailyRuns,
  FAILED_DAY_COOLDOWN_MS,
  MAX_ATTEMPTS_PER_DAY,
  RUN_LEASE_MS,
  type DecideInput,
} from './daily-runs.js';

const T: Tenant = { crm: 'salesforce', accountId: '00D000000000001AAA' };
/** Monday 16 November 2026, 09:00 UTC: 10:00 in Berlin, 22:00 in Auckland, 01:00 in Los Angeles. */
const NOW = Date.parse('2026-11-16T09:00:00Z');

const row = (overrides: Partial<TenantRun>): TenantRun => ({
  tenant: T,
  localDate: '2026-11-16',
  kind: 'due',
  status: 'done',
  attempts: 1,
  startedAt: NOW - 60_000,
  heartbeatAt: NOW - 60_000,
  finishedAt: NOW - 30_000,
  report: {},
  error: null,
  ...overrides,
});

const decide = (input: Partial<DecideInput> & { timeZone?: string | null } = {}) =>
  decideDailyRuns({
    now: NOW,
    runAtMinutes: 30,
    tenants: [{ tenant: T, timeZone: input.timeZone === undefined ? 'Europe/Berlin' : input.timeZone }],
    runs: [],
    lastFullRuns: new Map([['salesforce:00D000000000001AAA', '2026-11-15']]),
    ...input,
  })[0];

describe('decideDailyRuns', () => {
  it("queues a tenant's day with no ledger row once its local clock passed the run time", () => {
    expect(decide()).toEqual({
      action: 'queue',
      tenant: T,
      localDate: '2026-11-16',
      kind: 'due',
      why: 'new-day',
    });
  });

  it('waits while the local clock is before the run time, in the tenant’s own zone', () => {
    // 01:00 in Los Angeles: past 00:30, but not past 02:00.
    expect(decide({ timeZone: 'America/Los_Angeles', runAtMinutes: 120 })).toMatchObject({
      action: 'wait',
      localDate: '2026-11-16',
      why: 'before-run-time',
    });
    expect(decide({ timeZone: 'America/Los_Angeles' })).toMatchObject({
      action: 'queue',
      localDate: '2026-11-16',
    });
    // 22:00 in Auckland: a DAILY_RUN_AT of 23:00 is not there yet.
    expect(decide({ timeZone: 'Pacific/Auckland', runAtMinutes: 23 * 60 })).toMatchObject({
      action: 'wait',
      why: 'before-run-time',
    });
  });

  it('never queues a done day, nor one running under a live lease', () => {
    expect(decide({ runs: [row({ status: 'done' })] })).toMatchObject({ action: 'wait', why: 'done' });
    const running = row({ status: 'running', finishedAt: null, heartbeatAt: NOW - RUN_LEASE_MS + 1 });
    expect(decide({ runs: [running] })).toMatchObject({ action: 'wait', why: 'running' });
  });

  it('queues a running day again once its lease lapsed', () => {
    const lapsed = row({ status: 'running', finishedAt: null, heartbeatAt: NOW - RUN_LEASE_MS });
    expect(decide({ runs: [lapsed] })).toMatchObject({ action: 'queue', why: 'lease-lapsed' });
  });

  it('queues a failed day again only an hour after its last attempt, and not after the daily maximum', () => {
    const failed = (finishedAt: number, attempts = 4) =>
      row({ status: 'failed', attempts, finishedAt, error: { code: 'X', message: 'x' } });
    expect(decide({ runs: [failed(NOW - FAILED_DAY_COOLDOWN_MS + 1)] })).toMatchObject({
      action: 'wait',
      why: 'failed-cooling-down',
    });
    expect(decide({ runs: [failed(NOW - FAILED_DAY_COOLDOWN_MS)] })).toMatchObject({
      action: 'queue',
      why: 'failed-before',
    });
    expect(decide({ runs: [failed(NOW - 10 * FAILED_DAY_COOLDOWN_MS, MAX_ATTEMPTS_PER_DAY)] })).toMatchObject(
      {
        action: 'wait',
        why: 'attempts-spent',
      },
    );
  });

  it("reads only the row of the tenant's current day: yesterday's done row does not hold today back", () => {
    expect(decide({ runs: [row({ localDate: '2026-11-15' })] })).toMatchObject({
      action: 'queue',
      why: 'new-day',
    });
  });
});

describe('dailyKind', () => {
  it('is full on the local Sunday and for a tenant that never completed a full run, due otherwise', () => {
    expect(dailyKind('2026-11-15', '2026-11-08')).toBe('full');
    expect(dailyKind('2026-11-16', '2026-11-15')).toBe('due');
    expect(dailyKind('2026-11-16', undefined)).toBe('full');
  });
});
