/**
 * HubSpot's v3 request signature, on requests `hubspot.fetch` sends from the card (and on webhooks):
 *
 *   X-HubSpot-Signature-v3 = base64(HMAC-SHA256(clientSecret, METHOD + uri + rawBody + timestamp))
 *   X-HubSpot-Request-Timestamp = ms since the epoch, as a decimal string
 *
 * where `uri` is the full URL HubSpot called with these percent-encodings decoded first (and only these):
 * %3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 ' %28 ( %29 ) %2A * %2C , %3B ;
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 *
 * The body is hashed as the raw bytes received, never a re-serialisation; the timestamp as the header's
 * text. Requests more than 5 minutes old (or more than 5 minutes ahead of our clock) are refused.
 *
 * HubSpot appends the caller's portalId, userId, userEmail and appId to the query of the URL it signs
 * (reported by integrators, not on an official page: confirm on a real portal). `signedCaller` reads them
 * from the verified URL only, and refuses a query that names one of them twice, since card code could add
 * its own before HubSpot appends the real one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../../domain/result.js';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
export const MAX_SIGNATURE_AGE_MS = 5 * 60 * 1000;

export const SIGNATURE_PROBLEM_CODES = [
  'MISSING_SIGNATURE',
  'MISSING_TIMESTAMP',
  'INVALID_TIMESTAMP',
  'STALE_TIMESTAMP',
  'FUTURE_TIMESTAMP',
  'BAD_SIGNATURE',
] as const;
export type SignatureProblemCode = (typeof SIGNATURE_PROBLEM_CODES)[number];

export interface SignatureProblem {
  readonly code: SignatureProblemCode;
  /** For logs and the 401 body: says what is wrong, never the expected signature. */
  readonly message: string;
}

const signatureProblem = (code: SignatureProblemCode, message: string): SignatureProblem => ({
  code,
  message,
});

/** The encodings HubSpot decodes in the URI before signing (its table, verbatim). */
const DECODED_FOR_SIGNING: Readonly<Record<string, string>> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};
// One pass, so a decoded character never takes part in another match (`%253A` stays `%253A`). Hex digits
// match in either case: RFC 3986 §2.1 makes `%3a` and `%3A` the same encoding.
const ENCODED_FOR_SIGNING = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/** The URL as HubSpot puts it into the signed string. */
export const uriForSignature = (url: string): string =>
  url.replace(ENCODED_FOR_SIGNING, (_match, hex: string) => DECODED_FOR_SIGNING[hex.toUpperCase()] ?? '');

export interface SignInput {
  readonly method: string;
  /** The full URL called, query included: `https://host/path?query`. */
  readonly url: string;
  readonly rawBody: Buffer;
  /** Exactly the X-HubSpot-Request-Timestamp text. */
  readonly timestamp: string;
  readonly clientSecret: string;
}

/** The X-HubSpot-Signature-v3 value for a request, computed as HubSpot does. */
export function signRequestV3(input: SignInput): string {
  return createHmac('sha256', input.clientSecret)
    .update(`${input.method.toUpperCase()}${uriForSignature(input.url)}`, 'utf8')
    .update(input.rawBody)
    .update(input.timestamp, 'utf8')
    .digest('base64');
}

/** The headers HubSpot would add to a request sent at `now`: for tests and the local preview. */
export function signedRequestHeaders(
  input: Omit<SignInput, 'timestamp'> & { readonly now: number },
): Record<string, string> {
  const timestamp = String(input.now);
  return { [SIGNATURE_HEADER]: signRequestV3({ ...input, timestamp }), [TIMESTAMP_HEADER]: timestamp };
}

/**
 * Request timestamps as HubSpot gives them, one per request (for the local preview, the CLI and benchmarks): strictly increasing ms from `now`. The backend
 * accepts each signature once, so two identical calls the card makes within one millisecond must not share
 * a timestamp (and so a signature). Stays within a second of the clock however busy the card is.
 */
export function requestStamps(now: () => number): () => number {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const t = now();
    last = t > last || last - t > 1_000 ? t : last + 1;
    return last;
  };
}

export interface VerifyInput {
  readonly method: string;
  readonly url: string;
  readonly rawBody: Buffer;
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly clientSecret: string;
  /** ms since the epoch. */
  readonly now: number;
}

