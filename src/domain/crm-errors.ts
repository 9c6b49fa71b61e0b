/**
 * The closed set of failures a CRM call can end in, as the rest of the app sees them, whatever the CRM: one
 * list, which the CrmError port (src/ports/crm-error.ts) and the function error codes of the contract
 * (src/contract/errors.ts) both take, so that a code added here reaches the card and the HTTP layer.
 */
export const CRM_ERROR_CODES = [
  'CRM_RATE_LIMITED',
  'CRM_DAILY_LIMIT',
  'CRM_UNAVAILABLE',
  'CRM_UNAUTHORIZED',
  /**
   * The app has no usable access to the account any more (uninstalled, never installed, or its refresh was
   * refused): nothing was sent, and nothing will be until an admin installs the app again. The HTTP layer
   * answers it as INSTALLATION_INACTIVE.
   */
  'CRM_ACCESS_REVOKED',
  'CRM_FORBIDDEN',
  'CRM_NOT_FOUND',
  'CRM_VALIDATION',
  'CRM_CONFLICT',
  'CRM_BAD_RESPONSE',
] as const;
export type CrmErrorCode = (typeof CRM_ERROR_CODES)[number];
