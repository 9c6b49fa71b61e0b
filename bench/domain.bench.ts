/**
 * Domain throughput: validation + projection of a 100-milestone plan, in plans per second, beside two
 * baselines measured in the same run (a JSON round trip of the same plan, and the zod structure parse
 * alone), so the figures can be read on any machine.
 *
 *   npm run bench            (prints a table, then one JSON line)
 */
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import {
  addDays,
  LIMITS,
  planSchema,
  type Milestone,
  type Plan,
  type Stakeholder,
} from '../src/domain/index.js';
import { validatePlan } from '../src/domain/validate.js';
import { project } from '../src/domain/project.js';

const TODAY = '2026-11-26';

/** A realistic large plan: 100 milestones in 6 phases, each depending on one or two earlier ones. */
function largePlan(): Plan {
  const stakeholders: Stakeholder[] = [
    ['s1', 'seller', 'Alex Seller', 'other'],
    ['s2', 'seller', 'Sam Solutions', 'technical_evaluator'],
    ['b1', 'buyer', 'Dana Champion', 'champion'],
    ['b2', 'buyer', 'Eli Economic', 'economic_buyer'],
    ['b3', 'buyer', 'Lee Legal', 'legal'],
    ['b4', 'buyer', 'Sec Ops', 'security'],
  ].map(([id, side, name, role]) => ({
    id: id!,
    side: side as 'buyer' | 'seller',
    name: name!,
    email: null,
    title: '',
    role: role as Stakeholder['role'],
    crmContactId: null,
    ownerId: null,
  }));
  const phases = [
    'Education and awareness',
    'Validate the solution',
    'Business case',
    'Commercial agreement',
    'Onboarding',
    'First value',
  ];
  const statuses: Milestone['status'][] = [
    'done',
    'done',
    'in_progress',
    'not_started',
    'blocked',
    'not_started',
    'skipped',
  ];
  const milestones: Milestone[] = [];
  const n = LIMITS.milestones;
  for (let i = 0; i < n; i++) {
    const due = addDays('2026-09-25', i * 2);
    const status = i < 30 ? statuses[i % 2]! : statuses[i % statuses.length]!;
    const dependsOn = i === 0 ? [] : i % 3 === 0 && i > 1 ? [`m${i - 1}`, `m${i - 2}`] : [`m${i - 1}`];
    milestones.push({
      id: `m${i}`,
      title: `Milestone ${i + 1}: ${phases[Math.floor((i * phases.length) / n)]} step`,
      description: 'Agree the success criteria and the owners on both sides.',
      phase: phases[Math.floor((i * phases.length) / n)]!,
      sellerOwnerId: i % 2 === 0 ? 's1' : 's2',
      buyerOwnerId: i % 3 === 0 ? null : ['b1', 'b2', 'b3', 'b4'][i % 4]!,
      dueDate: due,
      baselineDueDate: i % 5 === 0 ? addDays(due, -3) : due,
      status,
      completedDate: status === 'done' ? due : null,
      dependsOn,
      isClose: i === 80,
      visibility: i % 10 === 0 ? 'internal' : 'shared',
      successCriteria: 'Both sides sign off.',
      weight: 1 + (i % 3),
      order: i,
    });
  }
  return {
    deal: { crm: 'hubspot', accountId: '1000001', dealId: '42' },
    title: 'Acme rollout',
    valueSummary: 'Acme cuts onboarding time from six weeks to one. ',
    goals: [],
    stakeholders,
    milestones,
    risks: [],
    targetCloseDate: milestones[80]!.dueDate,
    templateId: null,
    version: 7,
    activity: [],
  };
}

interface Row {
  name: string;
  perSecond: number;
  microsPerOp: number;
}

function measure(name: string, fn: () => unknown, seconds = 1.5): Row {
  for (let i = 0; i < 200; i++) fn(); // warm up the JIT
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1_000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) fn();
    ops += 50;
    now = performance.now();
  }
  const elapsed = (now - start) / 1_000;
  return { name, perSecond: ops / elapsed, microsPerOp: (elapsed / ops) * 1e6 };
}

const plan = largePlan();
const json = JSON.stringify(plan);
const check = validatePlan(JSON.parse(json));
if (!check.ok) {
  console.error('The benchmark plan is invalid:', check.error.slice(0, 5));
  process.exit(1);
}

const rows = [
  measure('baseline: JSON.parse of the plan', () => JSON.parse(json)),
  measure('baseline: zod structure parse only', () => planSchema.parse(JSON.parse(json))),
  measure('validatePlan (structure + every rule)', () => validatePlan(JSON.parse(json))),
  measure('project (projection only)', () => project(plan, TODAY)),
  measure('validatePlan + project', () => {
    const r = validatePlan(JSON.parse(json));
    if (r.ok) project(r.value, TODAY);
  }),
];

console.log(
  `Domain benchmark: one plan of ${plan.milestones.length} milestones, ${json.length} bytes of JSON`,
);
console.log(
  `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
);
console.log('');
console.log('what'.padEnd(42) + 'plans/s'.padStart(12) + 'µs/plan'.padStart(12));
for (const r of rows) {
  console.log(
    r.name.padEnd(42) +
      Math.round(r.perSecond).toString().padStart(12) +
      r.microsPerOp.toFixed(1).padStart(12),
  );
}
const combined = rows[4]!;
console.log('');
console.log(
  JSON.stringify({
    bench: 'domain',
    milestones: plan.milestones.length,
    validateAndProjectPerSecond: Math.round(combined.perSecond),
    jsonParseBaselinePerSecond: Math.round(rows[0]!.perSecond),
    zodStructureBaselinePerSecond: Math.round(rows[1]!.perSecond),
    projection: project(plan, TODAY),
  }),
);
