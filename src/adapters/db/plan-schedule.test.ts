import { planScheduleContract } from '../../../test/db/plan-schedule-contract.js';
import { migrate } from './migrations.js';
import { PlanScheduleError, SqlPlanSchedule } from './plan-schedule.js';
import { openSqlite } from './sqlite.js';

describe('SqlPlanSchedule on SQLite (in memory)', () => {
  planScheduleContract({
    open: async (clock) => {
      const db = openSqlite(':memory:');
      await migrate(db, clock.now());
      return { schedule: new SqlPlanSchedule({ db, clock }), close: () => db.close() };
    },
  });
});

describe('SqlPlanSchedule arguments', () => {
  it('refuses an invalid deal, date or page size as a bug, saying which', async () => {
    const db = openSqlite(':memory:');
    await migrate(db, 0);
    const schedule = new SqlPlanSchedule({ db, clock: { now: () => 0 } });
    const tenant = { crm: 'hubspot', accountId: '1001' } as const;
    try {
      await expect(
        schedule.record([{ deal: { ...tenant, dealId: '1' }, nextChange: '2026-02-30' }]),
      ).rejects.toThrow(PlanScheduleError);
      await expect(schedule.record([{ deal: { ...tenant, dealId: '' }, nextChange: null }])).rejects.toThrow(
        /^record: /,
      );
      await expect(schedule.due(tenant, '2026-11-16', { limit: 0 })).rejects.toThrow(/due: options/);
      await expect(schedule.due(tenant, '16/11/2026', { limit: 10 })).rejects.toThrow(/due: today/);
      await expect(schedule.stats({ crm: 'hubspot', accountId: 'x' }, '2026-11-16')).rejects.toThrow(
        PlanScheduleError,
      );
    } finally {
      await db.close();
    }
  });
});
