/**
 * The one error body of the HTTP API and the one mapping from closed error codes to HTTP: every failure
 * of every route goes through `sendApiError`, and `httpStatus` is an exhaustive switch (a new code that is
 * not mapped here does not compile).
 */
import type { Response } from 'express';
import type { ApiErrorBody, ApiErrorCode, FunctionError } from '../contract/index.js';
import type { ActivityEntry } from '../domain/model.js';
import type { Problem } from '../domain/result.js';

export interface ApiError {
  readonly code: ApiErrorCode;
  /** A sentence for the person in front of the card; never internal detail. */
  readonly message: string;
  readonly problems?: readonly Problem[];
  readonly currentVersion?: number;
  readonly changesSince?: readonly ActivityEntry[];
  readonly retryAfterSeconds?: number;
}

export function httpStatus(code: ApiErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'INSTALLATION_INACTIVE':
    case 'CRM_ACCESS_REVOKED':
    case 'CRM_FORBIDDEN':
      return 403;
    case 'DEAL_NOT_FOUND':
    case 'PLAN_NOT_FOUND':
    case 'CRM_NOT_FOUND':
    case 'UNKNOWN_FUNCTION':
      return 404;
    case 'VERSION_CONFLICT':
    case 'PLAN_NOT_EMPTY':
    case 'CRM_CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'PLAN_TOO_LARGE':
    case 'CRM_VALIDATION':
      return 422;
    case 'CRM_RATE_LIMITED':
    case 'CRM_DAILY_LIMIT':
      return 429;
    case 'INTERNAL':
      return 500;
    case 'CRM_UNAUTHORIZED':
    case 'CRM_BAD_RESPONSE':
      return 502;
    case 'CRM_UNAVAILABLE':
    case 'DEAL_BUSY':
      return 503;
  }
}

/** Retry hints when the CRM gave none: a ten-secondly window frees up within seconds; a daily one does not. */
const DEFAULT_RETRY_AFTER_S: Partial<Record<ApiErrorCode, number>> = {
  CRM_RATE_LIMITED: 2,
  CRM_UNAVAILABLE: 5,
  DEAL_BUSY: 2,
  CRM_DAILY_LIMIT: 3_600,
};

export function fromFunctionError(error: FunctionError): ApiError {
  // The CRM no longer lets the app in: to the card, the installation is inactive (the CRM's own sentence).
  if (error.code === 'CRM_ACCESS_REVOKED') return { code: 'INSTALLATION_INACTIVE', message: error.message };
  if (error.code === 'INVALID_INPUT' || error.code === 'PLAN_NOT_EMPTY')
    return { code: error.code, message: error.message, problems: error.problems };
  if (error.code === 'VERSION_CONFLICT') {
    return {
      code: error.code,
      message: error.message,
      currentVersion: error.currentVersion,
      changesSince: error.changesSince,
    };
  }
  if (error.code === 'PLAN_TOO_LARGE') return { code: error.code, message: error.message };
  const seconds =
    error.retryAfterMs === undefined
      ? DEFAULT_RETRY_AFTER_S[error.code]
      : Math.max(1, Math.ceil(error.retryAfterMs / 1_000));
  return {
    code: error.code,
    message: error.message,
    ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }),
  };
}

export function errorBody(error: ApiError, requestId: string): ApiErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.problems === undefined ? {} : { problems: [...error.problems] }),
      ...(error.currentVersion === undefined ? {} : { currentVersion: error.currentVersion }),
      ...(error.changesSince === undefined ? {} : { changesSince: [...error.changesSince] }),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      requestId,
    },
  };
}

export function sendApiError(res: Response, error: ApiError, requestId: string): void {
  const status = httpStatus(error.code);
  const retryAfter =
    error.retryAfterSeconds ??
    (status === 429 || status === 503 ? DEFAULT_RETRY_AFTER_S[error.code] : undefined);
  if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
  res
    .status(status)
    .json(
      errorBody(retryAfter === undefined ? error : { ...error, retryAfterSeconds: retryAfter }, requestId),
    );
}

export const INTERNAL_ERROR: ApiError = {
  code: 'INTERNAL',
  message:
    'Something went wrong on our side. Nothing was changed by this request; try again, and quote the request id if it keeps failing.',
};
