/**
 * The closed set of failures a CRM call can end in, as the rest of the app sees them, whatever the CRM.
 * Each adapter maps its provider's status codes and error bodies to these codes (for HubSpot:
 * src/adapters/hubspot/transport.ts); nothing outside the adapters reads a provider's error body.
 */
export const CRM_ERROR_CODES = [
  'CRM_RATE_LIMITED',
  'CRM_DAILY_LIMIT',
  'CRM_UNAVAILABLE',
  'CRM_UNAUTHORIZED',
  /**
   * The app has no usable access to the account any more (uninstalled, never installed, or its refresh was
   * refused): nothing was sent, and nothing will be until an admin installs the app again.
   */
  'CRM_ACCESS_REVOKED',
  'CRM_FORBIDDEN',
  'CRM_NOT_FOUND',
  'CRM_VALIDATION',
  'CRM_CONFLICT',
  'CRM_BAD_RESPONSE',
] as const;
export type CrmErrorCode = (typeof CRM_ERROR_CODES)[number];

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
