/**
 * The steps every plan function shares: build the deal ref from the caller, compute today and the edit
 * context, load, and turn store errors into function errors; and editPlan, the one path of every edit
 * (load, version check, edit, projection, save).
 */
import {
  CRM_NAMES,
  emptyPlan,
  type Crm,
  type DealRef,
  type EditContext,
  type Plan,
} from '../src/domain/model.js';
import { calendarDay } from '../src/domain/dates.js';
import { project, type Projection } from '../src/domain/project.js';
import { err, ok, type Problem, type Result } from '../src/domain/result.js';
import type { EditResult } from '../src/domain/edits.js';
import {
  changesSince,
  versionConflictMessage,
  type PlanStoreError,
  type StoredPlan,
} from '../src/ports/plan-store.js';
import type { FunctionError, PlanResponse } from '../src/contract/index.js';
import { nextWorkDate } from './next-work.js';
import type { Caller, FunctionDeps } from './types.js';

/** The deal a caller may touch: always in the caller's own account (from the signed request). */
export const dealRef = (caller: Caller, dealId: string): DealRef => ({ ...caller.tenant, dealId });

/** The calendar day of an instant in a time zone: the domain's, so the card and the backend agree. */
export { calendarDay };

/** Today, now and the actor for one request; the same instant for every edit of the request. */
export function editContext(deps: FunctionDeps, caller: Caller): EditContext {
  const ms = deps.clock.now();
  return {
    today: calendarDay(ms, caller.timeZone),
    now: new Date(ms).toISOString(),
    actor: `user:${caller.userId}`,
    newId: deps.newId,
  };
}

