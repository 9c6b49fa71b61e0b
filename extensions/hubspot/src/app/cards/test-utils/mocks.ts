/**
 * Shared test doubles for the card: a fake backend that is the real one minus HTTP — the backend's own
 * functions (functions/index.ts) on the memory plan store, under the in-process deal locks, answering through
 * the card's own client with the HTTP layer's own error bodies — that records every call and can hold an
 * answer back (loading states) or replace it (errors, conflicts); plus plan builders.
 *
 * Test utilities run in the root Jest, never in HubSpot, so they may import the backend (eslint.config.js
 * allows it for test-utils/ and __tests__/ only).
 */
import {
  FUNCTIONS,
  invokeFunction,
  type Caller,
  type FunctionDeps,
} from '../../../../../../functions/index.js';
import { respond as backendResponse } from '../../../../../../functions/plan-ops.js';
import { InProcessDealLocks } from '../../../../../../src/adapters/locks/deal-locks.js';
import { MemoryPlanStore } from '../../../../../../src/adapters/memory/plan-store.js';
import {
  emptyPlan,
  type DealRef,
  type Milestone,
  type Stakeholder,
  type Tenant,
} from '../../../../../../src/domain/model.js';
import { project } from '../../../../../../src/domain/project.js';
import { validatePlan } from '../../../../../../src/domain/validate.js';
import { errorBody, fromFunctionError, httpStatus } from '../../../../../../src/http/errors.js';
import type { BackendError, BackendResult, MapBackend } from '../app/backend.js';
import type { CardFunctionName, FunctionInput, FunctionOutput, Plan, PlanResponse } from '../app/contract.js';
import { createFetchBackend, type HubSpotFetch } from '../app/fetch-backend.js';

/** A Monday; the test plan's dates sit around it. */
export const TODAY = '2026-11-16';
/** The deal id the testing renderer's context gives (objectId 123). */
export const DEAL_ID = '123';

// Where the card runs, as the backend names it: the testing renderer's context (account 123, user 1), and
// the instant of every edit. The one place that spells the tenant, the deal, the caller and the store's keys.
const TENANT: Tenant = { crm: 'hubspot', accountId: '123' };
const DEAL: DealRef = { ...TENANT, dealId: DEAL_ID };
const CALLER: Caller = { tenant: TENANT, userId: '1' };
const NOW_MS = Date.parse('2026-11-16T15:00:00.000Z');
const newStore = (): MemoryPlanStore => {
  const store = new MemoryPlanStore();
  store.addDeal(TENANT.accountId, DEAL_ID);
  return store;
};
const storedPlan = (store: MemoryPlanStore): Plan | null =>
  store.inspect(TENANT.accountId, DEAL_ID)?.plan ?? null;

export function aStakeholder(overrides: Partial<Stakeholder> = {}): Stakeholder {
  return {
    id: 's-buyer',
    side: 'buyer',
    name: 'Bea Buyer',
    email: null,
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
    phase: 'Agree on the problem',
    sellerOwnerId: 's-seller',
    buyerOwnerId: 's-buyer',
    dueDate: '2026-11-20',
    baselineDueDate: overrides.dueDate ?? '2026-11-20',
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

/** A saved plan (version 3): two phases, an internal milestone, a moved date and a close milestone. */
export function aPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    ...emptyPlan(DEAL, 'Acme rollout'),
    valueSummary: 'Acme loses two days a month reconciling orders by hand.',
    targetCloseDate: '2026-12-11',
    stakeholders: [
      aStakeholder(),
      aStakeholder({
        id: 's-seller',
        side: 'seller',
        name: 'Sam Seller',
        title: 'Account executive',
        role: 'account_executive',
      }),
    ],
    milestones: [
      aMilestone({
        id: 'm-discovery',
        title: 'Discovery call',
        status: 'done',
        completedDate: '2026-11-10',
        dueDate: '2026-11-10',
        order: 0,
      }),
      aMilestone({
        id: 'm-demo',
        title: 'Tailored demo',
        dueDate: '2026-11-24',
        baselineDueDate: '2026-11-19',
        order: 1,
      }),
      aMilestone({
        id: 'm-pricing',
        title: 'Pricing approval',
        phase: 'Commercial agreement',
        visibility: 'internal',
        buyerOwnerId: null,
        dueDate: '2026-12-01',
        order: 2,
      }),
      aMilestone({
        id: 'm-sign',
        title: 'Order form signed',
        phase: 'Commercial agreement',
        dueDate: '2026-12-11',
        isClose: true,
        order: 3,
      }),
    ],
    version: 3,
    ...overrides,
  };
}

/** The backend's own answer for a plan as it is (functions/plan-ops.ts respond). */
export const respond = (plan: Plan, saved = true): PlanResponse => backendResponse(plan, TODAY, saved);

export const apiError = (
  code: Extract<BackendError, { kind: 'api' }>['code'],
  message: string,
  extra: Partial<Extract<BackendError, { kind: 'api' }>> = {},
): { ok: false; error: BackendError } => ({
  ok: false,
  error: {
    kind: 'api',
    status: 400,
    code,
    message,
    problems: [],
    currentVersion: null,
    changesSince: [],
    retryAfterSeconds: null,
    requestId: 'req-test',
    ...extra,
  },
});

