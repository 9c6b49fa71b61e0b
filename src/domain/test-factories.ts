/**
 * Builders for tests across the code base: a valid base plan, its parts, and a deterministic edit context.
 * Every builder returns a fresh object, so a test may change what it gets without affecting other tests.
 */
import type {
  ActivityEntry,
  DealRef,
  EditContext,
  Goal,
  Milestone,
  Plan,
  Risk,
  Stakeholder,
} from './model.js';

export const TEST_DEAL: DealRef = { crm: 'hubspot', accountId: '1001', dealId: '2001' };

/** A Monday; the base plan's dates sit around it. */
export const TEST_TODAY = '2026-11-16';
export const TEST_NOW = '2026-11-16T09:30:00.000Z';
export const TEST_ACTOR = 'user:42';

export function aStakeholder(overrides: Partial<Stakeholder> = {}): Stakeholder {
  return {
    id: 's-buyer',
    side: 'buyer',
    name: 'Bea Buyer',
    email: 'bea@buyer.example',
    title: 'Head of Operations',
    role: 'champion',
    crmContactId: null,
    ownerId: null,
    ...overrides,
  };
}

export function aMilestone(overrides: Partial<Milestone> = {}): Milestone {
  return {
    id: 'm-1',
    title: 'Milestone',
    description: '',
    phase: 'Validate the solution',
    sellerOwnerId: 's-seller',
    buyerOwnerId: null,
    dueDate: '2026-12-01',
    baselineDueDate: overrides.dueDate ?? '2026-12-01',
    status: 'not_started',
    completedDate: null,
    dependsOn: [],
    isClose: false,
    visibility: 'shared',
    successCriteria: '',
    weight: 1,
    order: 0,
    ...overrides,
  };
}

export function aGoal(overrides: Partial<Goal> = {}): Goal {
  return {
    id: 'g-1',
    description: 'Cut month-end close from 10 to 5 days',
    metric: 'Days to close the books',
    target: '5',
    byDate: '2027-06-30',
    ...overrides,
  };
}

export function aRisk(overrides: Partial<Risk> = {}): Risk {
  return {
    id: 'r-1',
    description: 'Security review queue is six weeks long',
    mitigation: 'Send the security pack before the technical deep dive',
    ownerSide: 'seller',
    status: 'open',
    ...overrides,
  };
}

export function anActivityEntry(overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    at: '2026-11-02T10:00:00.000Z',
    actor: TEST_ACTOR,
    kind: 'plan_created',
    text: 'Created the plan.',
    milestoneId: null,
    ...overrides,
  };
}

/**
 * A valid plan: three stakeholders (one seller, two buyers) and five milestones, one of them the close
 * (`m-signature`), with dependencies discovery → security review / legal → signature → kickoff.
 */
export function aPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    deal: { ...TEST_DEAL },
    title: 'Acme Corp × Example: finance automation',
    valueSummary: 'Acme closes its books in 5 days instead of 10, with one audited process.',
    goals: [aGoal()],
    stakeholders: [
      aStakeholder({
        id: 's-seller',
        side: 'seller',
        name: 'Sam Seller',
        email: 'sam@seller.example',
        title: 'Account Executive',
        role: 'account_executive',
        ownerId: 'owner-7',
      }),
      aStakeholder({ id: 's-champion', name: 'Bea Buyer', role: 'champion', crmContactId: 'contact-1' }),
      aStakeholder({
        id: 's-legal',
        name: 'Lee Counsel',
        email: 'lee@buyer.example',
        title: 'General Counsel',
        role: 'legal',
        crmContactId: 'contact-2',
      }),
    ],
    milestones: [
      aMilestone({
        id: 'm-discovery',
        title: 'Discovery workshop',
        phase: 'Education and awareness',
        buyerOwnerId: 's-champion',
        dueDate: '2026-11-10',
        status: 'done',
        completedDate: '2026-11-10',
        order: 0,
      }),
      aMilestone({
        id: 'm-security',
        title: 'Security review',
        buyerOwnerId: 's-champion',
        dueDate: '2026-12-01',
        status: 'in_progress',
        dependsOn: ['m-discovery'],
        order: 1,
      }),
      aMilestone({
        id: 'm-legal',
        title: 'Legal sign-off',
        phase: 'Commercial agreement',
        buyerOwnerId: 's-legal',
        dueDate: '2026-12-04',
        dependsOn: ['m-discovery'],
        order: 2,
      }),
      aMilestone({
        id: 'm-signature',
        title: 'Contract signed',
        phase: 'Commercial agreement',
        buyerOwnerId: 's-legal',
        dueDate: '2026-12-11',
        dependsOn: ['m-security', 'm-legal'],
        isClose: true,
        weight: 3,
        order: 3,
      }),
      aMilestone({
        id: 'm-kickoff',
        title: 'Onboarding kickoff',
        phase: 'Onboarding',
        buyerOwnerId: 's-champion',
        dueDate: '2026-12-16',
        dependsOn: ['m-signature'],
        order: 4,
      }),
    ],
    risks: [aRisk()],
    targetCloseDate: '2026-12-11',
    templateId: null,
    version: 3,
    activity: [anActivityEntry()],
    ...overrides,
  };
}

export interface TestContext extends EditContext {
  /** Every id newId() handed out so far, in order. */
  readonly issuedIds: () => readonly string[];
}

/** A deterministic edit context: fixed today/now/actor and counter ids (`id-1`, `id-2`, ...). */
export function testContext(
  overrides: Partial<Omit<EditContext, 'newId'>> & { readonly idPrefix?: string } = {},
): TestContext {
  const { idPrefix = 'id-', ...rest } = overrides;
  const issued: string[] = [];
  return {
    today: TEST_TODAY,
    now: TEST_NOW,
    actor: TEST_ACTOR,
    ...rest,
    newId: () => {
      const id = `${idPrefix}${issued.length + 1}`;
      issued.push(id);
      return id;
    },
    issuedIds: () => [...issued],
  };
}

/** Freezes a value and everything inside it, so that any mutation throws (ESM code runs in strict mode). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
