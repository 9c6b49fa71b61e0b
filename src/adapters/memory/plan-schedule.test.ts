import { planScheduleContract } from '../../../test/db/plan-schedule-contract.js';
import { MemoryPlanSchedule } from './plan-schedule.js';

describe('MemoryPlanSchedule', () => {
  planScheduleContract({
    open: (clock) =>
      Promise.resolve({ schedule: new MemoryPlanSchedule(clock), close: () => Promise.resolve() }),
  });
});
