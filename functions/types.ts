/**
 * What every backend function is: its contract (src/contract: name, summary, writes, a strict input schema,
 * an output schema) and a handler `(deps, caller, input) => Promise<Result<Output, FunctionError>>`.
 * Transport-neutral: the caller comes from whoever verified the request (the HTTP layer reads it from the
 * CRM's signed request), never from the input.
 */
import type { z } from 'zod';
import type { Result } from '../src/domain/result.js';
import type { DealLocks } from '../src/ports/deal-locks.js';
import type { DealRef } from '../src/domain/model.js';
import type { PlanLifecycle } from '../src/ports/plan-lifecycle.js';
import type { PlanSchedule } from '../src/ports/plan-schedule.js';
import type { PlanStore } from '../src/ports/plan-store.js';
import type { FunctionContract, FunctionError } from '../src/contract/index.js';
import type { ReminderSync } from './reminder-sync.js';

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
  /** Reminder to-dos in the CRM, kept in step after each save (none without it). */
  readonly reminders?: ReminderSync;
  /** The next-change index: each save records its plan's next work date (absent: nothing is recorded). */
  readonly schedule?: PlanSchedule;
  /**
   * Told when a saved plan's date could not be recorded (the index's database failed): the save stands, and
   * the weekly full pass records the date. Absent: such a failure goes unreported.
   */
  readonly onScheduleFailure?: (deal: DealRef, error: unknown) => void;
}

/** A function: its contract (src/contract) and the handler that implements it. */
export interface FunctionDefinition<Input extends z.ZodType, Output> extends FunctionContract<
  Input,
  z.ZodType<Output>
> {
  readonly handler: (
    deps: FunctionDeps,
    caller: Caller,
    input: z.output<Input>,
  ) => Promise<Result<Output, FunctionError>>;
}

/** A definition whose types are erased, for the registry and the generic router. */
export interface AnyFunction extends FunctionContract {
  readonly handler: (
    deps: FunctionDeps,
    caller: Caller,
    input: never,
  ) => Promise<Result<unknown, FunctionError>>;
}

/** A function from its contract (spread from CONTRACT) and its handler; the name stays a literal type. */
export const defineFunction = <Name extends string, Input extends z.ZodType, Output>(
  definition: FunctionDefinition<Input, Output> & { readonly name: Name },
): FunctionDefinition<Input, Output> & { readonly name: Name } => definition;
