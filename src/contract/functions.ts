/**
 * Every backend function the card and the CLI call, by name: one sentence on what it does, whether it writes,
 * and its input and output schemas. functions/ implements each one (functions/index.ts holds the handlers).
 */
import type { z } from 'zod';
import {
  addStakeholderFunctionInputSchema,
  applyTemplateFunctionInputSchema,
  getPlanInputSchema,
  listTemplatesInputSchema,
  removeStakeholderFunctionInputSchema,
  reprojectDealInputSchema,
  savePlanInputSchema,
  updateMilestoneFunctionInputSchema,
} from './requests.js';
import { planResponseSchema, reprojectResponseSchema, templatesResponseSchema } from './responses.js';

/** A function as its callers see it. */
export interface FunctionContract<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** One sentence: what the function does (CLI help, docs). */
  readonly summary: string;
  /** True when the function changes the plan (it runs under its deal's lock; logs tell reads from writes). */
  readonly writes: boolean;
  /** The strict schema the raw input is parsed with. */
  readonly input: Input;
  /** What the function answers on success. */
  readonly output: Output;
}

export const CONTRACT = {
  'get-plan': {
    name: 'get-plan',
    summary: "The deal's plan, its projection and its version.",
    writes: false,
    input: getPlanInputSchema,
    output: planResponseSchema,
  },
  'save-plan': {
    name: 'save-plan',
    summary: 'Applies a batch of plan edits based on one version and saves the plan once.',
    writes: true,
    input: savePlanInputSchema,
    output: planResponseSchema,
  },
  'update-milestone': {
    name: 'update-milestone',
    summary: 'Quick edits of one milestone: status, due date with a reason, owners.',
    writes: true,
    input: updateMilestoneFunctionInputSchema,
    output: planResponseSchema,
  },
  'apply-template': {
    name: 'apply-template',
    summary: 'Fills the plan from a template dated back from the target close date.',
    writes: true,
    input: applyTemplateFunctionInputSchema,
    output: planResponseSchema,
  },
  'add-stakeholder': {
    name: 'add-stakeholder',
    summary: 'Adds a stakeholder to the plan.',
    writes: true,
    input: addStakeholderFunctionInputSchema,
    output: planResponseSchema,
  },
  'remove-stakeholder': {
    name: 'remove-stakeholder',
    summary: 'Removes a stakeholder who owns no milestone.',
    writes: true,
    input: removeStakeholderFunctionInputSchema,
    output: planResponseSchema,
  },
  'list-templates': {
    name: 'list-templates',
    summary: 'The built-in plan templates, shortest cycle first.',
    writes: false,
    input: listTemplatesInputSchema,
    output: templatesResponseSchema,
  },
  'reproject-deal': {
    name: 'reproject-deal',
    summary: "Recomputes the plan's projection for today and writes the deal fields that changed.",
    writes: true,
    input: reprojectDealInputSchema,
    output: reprojectResponseSchema,
  },
} as const;

export type FunctionName = keyof typeof CONTRACT;
export const FUNCTION_NAMES = Object.keys(CONTRACT) as FunctionName[];

/** The input a function takes, as a client writes it. */
export type FunctionInput<N extends FunctionName> = z.input<(typeof CONTRACT)[N]['input']>;
/** What a function answers on success. */
export type FunctionOutput<N extends FunctionName> = z.output<(typeof CONTRACT)[N]['output']>;

export const isFunctionName = (name: string): name is FunctionName => Object.hasOwn(CONTRACT, name);

// Compile-time check: every entry is a FunctionContract named by its own key.
type Assert<T extends true> = T;
export type _EveryEntryNamedByItsKey = Assert<
  {
    [N in FunctionName]: (typeof CONTRACT)[N] extends FunctionContract & { readonly name: N } ? true : false;
  }[FunctionName]
>;