export function verifySignatureV3(input: VerifyInput): Result<void, SignatureProblem> {
  const { signature, timestamp } = input;
  if (signature === undefined || signature === '') {
    return err(signatureProblem('MISSING_SIGNATURE', 'The X-HubSpot-Signature-v3 header is missing.'));
  }
  if (timestamp === undefined || timestamp === '') {
    return err(signatureProblem('MISSING_TIMESTAMP', 'The X-HubSpot-Request-Timestamp header is missing.'));
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    return err(
      signatureProblem(
        'INVALID_TIMESTAMP',
        'X-HubSpot-Request-Timestamp must be milliseconds since the epoch.',
      ),
    );
  }
  const age = input.now - Number(timestamp);
  if (age > MAX_SIGNATURE_AGE_MS) {
    return err(
      signatureProblem(
        'STALE_TIMESTAMP',
        `The request was signed ${Math.round(age / 1000)} s ago; at most 300 s is accepted.`,
      ),
    );
  }
  if (-age > MAX_SIGNATURE_AGE_MS) {
    return err(
      signatureProblem(
        'FUTURE_TIMESTAMP',
        `The request is dated ${Math.round(-age / 1000)} s ahead of this server's clock.`,
      ),
    );
  }
  const expected = Buffer.from(signRequestV3({ ...input, timestamp }), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch says nothing about the secret, so it may return early.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return err(signatureProblem('BAD_SIGNATURE', 'The request signature does not match.'));
  }
  return ok(undefined);
}

export const CALLER_PARAMS = ['portalId', 'userId', 'userEmail', 'appId'] as const;
export type CallerParam = (typeof CALLER_PARAMS)[number];

export const CALLER_PROBLEM_CODES = [
  'INVALID_URL',
  'MALFORMED_QUERY',
  'DUPLICATE_PARAM',
  'MISSING_PARAM',
  'INVALID_PARAM',
] as const;
export type CallerProblemCode = (typeof CALLER_PROBLEM_CODES)[number];

export interface CallerProblem {
  readonly code: CallerProblemCode;
  readonly message: string;
  readonly param?: CallerParam;
}

const Id = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'a positive integer without leading zeros')
  .transform(Number)
  .pipe(z.number().int().safe());

const CallerQuery = z.strictObject({
  portalId: Id,
  userId: Id,
  appId: Id.optional(),
  // Shown and logged (redacted), never used to decide access: a bounded string, not an address check, so an
  // unusual but real address cannot lock its user out.
  userEmail: z.string().min(1).max(320).optional(),
});

/** Who called, as HubSpot vouched for it in the signed URL. */
export interface SignedCaller {
  readonly portalId: number;
  readonly userId: number;
  readonly appId?: number;
  readonly userEmail?: string;
}

const callerProblem = (code: CallerProblemCode, message: string, param?: CallerParam): CallerProblem =>
  param === undefined ? { code, message } : { code, message, param };

/**
 * Reads the caller from a verified URL's query. The query is split by hand and each part
 * percent-decoded without form decoding, so a `+` in an e-mail address stays a `+`, and an encoded key
 * (`portal%49d`) counts as the key it spells.
 */
export function signedCaller(url: string): Result<SignedCaller, CallerProblem> {
  let query: string;
  try {
    query = new URL(url).search.slice(1);
  } catch {
    // new URL throws only for an unparsable URL: that is the caller's answer, not an exception.
    return err(callerProblem('INVALID_URL', 'The signed URL cannot be parsed.'));
  }
  const found = new Map<CallerParam, string[]>();
  for (const part of query === '' ? [] : query.split('&')) {
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      value = decodeURIComponent(eq < 0 ? '' : part.slice(eq + 1));
    } catch {
      // decodeURIComponent throws on a malformed escape (`%zz`): refuse rather than guess.
      return err(callerProblem('MALFORMED_QUERY', 'The query string has a malformed percent-escape.'));
    }
    const param = CALLER_PARAMS.find((p) => p === key);
    if (param) found.set(param, [...(found.get(param) ?? []), value]);
  }
  const values: Partial<Record<CallerParam, string>> = {};
  for (const param of CALLER_PARAMS) {
    const all = found.get(param) ?? [];
    if (all.length > 1) {
      return err(
        callerProblem(
          'DUPLICATE_PARAM',
          `The query names ${param} ${all.length} times; it must appear once.`,
          param,
        ),
      );
    }
    if (all[0] !== undefined) values[param] = all[0];
  }
  const parsed = CallerQuery.safeParse(values);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const param = CALLER_PARAMS.find((p) => p === issue?.path[0]);
    const missing = param !== undefined && values[param] === undefined;
    return err(
      callerProblem(
        missing ? 'MISSING_PARAM' : 'INVALID_PARAM',
        missing
          ? `The signed URL has no ${param}.`
          : `The signed URL's ${param ?? 'caller parameter'} ${param === 'userEmail' ? 'must be 1 to 320 characters' : 'must be a positive integer without leading zeros'}.`,
        param,
      ),
    );
  }
  const { portalId, userId, appId, userEmail } = parsed.data;
  return ok({
    portalId,
    userId,
    ...(appId === undefined ? {} : { appId }),
    ...(userEmail === undefined ? {} : { userEmail }),
  });
}

/**
 * Appends the caller parameters to a URL the way HubSpot does before signing: for tests and the local
 * preview, which stand in for `hubspot.fetch`.
 */
export function withCallerQuery(url: string, caller: SignedCaller): string {
  const parts = CALLER_PARAMS.flatMap((p) => {
    const v = caller[p];
    return v === undefined ? [] : [`${p}=${encodeURIComponent(String(v))}`];
  });
  if (parts.length === 0) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${parts.join('&')}`;
}
