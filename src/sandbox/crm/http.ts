/**
 * The one place CRM failures become HTTP: each kind of `CrmFailure` maps to HubSpot's status, category and
 * body, through an exhaustive switch (a new kind is a compile error until it is mapped). Also the small
 * parsing helpers every route shares: bodies through zod, query lists, paging numbers.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { sendError } from '../errors.js';
import { failure, success, validation, type CrmFailure, type Outcome } from './model.js';
import { propertyProblemsMessage } from './values.js';

export const SCOPES_DOC = 'https://developers.hubspot.com/scopes';

export function sendFailure(res: Response, f: CrmFailure): void {
  switch (f.kind) {
    case 'validation':
      // Property problems travel only inside the message, as a JSON list (see propertyProblemsMessage): the
      // changelog's examples and the multi-status example of HubSpot's error-handling guide carry no
      // `errors[]`, so a client must not depend on one (HubSpot sometimes adds it; the sandbox never does).
      sendError(res, 400, 'VALIDATION_ERROR', failureMessage(f, portalOf(res)));
      return;
    case 'unknown_object_type':
      sendError(res, 400, 'VALIDATION_ERROR', `Unable to infer object type from: ${f.objectType}`);
      return;
    case 'not_found':
      sendError(res, 404, 'OBJECT_NOT_FOUND', f.message, f.context ? { context: f.context } : {});
      return;
    case 'conflict':
      sendError(res, 409, 'CONFLICT', f.message);
      return;
    case 'already_exists':
      sendError(res, 409, 'OBJECT_ALREADY_EXISTS', f.message);
      return;
    case 'missing_scopes':
      sendError(
        res,
        403,
        'MISSING_SCOPES',
        `This app hasn't been granted all required scopes to make this call. Read more about required scopes here: ${SCOPES_DOC}.`,
        {
          errors: [
            {
              message: 'One or more of the following scopes are required.',
              context: { requiredGranularScopes: [...f.requiredScopes] },
            },
          ],
          context: { requiredScopes: [...f.requiredScopes] },
          links: { scopes: SCOPES_DOC },
        },
      );
      return;
    case 'tier_forbidden':
      sendError(res, 403, 'FORBIDDEN', f.message);
      return;
  }
}

/** The message of a failure as HubSpot words it (property problems embedded as a JSON list). */
export function failureMessage(f: Extract<CrmFailure, { kind: 'validation' }>, portalId?: number): string {
  if (f.problems && f.problems.length > 0) return propertyProblemsMessage(f.problems, portalId);
  return f.message;
}

/** The caller's portal id, when the auth middleware has run. */
export function portalOf(res: Response): number | undefined {
  return (res.locals as { sandbox?: { portalId: number } }).sandbox?.portalId;
}

/** Sends a value as JSON with the status, or the failure. */
export function reply<T>(res: Response, outcome: Outcome<T>, status = 200): void {
  if (outcome.ok) res.status(status).json(outcome.value);
  else sendFailure(res, outcome.error);
}

/** Parses a request body; HubSpot answers a malformed body with 400 VALIDATION_ERROR naming the fields. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): Outcome<z.infer<S>> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return success(parsed.data);
  const details = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  return failure(validation(`Invalid input JSON: ${details}`));
}

/** A query parameter given as repeated keys and/or comma-separated values, as a list. */
export function queryList(value: unknown): string[] {
  const parts = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return parts
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

export function queryString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

export function queryBool(value: unknown): boolean {
  return queryString(value)?.toLowerCase() === 'true';
}

/** `limit` of a list: default, then capped as HubSpot does (a larger value is refused). */
export function queryLimit(value: unknown, fallback: number, max: number): Outcome<number> {
  const raw = queryString(value);
  if (raw === undefined) return success(fallback);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    return failure(validation(`limit must be a positive integer, got ${raw}`));
  if (n > max) return failure(validation(`limit must be at most ${max}, got ${n}`));
  return success(n);
}

/** Paging cursors are record ids (HubSpot's are opaque strings; ours happen to be readable). */
export function queryAfter(value: unknown): Outcome<number> {
  const raw = queryString(value);
  if (raw === undefined || raw === '') return success(0);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    return failure(validation(`after must be a paging cursor returned by a previous page, got ${raw}`));
  return success(n);
}

/** A path parameter by name, for routes whose path is built at run time (express cannot type those). */
export function param(req: Request, name: string): string {
  const value: unknown = Reflect.get(req.params, name);
  return typeof value === 'string' ? value : '';
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The path of the request as the client sent it (for `paging.next.link`). */
export function requestPath(req: Request): string {
  return req.originalUrl.split('?')[0] ?? req.path;
}
