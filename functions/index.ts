/**
 * Every backend function, by name: the one registry of handlers the HTTP router, the CLI and the card's test
 * double use. Each implements its entry of src/contract's CONTRACT (the compiler checks the registry against
 * it). `invokeFunction` parses the raw input with the function's strict schema (every problem at once) and
 * runs the handler.
 */
import { zodErrorToProblems } from '../src/domain/zod-problems.js';
import { err, type Result } from '../src/domain/result.js';
import { addStakeholder } from './add-stakeholder.js';
import { applyTemplate } from './apply-template.js';
import {
  isFunctionName,
  type CONTRACT,
  type FunctionError,
  type FunctionName,
  type FunctionOutput,
} from '../src/contract/index.js';
import { getPlan } from './get-plan.js';
import { listTemplates } from './list-templates.js';
import { dealRef, invalidInput } from './plan-ops.js';
import { removeStakeholder } from './remove-stakeholder.js';
import { reprojectDeal } from './reproject-deal.js';
import { savePlan } from './save-plan.js';
import type { AnyFunction, Caller, FunctionDefinition, FunctionDeps } from './types.js';
import { updateMilestone } from './update-milestone.js';

export const FUNCTIONS = {
  'get-plan': getPlan,
  'save-plan': savePlan,
  'update-milestone': updateMilestone,
  'apply-template': applyTemplate,
  'add-stakeholder': addStakeholder,
  'remove-stakeholder': removeStakeholder,
  'list-templates': listTemplates,
  'reproject-deal': reprojectDeal,
} as const satisfies {
  readonly [N in FunctionName]: FunctionDefinition<(typeof CONTRACT)[N]['input'], FunctionOutput<N>> & {
    readonly name: N;
  };
};

export function functionByName(name: string): AnyFunction | undefined {
  return isFunctionName(name) ? FUNCTIONS[name] : undefined;
}

/**
 * Parses `raw` with the function's schema and runs it. A function that writes runs under its deal's lock
 * (deps.locks, shared by every instance), held from the load that reads the version to the commit, so that
 * two saves based on one version can never both be acknowledged.
 */
export async function invokeFunction(
  fn: AnyFunction,
  deps: FunctionDeps,
  caller: Caller,
  raw: unknown,
): Promise<Result<unknown, FunctionError>> {
  const parsed = fn.input.safeParse(raw);
  if (!parsed.success) return err(invalidInput(zodErrorToProblems(parsed.error, raw)));
  const input: unknown = parsed.data;
  const run = (): Promise<Result<unknown, FunctionError>> => fn.handler(deps, caller, input as never);
  const dealId = typeof input === 'object' && input !== null && 'dealId' in input ? input.dealId : undefined;
  if (!fn.writes || typeof dealId !== 'string') return run();
  return deps.locks.run(dealRef(caller, dealId), run);
}

export type { AnyFunction, Caller, FunctionDeps } from './types.js';
