/**
 * HubSpot's side of the v3 request signature: what HubSpot adds to each request `hubspot.fetch` sends from a
 * card (and to the webhooks it sends), done by the stand-ins for HubSpot — the local preview's hubspot.fetch
 * today, the sandbox when it sends webhooks. The app verifies with its own code; the two meet only over HTTP,
 * and test/sandbox/signing.test.ts checks that the app's verifier accepts what this signs.
 *
 *   X-HubSpot-Signature-v3 = base64(HMAC-SHA256(clientSecret, METHOD + uri + rawBody + timestamp))
 *   X-HubSpot-Request-Timestamp = ms since the epoch, as a decimal string
 *
 * where `uri` is the full URL called with these percent-encodings decoded first (and only these):
 * %3A : %2F / %3F ? %40 @ %21 ! %24 $ %27 ' %28 ( %29 ) %2A * %2C , %3B ;
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 *
 * Before signing, HubSpot appends the caller's portalId, userId, userEmail and appId to the query (reported by
 * integrators, not on an official page: confirm on a real portal).
 */
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';

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
// One pass, so a decoded character never takes part in another match (`%253A` stays `%253A`); hex digits in
// either case (RFC 3986 §2.1).
const ENCODED_FOR_SIGNING = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

const uriForSignature = (url: string): string =>
  url.replace(ENCODED_FOR_SIGNING, (_match, hex: string) => DECODED_FOR_SIGNING[hex.toUpperCase()] ?? '');

export interface HubSpotSignInput {
  readonly method: string;
  /** The full URL called, query included: `https://host/path?query`. */
  readonly url: string;
  /** The body exactly as sent. */
  readonly rawBody: Buffer;
  readonly clientSecret: string;
  /** When HubSpot sends it, ms since the epoch: the X-HubSpot-Request-Timestamp. */
  readonly now: number;
}

/** The two headers HubSpot adds to a request it sends at `now`. */
export function hubspotSignatureHeaders(input: HubSpotSignInput): Record<string, string> {
  const timestamp = String(input.now);
  const signature = createHmac('sha256', input.clientSecret)
    .update(`${input.method.toUpperCase()}${uriForSignature(input.url)}`, 'utf8')
    .update(input.rawBody)
    .update(timestamp, 'utf8')
    .digest('base64');
  return { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp };
}

/**
 * Request timestamps as HubSpot gives them, one per request: strictly increasing ms from `now`. The app
 * accepts each signature once, so two identical calls a card makes within one millisecond must not share a
 * timestamp (and so a signature). Stays within a second of the clock however busy the card is.
 */
export function requestStamps(now: () => number): () => number {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const t = now();
    last = t > last || last - t > 1_000 ? t : last + 1;
    return last;
  };
}

/** Who calls, as HubSpot vouches for it in the query of the URL it signs. */
export interface HubSpotCaller {
  readonly portalId: number;
  readonly userId: number;
  readonly appId?: number;
  readonly userEmail?: string;
}

const CALLER_PARAMS = ['portalId', 'userId', 'userEmail', 'appId'] as const;

/** The URL with the caller appended to its query, the way HubSpot does before signing. */
export function withHubSpotCaller(url: string, caller: HubSpotCaller): string {
  const parts = CALLER_PARAMS.flatMap((p) => {
    const v = caller[p];
    return v === undefined ? [] : [`${p}=${encodeURIComponent(String(v))}`];
  });
  if (parts.length === 0) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${parts.join('&')}`;
}
