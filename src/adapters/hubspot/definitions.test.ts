import { MAP_DEAL_PROPERTIES } from '../../domain/project.js';
import { DEAL_PROPERTIES, MILESTONE_OBJECT, MILESTONE_PROPERTIES } from './definitions.js';

/** DESIGN.md's deal-property contract, written out again here on purpose: a rename must fail this test. */
const CONTRACT = [
  'map_value_summary',
  'map_plan',
  'map_plan_version',
  'map_progress',
  'map_health',
  'map_phase',
  'map_next_step',
  'map_next_step_due',
  'map_next_step_owner_side',
  'map_overdue_count',
  'map_buyer_overdue_count',
  'map_slip_days',
  'map_projected_close_date',
  'map_close_probability',
  'map_milestones_total',
  'map_milestones_done',
  'map_updated_at',
];

const VALID_FIELD_TYPES: Record<string, string[]> = {
  string: ['text', 'textarea'],
  number: ['number'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox'],
  bool: ['booleancheckbox'],
};

describe('provisioning definitions', () => {
  it('define exactly the deal properties of the design contract', () => {
    expect(DEAL_PROPERTIES.map((p) => p.name).sort()).toEqual([...CONTRACT].sort());
    expect(Object.values(MAP_DEAL_PROPERTIES).every((n) => CONTRACT.includes(n))).toBe(true);
  });

  it('use names HubSpot accepts and a fieldType valid for each type', () => {
    for (const p of [...DEAL_PROPERTIES, ...MILESTONE_PROPERTIES]) {
      expect(p.name).toMatch(/^[a-z][a-z0-9_]{0,99}$/);
      expect(VALID_FIELD_TYPES[p.type]).toContain(p.fieldType);
      expect(p.label.length).toBeGreaterThan(0);
      expect(p.description.length).toBeGreaterThan(10);
      if (p.type === 'enumeration') expect(p.options?.length).toBeGreaterThan(0);
    }
  });

  it('give the milestone object a unique key so retried creates upsert', () => {
    const key = MILESTONE_PROPERTIES.find((p) => p.name === 'map_key');
    expect(key?.hasUniqueValue).toBe(true);
    const names = MILESTONE_PROPERTIES.map((p) => p.name);
    for (const required of MILESTONE_OBJECT.requiredProperties) expect(names).toContain(required);
    expect(names).toContain(MILESTONE_OBJECT.primaryDisplayProperty);
  });
});
