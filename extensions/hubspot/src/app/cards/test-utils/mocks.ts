/**
 * Shared test doubles for the card: a fake backend that answers like the real one — it runs the backend's
 * own pure domain (edits, templates, projection; from ../generated/contract) on an in-memory plan — and
 * records every call, plus plan builders and helpers to hold an answer back (loading states) or fail it.
 */
import type { BackendError, BackendResult, MapBackend } from '../app/backend.js';
import type { CardFunctionName, FunctionInput, FunctionOutput, Plan, PlanResponse } from '../app/contract.js';
import {
  EDITS,
  moveDueDate,
  setMilestoneStatus,
  addStakeholder,
  removeStakeholder,
  type EditResult,
} from '../generated/contract/src/domain/edits.js';
import {
  emptyPlan,
  type EditContext,
  type Milestone,
  type Stakeholder,
} from '../generated/contract/src/domain/model.js';
import { project } from '../generated/contract/src/domain/project.js';
import type { Problem } from '../generated/contract/src/domain/result.js';
import { editProblems, invalidInput } from '../generated/contract/functions/plan-ops.js';
import { applyTemplate, listTemplates } from '../generated/contract/src/domain/templates.js';

/** A Monday; the test plan's dates sit around it. */
export const TODAY = '2026-11-16';
/** The deal id the testing renderer's context gives (objectId 123). */
export const DEAL_ID = '123';
const DEAL = { crm: 'hubspot', accountId: '123', dealId: DEAL_ID } as const;

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

export const respond = (plan: Plan, saved = true): PlanResponse => ({
  plan,
  projection: project(plan, TODAY),
  version: plan.version,
  saved,
});

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
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
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

/**
 * The backend double. By default it behaves like the backend on `plan` (saved when `saved`); `override`
 * replaces the answer of one function (once or always) to script errors, conflicts and slow answers.
 */
export class FakeBackend implements MapBackend {
  readonly calls: RecordedCall[] = [];
  private readonly overrides = new Map<CardFunctionName, { fn: Override<never>; once: boolean }[]>();
  private ids = 0;

  constructor(
    public plan: Plan = aPlan(),
    public saved = true,
  ) {}

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

  private context(): EditContext {
    return {
      today: TODAY,
      now: '2026-11-16T15:00:00.000Z',
      actor: 'user:1',
      newId: () => `new-${++this.ids}`,
    };
  }

  /**
   * Applies an edit like the backend: a stale base is a conflict, problems are INVALID_INPUT with the
   * backend's own message (functions/plan-ops.ts invalidInput).
   */
  private edit(
    baseVersion: number | undefined,
    result: EditResult,
    problems: readonly Problem[] = editProblems(result),
  ): BackendResult<PlanResponse> {
    if (baseVersion !== undefined && baseVersion !== this.plan.version) {
      return apiError('VERSION_CONFLICT', 'Someone changed this plan since you loaded it.', {
        status: 409,
        currentVersion: this.plan.version,
      });
    }
    if (problems.length > 0 || !result.ok) {
      const error = invalidInput(problems);
      return apiError('INVALID_INPUT', error.message, { problems: [...problems] });
    }
    if (result.value.plan !== this.plan) {
      this.plan = { ...result.value.plan, version: this.plan.version + 1 };
      this.saved = true;
    }
    return { ok: true, value: respond(this.plan, this.saved) };
  }

  /** The answer the backend would give (what `call` returns when no override applies). */
  answerAsBackend<N extends CardFunctionName>(
    name: N,
    raw: FunctionInput<N>,
  ): BackendResult<FunctionOutput<N>> {
    const ctx = this.context();
    const input = raw as Record<string, unknown> & { baseVersion?: number };
    const result = ((): BackendResult<unknown> => {
      switch (name) {
        case 'get-plan':
          return { ok: true, value: respond(this.plan, this.saved) };
        case 'list-templates':
          return { ok: true, value: { templates: [...listTemplates()] } };
        case 'apply-template':
          return this.edit(
            input.baseVersion,
            applyTemplate(
              this.plan,
              { templateId: input.templateId, targetCloseDate: input.targetCloseDate },
              ctx,
            ),
          );
        case 'save-plan': {
          // As functions/save-plan.ts: every edit runs, a failing one leaves the plan as it was, and the
          // problems of all of them come back under edits[i].
          let plan = this.plan;
          const problems: Problem[] = [];
          (input.edits as { edit: keyof typeof EDITS; input: unknown }[]).forEach((step, i) => {
            const r = EDITS[step.edit](plan, step.input, ctx);
            if (r.ok) plan = r.value.plan;
            else problems.push(...editProblems(r, `edits[${i}].`));
          });
          return this.edit(input.baseVersion, { ok: true, value: { plan, activity: [] } }, problems);
        }
        case 'update-milestone': {
          const {
            dealId: _d,
            baseVersion,
            milestoneId,
            status,
            dueDate,
            reason,
          } = input as FunctionInput<'update-milestone'>;
          if (status !== undefined)
            return this.edit(baseVersion, setMilestoneStatus(this.plan, { milestoneId, status }, ctx));
          return this.edit(baseVersion, moveDueDate(this.plan, { milestoneId, dueDate, reason }, ctx));
        }
        case 'add-stakeholder': {
          const { dealId: _d, baseVersion, ...stakeholder } = input as FunctionInput<'add-stakeholder'>;
          return this.edit(baseVersion, addStakeholder(this.plan, stakeholder, ctx));
        }
        case 'remove-stakeholder': {
          const { baseVersion, stakeholderId } = input as FunctionInput<'remove-stakeholder'>;
          return this.edit(baseVersion, removeStakeholder(this.plan, { stakeholderId }, ctx));
        }
      }
      throw new Error(`FakeBackend does not answer ${String(name)}`);
    })();
    return result as BackendResult<FunctionOutput<N>>;
  }
}
