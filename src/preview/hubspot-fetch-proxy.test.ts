import { signedCaller, verifySignatureV3 } from '../server/signature.js';
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
      return Promise.resolve(new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } }));
    };
    const body = '{"dealId":"10000013"}';
    const result = await proxyCardFetch({ url: 'https://map.example.com/api/get-plan', method: 'POST', body }, { ...options, fetch });
    expect(result).toEqual({ ok: true, value: { status: 200, statusText: '', headers: { 'content-type': 'application/json' }, body: '{"ok":true}' } });
    const [call] = seen;
    expect(call?.url).toBe('http://127.0.0.1:4567/api/get-plan?portalId=1000001&userId=9100101&userEmail=a%2Bb%40example.com&appId=1');
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
    expect(targetUrl('https://evil.example/api/get-plan', options)).toMatchObject({ ok: false, error: { code: 'NOT_PERMITTED' } });
    expect(targetUrl('/api/get-plan', options)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('says the backend was unreachable when no answer comes', async () => {
    const fetch = () => Promise.reject(new TypeError('connect ECONNREFUSED'));
    const result = await proxyCardFetch({ url: 'https://map.example.com/api/x', method: 'POST', body: '{}' }, { ...options, fetch });
    expect(result).toMatchObject({ ok: false, error: { code: 'UNREACHABLE' } });
  });
});
