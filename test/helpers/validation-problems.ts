/**
 * The per-property problems of a VALIDATION_ERROR body, read the way a client must read HubSpot's: from the
 * JSON list embedded in `message` ("Property values were not valid: [{...}]"), since HubSpot does not always
 * send `errors[]` (HubSpot's error-handling guide, https://developers.hubspot.com/docs/api/error-handling,
 * and the changelog's examples, e.g. https://developers.hubspot.com/changelog/breaking-change-enhanced-validations-for-non-string-properties-in-hubspots-crmobject-apis).
 */
export interface EmbeddedProblem {
  isValid: boolean;
  message: string;
  error: string;
  name: string;
  localizedErrorMessage: string;
  portalId?: number;
}

const PREFIX = 'Property values were not valid: ';

export function problems(body: unknown): EmbeddedProblem[] {
  const message = (body as { message?: unknown } | undefined)?.message;
  if (typeof message !== 'string' || !message.startsWith(PREFIX))
    throw new Error(`not a property validation message: ${String(message)}`);
  return JSON.parse(message.slice(PREFIX.length)) as EmbeddedProblem[];
}
