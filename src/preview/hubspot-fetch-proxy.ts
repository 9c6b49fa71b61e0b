/**
 * What HubSpot does for `hubspot.fetch` from a card, done by the preview server: the page asks
 * POST /preview-api/fetch with the card's URL, method and body; the server checks the URL against the app's
 * permittedUrls.fetch, sends it to the local backend with the caller appended to the query and a real
 * X-HubSpot-Signature-v3 computed with the client secret (which never reaches the browser), and returns the
 * answer as it came. So the backend's production verification path runs on every preview call.
 *
 * hubspot.fetch rules kept here: only origins listed in permittedUrls.fetch, JSON bodies, at most 1 MB each way,
 * only an Authorization header may be added, about 15 s default timeout. Redirects are never followed (a signed
 * request must not be carried to another URL, perhaps another host, with its Authorization header): a 3xx
 * answer reaches the card as an error saying so.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../domain/result.js';
import {
  hubspotSignatureHeaders,
  withHubSpotCaller,
  type HubSpotCaller,
} from '../sandbox/platform/signing.js';

export const MAX_FETCH_BYTES = 1024 * 1024;
export const DEFAULT_FETCH_TIMEOUT_MS = 15_000;

export const CardFetchRequestSchema = z.strictObject({
  url: z.string().min(1).max(4_096),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  /** The body exactly as the card serialised it (these bytes are signed and sent). */
  body: z.string().max(MAX_FETCH_BYTES).optional(),
  authorization: z.string().max(8_192).optional(),
  timeoutMs: z.number().int().min(1).max(60_000).optional(),
});
export type CardFetchRequest = z.input<typeof CardFetchRequestSchema>;

export interface CardFetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const CARD_FETCH_ERROR_CODES = [
  'INVALID_REQUEST',
  'NOT_PERMITTED',
  'TIMEOUT',
  'UNREACHABLE',
  'RESPONSE_TOO_LARGE',
  'REDIRECTED',
] as const;
export type CardFetchErrorCode = (typeof CARD_FETCH_ERROR_CODES)[number];
export interface CardFetchError {
  readonly code: CardFetchErrorCode;
  readonly message: string;
}

export interface FetchProxyOptions {
  /** Origins the card may call (permittedUrls.fetch of app-hsmeta.json), e.g. https://map.example.com. */
  readonly permittedOrigins: readonly string[];
  /** Where the backend really listens: a permitted origin is replaced by this one. */
  readonly backendUrl: string;
  readonly clientSecret: string;
  readonly caller: HubSpotCaller;
  readonly now: () => number;
  readonly fetch?: typeof fetch;
}

const fail = (code: CardFetchErrorCode, message: string): { ok: false; error: CardFetchError } =>
  err({ code, message });

/** The backend URL HubSpot would call and sign for a card's URL, or why HubSpot would refuse it. */
export function targetUrl(
  cardUrl: string,
  options: Pick<FetchProxyOptions, 'permittedOrigins' | 'backendUrl' | 'caller'>,
): Result<string, CardFetchError> {
  let url: URL;
  try {
    url = new URL(cardUrl);
  } catch {
    // An unparsable URL is the card's mistake, answered as hubspot.fetch would: a refused request.
    return fail(
      'INVALID_REQUEST',
      `hubspot.fetch needs an absolute URL; the card asked for "${cardUrl.slice(0, 200)}".`,
    );
  }
  const permitted = options.permittedOrigins.some((o) => new URL(o).origin === url.origin);
  if (!permitted) {
    return fail(
      'NOT_PERMITTED',
      `${url.origin} is not listed in permittedUrls.fetch of app-hsmeta.json (listed: ${options.permittedOrigins.join(', ') || 'none'}).`,
    );
  }
  const base = options.backendUrl.replace(/\/+$/, '');
  return ok(withHubSpotCaller(`${base}${url.pathname}${url.search}`, options.caller));
}

/** Sends one card request to the backend, signed as HubSpot signs it. */
export async function proxyCardFetch(
  input: unknown,
  options: FetchProxyOptions,
): Promise<Result<CardFetchResponse, CardFetchError>> {
  const parsed = CardFetchRequestSchema.safeParse(input);
  if (!parsed.success) {
    return fail(
      'INVALID_REQUEST',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
    );
  }
  const request = parsed.data;
  const target = targetUrl(request.url, options);
  if (!target.ok) return target;
  const rawBody = Buffer.from(request.body ?? '', 'utf8');
  const headers: Record<string, string> = {
    ...hubspotSignatureHeaders({
      method: request.method,
      url: target.value,
      rawBody,
      clientSecret: options.clientSecret,
      now: options.now(),
    }),
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(request.authorization === undefined ? {} : { authorization: request.authorization }),
  };
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(target.value, {
      method: request.method,
      headers,
      ...(request.body === undefined ? {} : { body: rawBody }),
      signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS),
      redirect: 'manual',
    });
  } catch (error) {
    // fetch rejects only when there is no answer: the card's hubspot.fetch rejects the same way.
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return timedOut
      ? fail(
          'TIMEOUT',
          `The backend did not answer within ${request.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS} ms.`,
        )
      : fail('UNREACHABLE', 'The backend could not be reached.');
  }
  if (response.status >= 300 && response.status < 400) {
    // Not followed, and its body (if any) not passed on: the card sees why its call went nowhere.
    await response.body?.cancel();
    return fail(
      'REDIRECTED',
      `The backend answered ${response.status} (a redirect); hubspot.fetch requests are not redirected here, so call the final URL directly.`,
    );
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > MAX_FETCH_BYTES) {
    return fail(
      'RESPONSE_TOO_LARGE',
      `The backend answered ${bytes.length} bytes; hubspot.fetch passes at most 1 MB.`,
    );
  }
  const contentType = response.headers.get('content-type');
  return ok({
    status: response.status,
    statusText: response.statusText,
    headers: contentType === null ? {} : { 'content-type': contentType },
    body: bytes.toString('utf8'),
  });
}
