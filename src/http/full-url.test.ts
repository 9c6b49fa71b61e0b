import type { Request } from 'express';
import { fullRequestUrl, type RequestLike } from './full-url.js';

describe('fullRequestUrl', () => {
  const path = '/api/functions/get-plan?dealId=1&portalId=2';

  it('without a trusted proxy, uses the Host header and the socket (plain http here) and ignores X-Forwarded-*', () => {
    const req = {
      originalUrl: path,
      headers: {
        host: 'internal:3000',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.example.com',
      },
      socket: {},
    };
    expect(fullRequestUrl(req, { trustProxy: false })).toEqual({
      ok: true,
      value: `http://internal:3000${path}`,
    });
  });

  it('without a proxy, a TLS socket gives https', () => {
    const req = { originalUrl: path, headers: { host: 'map.example.com' }, socket: { encrypted: true } };
    expect(fullRequestUrl(req, { trustProxy: false })).toEqual({
      ok: true,
      value: `https://map.example.com${path}`,
    });
  });

  it('behind a trusted proxy, rebuilds the public URL from the first X-Forwarded-Proto and X-Forwarded-Host', () => {
    const req = {
      originalUrl: path,
      headers: {
        host: 'internal:3000',
        'x-forwarded-proto': 'https, http',
        'x-forwarded-host': 'map.example.com, lb.internal',
      },
    };
    expect(fullRequestUrl(req, { trustProxy: true })).toEqual({
      ok: true,
      value: `https://map.example.com${path}`,
    });
  });

  it('behind a trusted proxy that sends no X-Forwarded-Host, falls back to Host', () => {
    const req = { originalUrl: path, headers: { host: 'map.example.com', 'x-forwarded-proto': 'https' } };
    expect(fullRequestUrl(req, { trustProxy: true })).toEqual({
      ok: true,
      value: `https://map.example.com${path}`,
    });
  });

  it('refuses a host or protocol that could not have been called', () => {
    for (const headers of [
      { host: 'evil.example.com/path?portalId=1#' },
      { host: '' },
      {},
      { host: 'ok.example.com', 'x-forwarded-proto': 'javascript' },
    ]) {
      expect(fullRequestUrl({ originalUrl: path, headers }, { trustProxy: true })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST_URL' },
      });
    }
    expect(
      fullRequestUrl({ originalUrl: 'http://x/', headers: { host: 'a.b' } }, { trustProxy: false }),
    ).toMatchObject({ ok: false });
  });
});

// Compile-time check: express's Request is a RequestLike, so routes pass `req` as it is.
export const acceptsExpressRequest = (req: Request): RequestLike => req;