/** A promise the test settles itself: keeps a call in flight to observe a loading state. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void } {
  let resolve: (value: T | PromiseLike<T>) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

type Answer<N extends CardFunctionName> =
  BackendResult<FunctionOutput<N>> | Promise<BackendResult<FunctionOutput<N>>>;
type Override<N extends CardFunctionName> = (input: FunctionInput<N>) => Answer<N>;

export interface RecordedCall {
  readonly name: CardFunctionName;
  readonly input: unknown;
}

/** What crosses the wire is JSON: the fake hands over copies, as hubspot.fetch would. */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/**
 * The backend double. By default it is the backend holding `plan` (saved when `saved`; an unsaved deal
 * holds the empty plan); `override` replaces the answer of one function (once or always) to script errors,
 * conflicts and slow answers. Setting `plan` stands for someone else saving that plan.
 */
export class FakeBackend implements MapBackend {
  readonly calls: RecordedCall[] = [];
  private readonly overrides = new Map<CardFunctionName, { fn: Override<never>; once: boolean }[]>();
  private ids = 0;
  private readonly locks = new InProcessDealLocks();
  private store = newStore();
  /** A plan being put into a fresh store (saved once per version), until it is there. */
  private seeding: { readonly plan: Plan | null; readonly done: Promise<void> } | null = null;
  private readonly client = createFetchBackend({
    origin: 'https://backend.test',
    timeoutMs: 15_000,
    fetch: (url, options) => this.serve(url, options.body),
  });

  constructor(plan: Plan = aPlan(), saved = true) {
    if (!saved && JSON.stringify(plan) !== JSON.stringify(emptyPlan(DEAL))) {
      throw new Error('A deal with no saved plan shows the empty plan: pass saved = true to hold this plan.');
    }
    this.seed(saved ? plan : null);
  }

  /** The deal's plan as the backend holds it now (the empty plan when none is saved). */
  get plan(): Plan {
    return (this.seeding ? this.seeding.plan : storedPlan(this.store)) ?? emptyPlan(DEAL);
  }

  set plan(plan: Plan) {
    this.seed(plan);
  }

  override<N extends CardFunctionName>(name: N, fn: Override<N>, { once = true } = {}): this {
    const list = this.overrides.get(name) ?? [];
    list.push({ fn: fn, once });
    this.overrides.set(name, list);
    return this;
  }

  callsOf<N extends CardFunctionName>(name: N): FunctionInput<N>[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.input as FunctionInput<N>);
  }

  async call<N extends CardFunctionName>(
    name: N,
    input: FunctionInput<N>,
  ): Promise<BackendResult<FunctionOutput<N>>> {
    this.calls.push({ name, input });
    const list = this.overrides.get(name);
    const first = list?.[0];
    if (list && first) {
      if (first.once) list.shift();
      return (first.fn as Override<N>)(input);
    }
    return this.answerAsBackend(name, input);
  }

  /** The answer the backend gives (what `call` returns when no override applies). */
  async answerAsBackend<N extends CardFunctionName>(
    name: N,
    input: FunctionInput<N>,
  ): Promise<BackendResult<FunctionOutput<N>>> {
    await this.seeding?.done;
    return this.client.call(name, input);
  }

  /**
   * The backend behind the card's client: the function named by the URL, run by invokeFunction on the
   * memory store; a failure is the HTTP layer's status and error body for it.
   */
  private async serve(url: string, body: unknown): ReturnType<HubSpotFetch> {
    const name = url.slice(url.lastIndexOf('/') + 1) as keyof typeof FUNCTIONS;
    const deps: FunctionDeps = {
      plans: this.store,
      locks: this.locks,
      clock: { now: () => NOW_MS },
      newId: () => `new-${++this.ids}`,
    };
    const result = await invokeFunction(FUNCTIONS[name], deps, CALLER, overTheWire(body));
    if (result.ok) return { status: 200, json: () => Promise.resolve(overTheWire(result.value)) };
    const error = fromFunctionError(result.error);
    return {
      status: httpStatus(error.code),
      json: () => Promise.resolve(overTheWire(errorBody(error, 'req-test'))),
    };
  }

  /** Puts `plan` (null: none) into a fresh store, saved as many times as its version says. */
  private seed(plan: Plan | null): void {
    const valid = plan === null ? null : validatePlan(plan);
    if (valid && !valid.ok) {
      throw new Error(`The fake backend cannot hold an invalid plan: ${JSON.stringify(valid.error)}`);
    }
    const store = newStore();
    const done = (async () => {
      for (let version = 0; plan !== null && version < plan.version; version++) {
        const saved = await store.save({ plan: { ...plan, version }, projection: project(plan, TODAY) });
        if (!saved.ok) throw new Error(`The fake backend cannot hold this plan: ${saved.error.message}`);
      }
      this.store = store;
    })();
    const seeding = { plan, done };
    this.seeding = seeding;
    done.then(
      () => {
        if (this.seeding === seeding) this.seeding = null;
      },
      () => undefined,
    );
  }
}
