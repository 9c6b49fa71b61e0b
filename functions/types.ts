/**
 * What every backend function is: a strict input schema, an output schema, and a handler
 * `(deps, caller, input) => Promise<Result<Output, FunctionError>>`. Transport-neutral: the caller comes from
 * whoever verified the request (the HTTP layer reads it from the CRM's signed request), never from the input.
 */
import type { z } from 'zod';
import type { Result } from '../src/domain/result.js';
import type { DealLocks } from '../src/ports/deal-locks.js';
import type { PlanLifecycle } from '../src/ports/plan-lifecycle.js';
import type { PlanStore } from '../src/ports/plan-store.js';
import type { FunctionError } from './contract.js';

/** Who called, as the transport verified it (the CRM's adapter reads it from the signed request). */
export type { Caller } from '../src/ports/request-verifier.js';
import type { Caller } from '../src/ports/request-verifier.js';

export interface FunctionDeps {
  readonly plans: PlanStore;
  /** One writer per deal across every instance: a writing function runs under its deal's lock. */
  readonly locks: DealLocks;
  readonly lifecycle?: PlanLifecycle;
  /** Milliseconds since the epoch (the Clock port's `now`). */
  readonly clock: { now(): number };
  /** A fresh unique id for new milestones, stakeholders, goals and risks. */
  readonly newId: () => string;
}

export interface FunctionDefinition<Input extends z.ZodType, Output> {
  readonly name: string;
  /** One sentence: what the function does (CLI help, docs). */
  readonly summary: string;
  readonly input: Input;
  readonly output: z.ZodType<Output>;
  /** True when the function changes the plan (logs and metrics tell reads from writes). */
  readonly writes: boolean;
  readonly handler: (
    deps: FunctionDeps,
    caller: Caller,
    input: z.output<Input>,
  ) => Promise<Result<Output, FunctionError>>;
}

/** A definition whose types are erased, for the registry and the generic router. */
export interface AnyFunction {
  readonly name: string;
  readonly summary: string;
  readonly input: z.ZodType;
  readonly output: z.ZodType;
  readonly writes: boolean;
  readonly handler: (
    deps: FunctionDeps,
    caller: Caller,
    input: never,
  ) => Promise<Result<unknown, FunctionError>>;
}

export const defineFunction = <Input extends z.ZodType, Output>(
  definition: FunctionDefinition<Input, Output>,
): FunctionDefinition<Input, Output> => definition;
