import { aMilestone } from '../../domain/test-factories.js';
import { changedFields, type Projection } from '../../domain/project.js';
import {
  canonicalProjection,
  decodeDate,
  decodeDateTime,
  decodeProjection,
  encodeNativeForecastProbability,
  encodeProjection,
  milestoneToProperties,
  propertiesToMilestone,
} from './codec.js';

const projection: Projection = {
  progress: 40,
  health: 'at_risk',
  phase: '',
  nextStep: 'Security review',
  nextStepDue: '2026-11-12',
  nextStepOwnerSide: 'buyer',
  overdueCount: 1,
  buyerOverdueCount: 1,
  slipDays: 4,
  projectedCloseDate: '2026-12-08',
  closeProbability: 18,
  milestonesTotal: 6,
  milestonesDone: 2,
  updatedAt: '2026-11-16T09:30:00+01:00',
};

describe('HubSpot value codec', () => {
  it('writes numbers as strings, dates as YYYY-MM-DD, datetimes as ISO UTC with milliseconds, and null as an empty string', () => {
    const encoded = encodeProjection({ ...projection, nextStep: null });
    expect(encoded).toMatchObject({
      map_progress: '40',
      map_next_step_due: '2026-11-12',
      map_updated_at: '2026-11-16T08:30:00.000Z',
      map_next_step: '',
      map_health: 'at_risk',
    });
    expect(Object.keys(encoded)).toHaveLength(14);
  });

  it('reads date values in every form HubSpot returns them, and refuses one that is not midnight UTC', () => {
    expect(decodeDate('2026-11-12')).toBe('2026-11-12');
    expect(decodeDate('1762905600000')).toBe('2025-11-12');
    expect(decodeDate('2026-11-12T00:00:00.000Z')).toBe('2026-11-12');
    expect(decodeDate('2026-11-12T10:00:00.000Z')).toBeUndefined();
    expect(decodeDate(null)).toBeNull();
    expect(decodeDateTime('1762905600000')).toBe('2025-11-12T00:00:00.000Z');
  });

  it('finds no change between a projection and what HubSpot returns after writing it', () => {
    const stored = encodeProjection(projection);
    // HubSpot stores nothing for an empty string: an empty phase reads back as null.
    const read = { ...stored, map_phase: null };
    expect(changedFields(decodeProjection(read), canonicalProjection(projection))).toEqual({});
    expect(
      changedFields(decodeProjection(read), canonicalProjection({ ...projection, progress: 60 })),
    ).toEqual({ progress: 60 });
  });

  it('treats forecast fields that were never written, or were edited into nonsense, as unknown (all written again)', () => {
    expect(decodeProjection({})).toBeNull();
    expect(decodeProjection({ ...encodeProjection(projection), map_progress: 'lots' })).toBeNull();
  });

  it('round-trips every milestone field through record properties, including ids with commas', () => {
    const m = aMilestone({
      id: 'm,1',
      dependsOn: ['a,b', 'c'],
      description: '',
      completedDate: '2026-11-10',
      status: 'done',
      weight: 2.5,
      isClose: true,
      buyerOwnerId: 's-b',
    });
    const props = milestoneToProperties('7', m, 'stamp', '');
    expect(props.map_key).toBe('7:m,1');
    const read = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v === '' ? null : v]));
    expect(propertiesToMilestone(read)).toEqual({ ok: true, value: m });
  });

  it('says which milestone fields a record holds in a shape the app cannot read', () => {
    const props = {
      ...milestoneToProperties('7', aMilestone(), 's', ''),
      map_status: 'finished',
      map_due_date: 'soon',
    };
    const res = propertiesToMilestone(props);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.problems.join(' ')).toMatch(/dueDate.*status|status.*dueDate/s);
  });

  it('writes the native forecast probability as a fraction between 0 and 1', () => {
    expect(encodeNativeForecastProbability(18)).toBe('0.18');
    expect(encodeNativeForecastProbability(99)).toBe('0.99');
    expect(encodeNativeForecastProbability(1)).toBe('0.01');
  });
});