export function storeError(error: PlanStoreError): FunctionError {
  if (error.code === 'VERSION_CONFLICT') {
    return {
      code: 'VERSION_CONFLICT',
      message: error.message,
      currentVersion: error.currentVersion,
      changesSince: error.changesSince,
    };
  }
  if (error.code === 'PLAN_TOO_LARGE')
    return { code: 'PLAN_TOO_LARGE', message: error.message, size: error.size, limit: error.limit };
  if (error.code === 'DEAL_NOT_FOUND') return { code: 'DEAL_NOT_FOUND', message: error.message };
  return {
    code: error.code,
    message: error.message,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
}

export const invalidInput = (problems: readonly Problem[]): FunctionError => ({
  code: 'INVALID_INPUT',
  message:
    problems.length === 1
      ? (problems[0]?.message ?? 'The request is not valid.')
      : `The request has ${problems.length} problems.`,
  problems,
});

export const planNotFound = (dealId: string): FunctionError => ({
  code: 'PLAN_NOT_FOUND',
  message: `Deal ${dealId} has no mutual action plan yet. Create one first (apply a template or add a milestone).`,
});

/** The response for a plan as it now is; `stored` tells whether it loaded with problems a save repairs. */
export function respond(plan: Plan, today: string, saved: boolean, stored?: StoredPlan | null): PlanResponse {
  return response(plan, project(plan, today), saved, stored);
}

/** The response for a plan whose projection is already computed (a save projects once, for the store and this). */
function response(
  plan: Plan,
  projection: Projection,
  saved: boolean,
  stored?: StoredPlan | null,
): PlanResponse {
  const notice = stored ? repairNotice(stored.problems, plan.deal.crm) : undefined;
  return {
    plan,
    projection,
    version: plan.version,
    saved,
    ...(notice === undefined ? {} : { repairNotice: notice }),
  };
}

/** What the rep reads when a plan loaded with repairable problems (the details are for admins: log, cli show). */
export function repairNotice(problems: readonly string[], crm: Crm): string | undefined {
  if (problems.length === 0) return undefined;
  const crmName = CRM_NAMES[crm];
  const what = problems.length === 1 ? 'One part' : `${problems.length} parts`;
  return (
    `${what} of this plan no longer read${problems.length === 1 ? 's' : ''} back from ${crmName} as the app saved ${problems.length === 1 ? 'it' : 'them'} ` +
    `(for example a step whose record was deleted there, or a plan field edited outside this app), so the plan is shown ` +
    `as far as it could be read. Your next change saves it as shown, which repairs it. If a step is missing, add it ` +
    `again; your ${crmName} admin can see the details in the app's log.`
  );
}

/** A plan as loaded: the plan (empty, version 0, when the deal has none) and what the store returned. */
export interface LoadedPlan {
  readonly plan: Plan;
  /** What the store returned: null when the deal has no plan yet. */
  readonly stored: StoredPlan | null;
  /** Whether the plan is saved (false: the empty plan of a deal that has none). */
  readonly saved: boolean;
}

/** The deal's stored plan, or an empty plan (version 0, not saved) when it has none yet. */
export async function loadOrEmpty(
  deps: FunctionDeps,
  deal: DealRef,
): Promise<Result<LoadedPlan, FunctionError>> {
  const loaded = await deps.plans.load(deal);
  if (!loaded.ok) return err(storeError(loaded.error));
  if (loaded.value === null) return ok({ plan: emptyPlan(deal), saved: false, stored: null });
  return ok({ plan: loaded.value.plan, saved: true, stored: loaded.value });
}

/** Applies one domain edit; its problems become INVALID_INPUT, with paths under `prefix` when given. */
export function editProblems(result: EditResult, prefix = ''): Problem[] {
  if (result.ok) return [];
  return result.error.map((p) =>
    prefix === '' ? p : { ...p, path: p.path === '' ? prefix.replace(/\.$/, '') : `${prefix}${p.path}` },
  );
}

/** A domain edit's outcome as an EditSpec answers it: the edited plan, or its problems as INVALID_INPUT. */
export function editedPlan(result: EditResult): Result<Plan, FunctionError> {
  return result.ok ? ok(result.value.plan) : err(invalidInput(result.error));
}

/** What a writing function does to the plan in force; editPlan does the rest. */
export interface EditSpec {
  /** Answer PLAN_NOT_FOUND (before the version check) when the deal has no plan yet. */
  readonly needsPlan?: boolean;
  /**
   * For a request based on an older version (never a resend of one that committed): true when what changed
   * since `base` leaves this edit to apply to the plan as it is now, which it then does, the request's own
   * base kept with the save (update-milestone). Without it, any other base is a VERSION_CONFLICT.
   */
  readonly rebases?: (stored: StoredPlan, base: number) => boolean;
  /** The edited plan (the same object when the edit changes nothing), or why it cannot be made. */
  readonly apply: (plan: Plan, ctx: EditContext) => Result<Plan, FunctionError>;
}

/**
 * Every edit of a plan, in one place: one load, one version check, one projection, one save, under the
 * deal's lock (functions/index.ts holds it for a writing function from before this load to after the commit).
 *
 * The request is based on `baseVersion` (undefined: the version in force). A base that is not the version in
 * force is answered without a write: with the success it already had when this very request committed it and
 * is sent again (Caller.requestDigest), else with a VERSION_CONFLICT saying what changed since (from the
 * loaded plan's activity history) — unless the edit rebases. Then the edit applies; its problems are the
 * answer, an edit that changes nothing answers the plan as loaded without a write, and anything else is
 * projected once and saved, the store told what the load returned so that it need not read the deal again.
 */
export async function editPlan(
  deps: FunctionDeps,
  caller: Caller,
  dealId: string,
  baseVersion: number | undefined,
  edit: EditSpec,
): Promise<Result<PlanResponse, FunctionError>> {
  const ctx = editContext(deps, caller);
  const loaded = await loadOrEmpty(deps, dealRef(caller, dealId));
  if (!loaded.ok) return loaded;
  const { plan, stored, saved } = loaded.value;
  if (edit.needsPlan === true && !saved) return err(planNotFound(dealId));
  const base = baseVersion ?? plan.version;
  const rebased =
    base < plan.version &&
    stored !== null &&
    !isResent(stored, caller.requestDigest, base) &&
    edit.rebases?.(stored, base) === true;
  if (base !== plan.version && !rebased)
    return staleBase(loaded.value, base, caller.requestDigest, ctx.today);
  const edited = edit.apply(plan, ctx);
  if (!edited.ok) return edited;
  if (edited.value === plan) return ok(respond(plan, ctx.today, saved, stored));
  const next: Plan = { ...edited.value, version: plan.version };
  const projection = project(next, ctx.today);
  const written = await deps.plans.save({
    plan: next,
    projection,
    loaded: stored,
    ...(caller.requestDigest === undefined ? {} : { requestDigest: caller.requestDigest }),
    ...(rebased ? { requestBase: base } : {}),
  });
  if (!written.ok) return err(storeError(written.error));
  await recordNextWork(deps, written.value.plan, ctx.today);
  await remindAfterSave(deps, written.value.plan, ctx.today);
  return ok(response(written.value.plan, projection, true));
}

/**
 * Records a saved plan's next work date in the index, still under the deal's lock, so that the last save's
 * date is the one that stays. The rep's save is done whatever happens here: a failure is reported
 * (onScheduleFailure), never answered, and the weekly full pass records the date.
 */
async function recordNextWork(deps: FunctionDeps, plan: Plan, today: string): Promise<void> {
  if (!deps.schedule) return;
  try {
    await deps.schedule.record([
      { deal: plan.deal, nextChange: nextWorkDate(plan, today), version: plan.version },
    ]);
  } catch (error) {
    // The plan is saved: failing the request now would tell the rep it was not (see above).
    deps.onScheduleFailure?.(plan.deal, error);
  }
}

/**
 * The saved plan's reminder to-dos, still under the deal's lock the save holds. It never fails the save: a
 * failure is logged by the sync, and the next save or the daily run tries again.
 */
async function remindAfterSave(deps: FunctionDeps, plan: Plan, today: string): Promise<void> {
  await deps.reminders?.planSaved(plan, today);
}

/**
 * True when the version in force was written by this very request (`digest`, Caller.requestDigest), based on
 * `base`: it was saved, its answer was lost, and it is being sent again. (The stored plan records the request
 * that wrote the version in force, so a later save by anyone else ends this.)
 */
function isResent(stored: StoredPlan | null, digest: string | undefined, base: number): boolean {
  const last = stored?.lastRequest;
  return (
    digest !== undefined &&
    last !== undefined &&
    last !== null &&
    last.base === base &&
    last.digest === digest
  );
}

/** The answer to a request based on a version not in force: its resent success, or the one VERSION_CONFLICT. */
function staleBase(
  current: LoadedPlan,
  base: number,
  requestDigest: string | undefined,
  today: string,
): Result<PlanResponse, FunctionError> {
  if (isResent(current.stored, requestDigest, base)) return ok(respond(current.plan, today, true));
  const version = current.plan.version;
  const since =
    current.stored === null || base > version
      ? { changes: [], complete: true }
      : changesSince(current.stored, base);
  return err({
    code: 'VERSION_CONFLICT',
    message: versionConflictMessage(version, base, since.complete),
    currentVersion: version,
    changesSince: since.changes,
  });
}
