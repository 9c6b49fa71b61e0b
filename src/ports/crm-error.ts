/**
 * A CRM call's failure as the rest of the app sees it, whatever the CRM. Each adapter maps its provider's
 * status codes and error bodies to the closed codes of src/domain/crm-errors.ts; nothing outside the adapters
 * reads a provider's error body.
 */
import type { CrmErrorCode } from '../domain/crm-errors.js';

export { CRM_ERROR_CODES, type CrmErrorCode } from '../domain/crm-errors.js';

export interface CrmError {
  readonly code: CrmErrorCode;
  /** A sentence for the user or admin: what happened and what to do. */
  readonly message: string;
  /** HTTP status the CRM answered with (0 when no answer came back, or nothing was sent). */
  readonly status: number;
  /** When a retry makes sense, how long to wait first. */
  readonly retryAfterMs?: number;
  /** Per-property or per-item details the CRM gave (already safe to show: no tokens, no bodies). */
  readonly details?: readonly string[];
  /** The CRM's correlation id, for support. */
  readonly correlationId?: string;
}

export const crmError = (
  code: CrmErrorCode,
  message: string,
  status: number,
  extra: Omit<CrmError, 'code' | 'message' | 'status'> = {},
): CrmError => ({ code, message, status, ...extra });
