/**
 * The steps every plan function shares: build the deal ref from the caller, compute today and the edit
 * context, load, apply domain edits, save through the PlanStore, and turn store errors into function errors.
 */
import { emptyPlan, type DealRef, type EditContext, type Plan } from '../src/domain/model.js';
import { calendarDay } from '../src/domain/dates.js';
import { project } from '../src/domain/project.js';
import { err, ok, type Problem, type Result } from '../src/domain/result.js';
import type { EditResult } from '../src/domain/edits.js';
import {
  changesSince,
  versionConflictMessage,
  type PlanStoreError,
  type StoredPlan,
} from '../src/ports/plan-store.js';
import type { FunctionError, PlanResponse } from '../src/contract/index.js';
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
  const notice = stored ? repairNotice(stored.problems) : undefined;
  return {
    plan,
    projection: project(plan, today),
    version: plan.version,
    saved,
    ...(notice === undefined ? {} : { repairNotice: notice }),
  };
}

/** What the rep reads when a plan loaded with repairable problems (the details are for admins: log, cli show). */
export function repairNotice(problems: readonly string[]): string | undefined {
  if (problems.length === 0) return undefined;
  const what = problems.length === 1 ? 'One part' : `${problems.length} parts`;
  return (
    `${what} of this plan no longer read${problems.length === 1 ? 's' : ''} back from HubSpot as the app saved ${problems.length === 1 ? 'it' : 'them'} ` +
    `(for example a step whose record was deleted there, or a plan field edited outside this app), so the plan is shown ` +
    `as far as it could be read. Your next change saves it as shown, which repairs it. If a step is missing, add it ` +
    `again; your HubSpot admin can see the details in the app's log.`
  );
}

/** A plan as loaded for an edit: the plan (empty, version 0, when the deal has none) and what the store returned. */
export interface LoadedPlan {
  readonly plan: Plan;
  readonly stored: StoredPlan | null;
  /** The digest of the request making the edit (Caller.requestDigest), stored with the version it writes. */
  readonly requestDigest?: string | undefined;
  /** The version the request was based on, when the edit was rebased onto a later one (update-milestone). */
  readonly requestBase?: number | undefined;
}

/** The deal's stored plan, or an empty plan (version 0, not saved) when it has none yet. */
export async function loadOrEmpty(
  deps: FunctionDeps,
  deal: DealRef,
  requestDigest?: string,
): Promise<Result<LoadedPlan & { saved: boolean }, FunctionError>> {
  const loaded = await deps.plans.load(deal);
  if (!loaded.ok) return err(storeError(loaded.error));
  if (loaded.value === null) return ok({ plan: emptyPlan(deal), saved: false, stored: null, requestDigest });
  return ok({ plan: loaded.value.plan, saved: true, stored: loaded.value, requestDigest });
}

/**
 * True when the version in force was written by this very request, based on `baseVersion`: it was saved, its
 * answer was lost, and it is being sent again. Answered with that success, with no second write. (The header
 * records the request that wrote the version in force, so a later save by anyone else ends this.)
 */
export function isResent(current: LoadedPlan, baseVersion: number): boolean {
  const last = current.stored?.lastRequest;
  return (
    current.requestDigest !== undefined &&
    last !== undefined &&
    last !== null &&
    last.base === baseVersion &&
    last.digest === current.requestDigest
  );
}

/**
 * Saves `edited` (a plan derived from `current.plan`) as based on `baseVersion`. A base that is not the
 * current version is a VERSION_CONFLICT, answered without a write: what changed since that base comes
 * from the loaded plan's activity history (which version added each entry).
 */
export async function saveEdited(
  deps: FunctionDeps,
  current: LoadedPlan,
  edited: Plan,
  baseVersion: number,
  today: string,
): Promise<Result<PlanResponse, FunctionError>> {
  const version = current.plan.version;
  if (baseVersion !== version) {
    if (isResent(current, baseVersion)) return ok(respond(current.plan, today, true));
    const since =
      current.stored === null || baseVersion > version
        ? { changes: [], complete: true }
        : changesSince(current.stored, baseVersion);
    return err({
      code: 'VERSION_CONFLICT',
      message: versionConflictMessage(version, baseVersion, since.complete),
      currentVersion: version,
      changesSince: since.changes,
    });
  }
  const plan: Plan = { ...edited, version: baseVersion };
  const saved = await deps.plans.save({
    plan,
    projection: project(plan, today),
    ...(current.requestDigest === undefined ? {} : { requestDigest: current.requestDigest }),
    ...(current.requestBase === undefined ? {} : { requestBase: current.requestBase }),
  });
  if (!saved.ok) return err(storeError(saved.error));
  return ok(respond(saved.value.plan, today, true));
}

/** Applies one domain edit; its problems become INVALID_INPUT, with paths under `prefix` when given. */
export function editProblems(result: EditResult, prefix = ''): Problem[] {
  if (result.ok) return [];
  return result.error.map((p) =>
    prefix === '' ? p : { ...p, path: p.path === '' ? prefix.replace(/\.$/, '') : `${prefix}${p.path}` },
  );
}

/**
 * The end of a one-edit function: refuse on problems, answer without a write when nothing changed,
 * otherwise save.
 */
export async function finishOneEdit(
  deps: FunctionDeps,
  loaded: LoadedPlan & { readonly saved: boolean },
  result: EditResult,
  baseVersion: number,
  today: string,
): Promise<Result<PlanResponse, FunctionError>> {
  if (baseVersion !== loaded.plan.version) return saveEdited(deps, loaded, loaded.plan, baseVersion, today);
  if (!result.ok) return err(invalidInput(result.error));
  if (result.value.plan === loaded.plan) return ok(respond(loaded.plan, today, loaded.saved, loaded.stored));
  return saveEdited(deps, loaded, result.value.plan, baseVersion, today);
}
