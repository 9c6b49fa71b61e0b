import { requestStamps } from '../sandbox/platform/signing.js';
// The app's verifier: what the preview signs must pass the backend's own check.
import { signedCaller, verifySignatureV3 } from '../adapters/hubspot/signature.js';
import { proxyCardFetch, targetUrl } from './hubspot-fetch-proxy.js';

const caller = { portalId: 1000001, userId: 9100101, userEmail: 'a+b@example.com', appId: 1 };
const options = {
  permittedOrigins: ['https://map.example.com'],
  backendUrl: 'http://127.0.0.1:4567',
  clientSecret: 'preview-test-secret',
  caller,
  now: () => 1_800_000_000_000,
};

describe('the preview’s hubspot.fetch proxy', () => {
  it('sends a permitted URL to the local backend with the caller appended and a v3 signature the backend accepts', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetch = (url: string | URL | Request, init?: RequestInit) => {
      seen.push({ url: url instanceof Request ? url.url : url.toString(), init: init ?? {} });
      return Promise.resolve(
        new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } }),
      );
    };
    const body = '{"dealId":"10000013"}';
    const result = await proxyCardFetch(
      { url: 'https://map.example.com/api/get-plan', method: 'POST', body },
      { ...options, fetch },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        status: 200,
        statusText: '',
        headers: { 'content-type': 'application/json' },
        body: '{"ok":true}',
      },
    });
    const [call] = seen;
    expect(call?.url).toBe(
      'http://127.0.0.1:4567/api/get-plan?portalId=1000001&userId=9100101&userEmail=a%2Bb%40example.com&appId=1',
    );
    const headers = call?.init.headers as Record<string, string>;
    const verified = verifySignatureV3({
      method: 'POST',
      url: call?.url ?? '',
      rawBody: Buffer.from(body),
      signature: headers['x-hubspot-signature-v3'],
      timestamp: headers['x-hubspot-request-timestamp'],
      clientSecret: options.clientSecret,
      now: options.now(),
    });
    expect(verified.ok).toBe(true);
    expect(signedCaller(call?.url ?? '')).toEqual({ ok: true, value: caller });
  });

  it('refuses an origin that permittedUrls.fetch does not list, as HubSpot does', () => {
    expect(targetUrl('https://evil.example/api/get-plan', options)).toMatchObject({
      ok: false,
      error: { code: 'NOT_PERMITTED' },
    });
    expect(targetUrl('/api/get-plan', options)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
  });

  it('says the backend was unreachable when no answer comes', async () => {
    const fetch = () => Promise.reject(new TypeError('connect ECONNREFUSED'));
    const result = await proxyCardFetch(
      { url: 'https://map.example.com/api/x', method: 'POST', body: '{}' },
      { ...options, fetch },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'UNREACHABLE' } });
  });

  it('stamps every request with its own timestamp, so two identical card calls in one millisecond get different signatures', async () => {
    const seen: Record<string, string>[] = [];
    const fetch = (_url: string | URL | Request, init?: RequestInit) => {
      seen.push(init?.headers as Record<string, string>);
      return Promise.resolve(new Response('{}', { status: 200 }));
    };
    const stamp = requestStamps(options.now);
    const request = { url: 'https://map.example.com/api/get-plan', method: 'POST', body: '{"dealId":"1"}' };
    await Promise.all([1, 2, 3].map(() => proxyCardFetch(request, { ...options, now: stamp, fetch })));
    expect(new Set(seen.map((h) => h['x-hubspot-signature-v3'])).size).toBe(3);
    expect(seen.map((h) => Number(h['x-hubspot-request-timestamp'])).sort()).toEqual(
      [0, 1, 2].map((i) => options.now() + i),
    );
  });

  it('keeps the stamps on the clock: a clock that moves on is followed at once', () => {
    let t = 1_000;
    const stamp = requestStamps(() => t);
    expect([stamp(), stamp(), stamp()]).toEqual([1_000, 1_001, 1_002]);
    t = 5_000;
    expect(stamp()).toBe(5_000);
  });

  it('never follows a redirect: the request goes out with redirect "manual", and a 3xx reaches the card as a clear error', async () => {
    const inits: RequestInit[] = [];
    const fetch = (_url: string | URL | Request, init?: RequestInit) => {
      inits.push(init ?? {});
      return Promise.resolve(
        new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/steal' } }),
      );
    };
    const result = await proxyCardFetch(
      { url: 'https://map.example.com/api/get-plan', method: 'POST', body: '{}' },
      { ...options, fetch },
    );
    expect(inits[0]?.redirect).toBe('manual');
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'REDIRECTED', message: expect.stringMatching(/302.*not redirected/) },
    });
  });

  it('does not follow a real backend’s redirect to another server', async () => {
    const { createServer } = await import('node:http');
    let followed = false;
    const elsewhere = createServer((_req, res) => {
      followed = true;
      res.end('{}');
    });
    const backend = createServer((_req, res) => {
      const address = elsewhere.address();
      res
        .writeHead(307, {
          location: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/get-plan`,
        })
        .end();
    });
    await Promise.all(
      [elsewhere, backend].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))),
    );
    try {
      const address = backend.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const result = await proxyCardFetch(
        {
          url: 'https://map.example.com/api/get-plan',
          method: 'POST',
          body: '{}',
          authorization: 'Bearer secret',
        },
        { ...options, backendUrl: `http://127.0.0.1:${port}` },
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'REDIRECTED' } });
      expect(followed).toBe(false);
    } finally {
      await Promise.all([elsewhere, backend].map((s) => new Promise((r) => s.close(r))));
    }
  });
});
