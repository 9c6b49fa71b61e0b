/**
 * The closed lists of error codes, a function's typed failure, and the one error body every failed request
 * has (the HTTP layer maps each code to its status).
 */
import { z } from 'zod';
import { CRM_ERROR_CODES } from '../domain/crm-errors.js';
import { activityEntrySchema } from '../domain/model.js';
import { PROBLEM_CODES, type Problem } from '../domain/result.js';
import { versionSchema } from './fields.js';

/**
 * Every failure a function can end in. CRM_* come from the CRM adapter unchanged (src/domain/crm-errors.ts,
 * the one list), so that the transport can tell a rate limit from an outage.
 */
export const FUNCTION_ERROR_CODES = [
  'INVALID_INPUT',
  'DEAL_NOT_FOUND',
  'PLAN_NOT_FOUND',
  'PLAN_NOT_EMPTY',
  'VERSION_CONFLICT',
  'PLAN_TOO_LARGE',
  /** Another save of the same deal held its lock for too long (src/ports/deal-locks.ts); retry shortly. */
  'DEAL_BUSY',
  ...CRM_ERROR_CODES,
] as const;
export type FunctionErrorCode = (typeof FUNCTION_ERROR_CODES)[number];

export const problemSchema = z.strictObject({
  path: z.string(),
  code: z.enum(PROBLEM_CODES),
  message: z.string(),
});

/** A function's typed failure: the code, a sentence for the rep, and the details its code carries. */
export type FunctionError =
  | { readonly code: 'INVALID_INPUT'; readonly message: string; readonly problems: readonly Problem[] }
  | {
      readonly code: 'VERSION_CONFLICT';
      readonly message: string;
      readonly currentVersion: number;
      readonly changesSince: readonly z.infer<typeof activityEntrySchema>[];
    }
  | {
      readonly code: 'PLAN_TOO_LARGE';
      readonly message: string;
      readonly size: number;
      readonly limit: number;
    }
  | { readonly code: 'PLAN_NOT_EMPTY'; readonly message: string; readonly problems: readonly Problem[] }
  | {
      readonly code: Exclude<
        FunctionErrorCode,
        'INVALID_INPUT' | 'VERSION_CONFLICT' | 'PLAN_TOO_LARGE' | 'PLAN_NOT_EMPTY'
      >;
      readonly message: string;
      /** When a retry makes sense, how long to wait first. */
      readonly retryAfterMs?: number;
    };

/** Failures only the HTTP layer knows: the request never reached a function. */
export const TRANSPORT_ERROR_CODES = [
  'UNAUTHORIZED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNKNOWN_FUNCTION',
  'INSTALLATION_INACTIVE',
  'INTERNAL',
] as const;
export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number];

export const API_ERROR_CODES = [...FUNCTION_ERROR_CODES, ...TRANSPORT_ERROR_CODES] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The one body of every failed /api (and webhook) request. */
export const apiErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(API_ERROR_CODES),
    message: z.string(),
    problems: z.array(problemSchema).optional(),
    currentVersion: versionSchema.optional(),
    changesSince: z.array(activityEntrySchema).optional(),
    retryAfterSeconds: z.number().int().positive().optional(),
    requestId: z.string(),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
