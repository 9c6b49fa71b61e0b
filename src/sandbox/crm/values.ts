/**
 * Property values as HubSpot checks and stores them. Every value is a string on the wire; each type has one
 * canonical stored form, which is also what reads return: numbers as decimal strings, date properties as
 * `YYYY-MM-DD`, datetime properties as ISO 8601 UTC with milliseconds, booleans as `true`/`false`.
 */
import { MAX_STRING_LENGTH, type PropertyDef, type PropertyProblem } from './model.js';

export type ValueCheck =
  | { readonly ok: true; readonly value: string | undefined }
  | { readonly ok: false; readonly problem: PropertyProblem };

const okValue = (value: string | undefined): ValueCheck => ({ ok: true, value });
const bad = (name: string, error: string, message: string): ValueCheck => ({
  ok: false,
  problem: { name, error, message },
});

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^\d+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export const DAY_MS = 86_400_000;

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function parseIsoDate(raw: string): number | undefined {
  const m = ISO_DATE.exec(raw);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return isoDate(ms) === raw ? ms : undefined;
}

/** "1570233600 is at 4:10:33.600 UTC, not midnight!": HubSpot's wording for a date that is not a day. */
function notMidnight(raw: string, ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${raw} is at ${d.getUTCHours()}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} UTC, not midnight!`;
}

/** Milliseconds since the epoch of a date or datetime value as HubSpot accepts it, or undefined. */
export function toEpochMs(raw: string): number | undefined {
  if (/^-?\d+$/.test(raw)) {
    const ms = Number(raw);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  const day = parseIsoDate(raw);
  if (day !== undefined) return day;
  if (ISO_DATETIME.test(raw)) {
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

export interface ValueContext {
  ownerExists(id: number): boolean;
}

/**
 * Checks one incoming value against its property and returns the stored form; `undefined` clears the value
 * (HubSpot clears a property written as an empty string).
 */
export function checkValue(def: PropertyDef, input: string, ctx: ValueContext): ValueCheck {
  const name = def.name;
  if (input === '') return okValue(undefined);
  if (def.type === 'string' || def.type === 'phone_number') {
    if (input.length > MAX_STRING_LENGTH) {
      return bad(
        name,
        'VALUE_TOO_LONG',
        `Property value for ${name} is ${input.length} characters; the limit is ${MAX_STRING_LENGTH}.`,
      );
    }
    return okValue(input);
  }
  if (input.trim() !== input || /^[\s\u00a0\u200b\ufeff]|[\s\u00a0\u200b\ufeff]$/.test(input)) {
    return bad(name, 'LEADING_TRAILING_WHITESPACE', `"${input}" includes leading or trailing whitespace.`);
  }
  switch (def.type) {
    case 'number': {
      if (!NUMBER.test(input) || !Number.isFinite(Number(input))) {
        return bad(name, 'INVALID_DOUBLE', `${input} was not a valid number.`);
      }
      return okValue(String(Number(input)));
    }
    case 'bool': {
      const lower = input.toLowerCase();
      if (lower !== 'true' && lower !== 'false')
        return bad(name, 'INVALID_BOOLEAN', `${input} was not a valid boolean (true or false).`);
      return okValue(lower);
    }
    case 'date': {
      const ms = toEpochMs(input);
      if (ms === undefined)
        return bad(
          name,
          'INVALID_DATE',
          `${input} is not a valid date (use YYYY-MM-DD or midnight UTC in epoch milliseconds).`,
        );
      if (ms % DAY_MS !== 0) return bad(name, 'INVALID_DATE', notMidnight(input, ms));
      return okValue(isoDate(ms));
    }
    case 'datetime': {
      const ms = toEpochMs(input);
      if (ms === undefined)
        return bad(
          name,
          'INVALID_DATETIME',
          `${input} is not a valid datetime (use epoch milliseconds or ISO 8601).`,
        );
      return okValue(new Date(ms).toISOString());
    }
    case 'enumeration':
      return checkEnumeration(def, input, ctx);
  }
}

function checkEnumeration(def: PropertyDef, input: string, ctx: ValueContext): ValueCheck {
  const name = def.name;
  if (def.referencedObjectType === 'OWNER') {
    if (!INTEGER.test(input) || !Number.isSafeInteger(Number(input)) || Number(input) > 2_147_483_647) {
      return bad(name, 'INVALID_INTEGER', `${input} was not a valid integer (for owner ID).`);
    }
    if (!ctx.ownerExists(Number(input)))
      return bad(name, 'INVALID_OWNER_ID', `${input} is not a valid owner id.`);
    return okValue(String(Number(input)));
  }
  const allowed = new Set(def.options.map((o) => o.value));
  const values = def.fieldType === 'checkbox' ? input.split(';') : [input];
  const wrong = values.find((v) => !allowed.has(v));
  if (wrong !== undefined) {
    return bad(
      name,
      'INVALID_OPTION',
      `${wrong} was not one of the allowed options: [${[...allowed].join(', ')}]`,
    );
  }
  return okValue(values.join(';'));
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^[A-Za-z]{2,63}$/;

/**
 * A contact's `email` as HubSpot accepts it: one `@`, a dot-atom local part, and a domain of at least two
 * labels ending in an alphabetic top-level domain. HubSpot refuses others with INVALID_EMAIL and the message
 * `Email address <value> is invalid` (captured response in Atlas-Authority/marketing-automation#174:
 * `[{"isValid":false,"message":"Email address name@domain.<INVALID TLD> is invalid","error":"INVALID_EMAIL","name":"email"}]`).
 * HubSpot also checks the top-level domain against its list of real ones; the sandbox checks only the form.
 */
export function checkEmail(name: string, input: string): ValueCheck {
  const at = input.lastIndexOf('@');
  const local = input.slice(0, at);
  const labels = input.slice(at + 1).split('.');
  const valid =
    at > 0 &&
    input.length <= 254 &&
    local.length <= 64 &&
    EMAIL_LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((l) => DOMAIN_LABEL.test(l)) &&
    TLD.test(labels[labels.length - 1] ?? '');
  return valid ? okValue(input) : bad(name, 'INVALID_EMAIL', `Email address ${input} is invalid`);
}

/**
 * HubSpot's VALIDATION_ERROR message: the problems as a JSON list after a fixed sentence, each with
 * `localizedErrorMessage` and the portal's id, e.g. (HubSpot's error-handling guide,
 * https://developers.hubspot.com/docs/api/error-handling, and its multi-status example):
 * `Property values were not valid: [{"isValid":false,"message":"Property \"missing\" does not exist",
 * "error":"PROPERTY_DOESNT_EXIST","name":"missing","localizedErrorMessage":"Property \"missing\" does not exist","portalId":891936587}]`
 */
export function propertyProblemsMessage(problems: readonly PropertyProblem[], portalId?: number): string {
  return `Property values were not valid: ${JSON.stringify(
    problems.map((p) => ({
      isValid: false,
      message: p.message,
      error: p.error,
      name: p.name,
      localizedErrorMessage: p.message,
      ...(portalId === undefined ? {} : { portalId }),
    })),
  )}`;
}

/** Numeric/date-aware comparison value of a stored value, for search. */
export function comparable(def: PropertyDef | undefined, stored: string): number | string {
  if (def && (def.type === 'number' || def.name === 'hs_object_id')) return Number(stored);
  if (def && (def.type === 'date' || def.type === 'datetime')) return toEpochMs(stored) ?? Number.NaN;
  return stored.toLowerCase();
}
