/**
 * The stand-ins' signer (src/sandbox/platform/signing.ts, HubSpot's side) and the app's verifier
 * (src/adapters/hubspot/signature.ts) are separate code on either side of HTTP, as in production. This suite holds
 * them together: whatever the stand-in signs, the app accepts, and reads the caller it appended; a request
 * changed after signing is refused.
 */
import fc from 'fast-check';
import {
  hubspotSignatureHeaders,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  withHubSpotCaller,
  type HubSpotCaller,
} from '../../src/sandbox/platform/signing.js';
import { signedCaller, verifySignatureV3 } from '../../src/adapters/hubspot/signature.js';

const NOW = 1_800_000_000_000;

/** What the app's verifier says of a request the stand-in signed (`change` alters it on the way). */
function verify(
  request: { method: string; url: string; body: string; secret: string },
  change: { url?: string; body?: string; secret?: string; now?: number } = {},
) {
  const headers = hubspotSignatureHeaders({
    method: request.method,
    url: request.url,
    rawBody: Buffer.from(request.body, 'utf8'),
    clientSecret: request.secret,
    now: NOW,
  });
  return verifySignatureV3({
    method: request.method,
    url: change.url ?? request.url,
    rawBody: Buffer.from(change.body ?? request.body, 'utf8'),
    signature: headers[SIGNATURE_HEADER],
    timestamp: headers[TIMESTAMP_HEADER],
    clientSecret: change.secret ?? request.secret,
    now: change.now ?? NOW,
  });
}

const callerArb: fc.Arbitrary<HubSpotCaller> = fc.record(
  {
    portalId: fc.integer({ min: 1, max: 2 ** 40 }),
    userId: fc.integer({ min: 1, max: 2 ** 40 }),
    appId: fc.integer({ min: 1, max: 2 ** 31 }),
    userEmail: fc.oneof(fc.emailAddress(), fc.constant('a+b@example.com')),
  },
  { requiredKeys: ['portalId', 'userId'] },
);

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'post'),
  // Path and query text with the characters HubSpot decodes before signing (: / ? @ ! $ ' ( ) * , ;) and others.
  path: fc.string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '0',
      ':',
      '/',
      '?',
      '@',
      '!',
      '$',
      "'",
      '(',
      ')',
      '*',
      ',',
      ';',
      ' ',
      '%',
      '+',
      'é',
    ),
  }),
  query: fc.string({ maxLength: 40 }),
  body: fc.string({ unit: 'grapheme', maxLength: 200 }),
  secret: fc.string({ minLength: 1, maxLength: 64 }),
  caller: callerArb,
});

describe('the stand-in signer and the app’s verifier', () => {
  it('the app accepts every request the stand-in signs and reads the caller it appended', () => {
    fc.assert(
      fc.property(requestArb, ({ method, path, query, body, secret, caller }) => {
        const url = withHubSpotCaller(
          `https://map.example.com/api/${encodeURIComponent(path)}?q=${encodeURIComponent(query)}`,
          caller,
        );
        expect(verify({ method, url, body, secret })).toEqual({ ok: true, value: undefined });
        expect(signedCaller(url)).toEqual({ ok: true, value: caller });
      }),
      { numRuns: 300 },
    );
  });

  it('the app refuses a request changed after signing: URL, body, secret or an old timestamp', () => {
    const request = {
      method: 'POST',
      url: withHubSpotCaller('https://map.example.com/api/get-plan', { portalId: 1000001, userId: 7 }),
      body: '{"dealId":"10000013"}',
      secret: 'preview-secret',
    };
    expect(verify(request).ok).toBe(true);
    const refused = (change: Parameters<typeof verify>[1]) => {
      const result = verify(request, change);
      return result.ok ? 'accepted' : result.error.code;
    };
    expect(refused({ url: request.url.replace('1000001', '1000002') })).toBe('BAD_SIGNATURE');
    expect(refused({ body: '{"dealId":"10000014"}' })).toBe('BAD_SIGNATURE');
    expect(refused({ secret: 'another-secret' })).toBe('BAD_SIGNATURE');
    expect(refused({ now: NOW + 6 * 60 * 1000 })).toBe('STALE_TIMESTAMP');
  });
});
