import { createHmac } from 'node:crypto';
import {
  signedCaller,
  signedRequestHeaders,
  signRequestV3,
  uriForSignature,
  verifySignatureV3,
  withCallerQuery,
  type VerifyInput,
} from './signature.js';

const SECRET = 'b1d6e3a4-5c2f-4e8b-9a7d-0f1e2d3c4b5a';
const NOW = Date.UTC(2026, 10, 2, 9, 0, 0);
const URL_CALLED =
  'https://map.example.com/api/functions/save-plan?dealId=123&portalId=62515&userId=9001&userEmail=rep%40example.com&appId=4242';
const BODY = Buffer.from('{"dealId":"123","edit":{"kind":"complete_milestone","milestoneId":"m1"}}', 'utf8');

/** A request exactly as HubSpot would send it at `signedAt`, checked at `now`. */
function request(overrides: Partial<VerifyInput> = {}, signedAt = NOW): VerifyInput {
  const timestamp = String(signedAt);
  const signature = signRequestV3({
    method: 'POST',
    url: URL_CALLED,
    rawBody: BODY,
    timestamp,
    clientSecret: SECRET,
  });
  return {
    method: 'POST',
    url: URL_CALLED,
    rawBody: BODY,
    signature,
    timestamp,
    clientSecret: SECRET,
    now: NOW,
    ...overrides,
  };
}

describe('signRequestV3', () => {
  it('is base64(HMAC-SHA256(secret, METHOD + uri + body + timestamp)), computed independently here', () => {
    const expected = createHmac('sha256', SECRET)
      .update(`POST${URL_CALLED.replace('%40', '@')}${BODY.toString('utf8')}${NOW}`, 'utf8')
      .digest('base64');
    expect(
      signRequestV3({
        method: 'POST',
        url: URL_CALLED,
        rawBody: BODY,
        timestamp: String(NOW),
        clientSecret: SECRET,
      }),
    ).toBe(expected);
  });

  it('hashes the URI with HubSpot’s listed percent-encodings decoded, and nothing else', () => {
    const raw = 'https://h.example.com/a%2Fb?x=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B&y=%20%26%3D%2B%25%23';
    const decoded = "https://h.example.com/a/b?x=:/?@!$'()*,;&y=%20%26%3D%2B%25%23";
    const expected = createHmac('sha256', SECRET).update(`GET${decoded}${NOW}`).digest('base64');
    expect(
      signRequestV3({
        method: 'GET',
        url: raw,
        rawBody: Buffer.alloc(0),
        timestamp: String(NOW),
        clientSecret: SECRET,
      }),
    ).toBe(expected);
    const undecoded = createHmac('sha256', SECRET).update(`GET${raw}${NOW}`).digest('base64');
    expect(undecoded).not.toBe(expected);
  });
});

describe('uriForSignature', () => {
  it('decodes each of the twelve listed encodings, in either hex case', () => {
    expect(uriForSignature('%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe(":/?@!$'()*,;");
    expect(uriForSignature('%3a%2f%3f%2a%2c%3b')).toBe(':/?*,;');
  });

  it('decodes once: an encoded percent sign followed by a listed code stays encoded', () => {
    expect(uriForSignature('a%253Ab')).toBe('a%253Ab');
  });

  it('leaves other encodings (space, &, =, +, %, #, non-ASCII) as they are', () => {
    expect(uriForSignature('%20%26%3D%2B%25%23%C3%A9')).toBe('%20%26%3D%2B%25%23%C3%A9');
  });
});

describe('verifySignatureV3', () => {
  it('accepts a request signed with the client secret', () => {
    expect(verifySignatureV3(request())).toEqual({ ok: true, value: undefined });
  });

  it('accepts the signing helper’s headers for a URL with encoded characters', () => {
    const url = 'https://map.example.com/api/x?note=a%3Ab%2Cc&portalId=1&userId=2';
    const headers = signedRequestHeaders({
      method: 'POST',
      url,
      rawBody: BODY,
      clientSecret: SECRET,
      now: NOW,
    });
    const result = verifySignatureV3({
      method: 'POST',
      url,
      rawBody: BODY,
      signature: headers['x-hubspot-signature-v3'],
      timestamp: headers['x-hubspot-request-timestamp'],
      clientSecret: SECRET,
      now: NOW,
    });
    expect(result.ok).toBe(true);
  });

  it('refuses a tampered body (one byte changed)', () => {
    const body = Buffer.from(BODY);
    body[body.length - 3] = 'x'.charCodeAt(0);
    expect(verifySignatureV3(request({ rawBody: body }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_SIGNATURE' },
    });
  });

  it('hashes the raw body bytes: the same JSON re-serialised is refused', () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(BODY.toString('utf8')), null, 1));
    expect(verifySignatureV3(request({ rawBody: pretty }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_SIGNATURE' },
    });
  });

  it('refuses a tampered query (another portal id)', () => {
    const url = URL_CALLED.replace('portalId=62515', 'portalId=62516');
    expect(verifySignatureV3(request({ url }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_SIGNATURE' },
    });
  });

  it('refuses a request whose method was changed', () => {
    expect(verifySignatureV3(request({ method: 'PUT' }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_SIGNATURE' },
    });
  });

  it('refuses a signature made with another secret', () => {
    expect(verifySignatureV3(request({ clientSecret: 'another-apps-secret' }))).toMatchObject({
      ok: false,
      error: { code: 'BAD_SIGNATURE' },
    });
  });

  it('refuses a request whose timestamp header was replaced by a fresher one', () => {
    const signedEarlier = request({}, NOW - 60_000);
    expect(verifySignatureV3({ ...signedEarlier, timestamp: String(NOW) })).toMatchObject({
      ok: false,
      error: { code: 'BAD_SIGNATURE' },
    });
  });

  it('refuses a signature of another length or with junk, without throwing', () => {
    for (const signature of ['abc', `${request().signature}=`, 'é'.repeat(44)]) {
      expect(verifySignatureV3(request({ signature }))).toMatchObject({
        ok: false,
        error: { code: 'BAD_SIGNATURE' },
      });
    }
  });

  it('accepts a request signed 4:59 ago and exactly 5:00 ago, refuses one signed 5:01 ago', () => {
    expect(verifySignatureV3(request({}, NOW - 299_000)).ok).toBe(true);
    expect(verifySignatureV3(request({}, NOW - 300_000)).ok).toBe(true);
    expect(verifySignatureV3(request({}, NOW - 301_000))).toMatchObject({
      ok: false,
      error: { code: 'STALE_TIMESTAMP' },
    });
  });

  it('accepts a timestamp 4:59 ahead of our clock, refuses one 5:01 ahead', () => {
    expect(verifySignatureV3(request({}, NOW + 299_000)).ok).toBe(true);
    expect(verifySignatureV3(request({}, NOW + 301_000))).toMatchObject({
      ok: false,
      error: { code: 'FUTURE_TIMESTAMP' },
    });
  });

  it('reports a missing signature header and a missing timestamp header', () => {
    expect(verifySignatureV3(request({ signature: undefined }))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SIGNATURE' },
    });
    expect(verifySignatureV3(request({ signature: '' }))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_SIGNATURE' },
    });
    expect(verifySignatureV3(request({ timestamp: undefined }))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_TIMESTAMP' },
    });
    expect(verifySignatureV3(request({ timestamp: '' }))).toMatchObject({
      ok: false,
      error: { code: 'MISSING_TIMESTAMP' },
    });
  });

  it.each(['1.7e12', '-1', ' 1762074000000', '1762074000000.0', 'now'])(
    'refuses timestamp %j as INVALID_TIMESTAMP',
    (timestamp) => {
      expect(verifySignatureV3(request({ timestamp }))).toMatchObject({
        ok: false,
        error: { code: 'INVALID_TIMESTAMP' },
      });
    },
  );

  it('never puts the expected signature in the problem message', () => {
    const good = request();
    const result = verifySignatureV3({ ...good, signature: 'x'.repeat(good.signature!.length) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).not.toContain(good.signature);
  });
});

describe('signedCaller', () => {
  it('reads portalId, userId, userEmail and appId from the signed URL', () => {
    expect(signedCaller(URL_CALLED)).toEqual({
      ok: true,
      value: { portalId: 62515, userId: 9001, userEmail: 'rep@example.com', appId: 4242 },
    });
  });

  it('keeps a + in an e-mail address, encoded or not', () => {
    expect(signedCaller('https://h/x?portalId=1&userId=2&userEmail=a+b@example.com')).toMatchObject({
      value: { userEmail: 'a+b@example.com' },
    });
    expect(signedCaller('https://h/x?portalId=1&userId=2&userEmail=a%2Bb%40example.com')).toMatchObject({
      value: { userEmail: 'a+b@example.com' },
    });
  });

  it('treats userEmail and appId as optional', () => {
    expect(signedCaller('https://h/x?portalId=1&userId=2')).toEqual({
      ok: true,
      value: { portalId: 1, userId: 2 },
    });
  });

  it('refuses a query that carries portalId twice (card code adding its own before HubSpot appends the real one)', () => {
    const result = signedCaller('https://h/x?portalId=666&dealId=1&portalId=62515&userId=9');
    expect(result).toMatchObject({ ok: false, error: { code: 'DUPLICATE_PARAM', param: 'portalId' } });
  });

  it('refuses a duplicate userId, and a duplicate spelled with a percent-encoded key', () => {
    expect(signedCaller('https://h/x?portalId=1&userId=2&userId=3')).toMatchObject({
      ok: false,
      error: { code: 'DUPLICATE_PARAM', param: 'userId' },
    });
    expect(signedCaller('https://h/x?portal%49d=666&portalId=1&userId=2')).toMatchObject({
      ok: false,
      error: { code: 'DUPLICATE_PARAM', param: 'portalId' },
    });
  });

  it('refuses a duplicate even when both values are the same', () => {
    expect(signedCaller('https://h/x?portalId=1&portalId=1&userId=2')).toMatchObject({
      ok: false,
      error: { code: 'DUPLICATE_PARAM' },
    });
  });

  it('reports a missing portalId or userId', () => {
    expect(signedCaller('https://h/x?userId=2')).toMatchObject({
      ok: false,
      error: { code: 'MISSING_PARAM', param: 'portalId' },
    });
    expect(signedCaller('https://h/x?portalId=1')).toMatchObject({
      ok: false,
      error: { code: 'MISSING_PARAM', param: 'userId' },
    });
  });

  it('says what is wrong with a caller parameter in a sentence, never zod’s default text', () => {
    expect(signedCaller('https://h/x?portalId=007&userId=2')).toMatchObject({
      ok: false,
      error: { message: "The signed URL's portalId must be a positive integer without leading zeros." },
    });
    expect(signedCaller(`https://h/x?portalId=1&userId=2&userEmail=${'a'.repeat(400)}`)).toMatchObject({
      ok: false,
      error: { message: "The signed URL's userEmail must be 1 to 320 characters." },
    });
  });

  it.each(['abc', '0', '007', '-5', '1.5', '99999999999999999', ''])(
    'refuses portalId %j as INVALID_PARAM',
    (value) => {
      expect(signedCaller(`https://h/x?portalId=${value}&userId=2`)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_PARAM', param: 'portalId' },
      });
    },
  );

  it('refuses a malformed percent-escape and an unparsable URL', () => {
    expect(signedCaller('https://h/x?portalId=1&userId=2&note=%zz')).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_QUERY' },
    });
    expect(signedCaller('not a url')).toMatchObject({ ok: false, error: { code: 'INVALID_URL' } });
  });
});

describe('withCallerQuery', () => {
  it('appends the caller as HubSpot does, and signedCaller reads it back', () => {
    const caller = { portalId: 62515, userId: 9001, userEmail: 'a+b@example.com', appId: 4242 };
    const url = withCallerQuery('https://map.example.com/api/x?dealId=1', caller);
    expect(url).toBe(
      'https://map.example.com/api/x?dealId=1&portalId=62515&userId=9001&userEmail=a%2Bb%40example.com&appId=4242',
    );
    expect(signedCaller(url)).toEqual({ ok: true, value: caller });
    expect(withCallerQuery('https://h/x', { portalId: 1, userId: 2 })).toBe(
      'https://h/x?portalId=1&userId=2',
    );
  });
});
