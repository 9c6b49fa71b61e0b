/**
 * The full URL a request was sent to, as its sender signed it: CRMs sign the URL they called, and behind a
 * TLS-terminating proxy this process sees another one.
 */
import { err, ok, type Result } from '../domain/result.js';

export interface UrlProblem {
  readonly code: 'INVALID_REQUEST_URL';
  readonly message: string;
}

const urlProblem = (message: string): UrlProblem => ({ code: 'INVALID_REQUEST_URL', message });

/** What `fullRequestUrl` needs of a request: express's `Request` fits. */
export interface RequestLike {
  /** Path and query exactly as received (express: `req.originalUrl`). */
  readonly originalUrl: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** A TLS socket has `encrypted: true`. */
  readonly socket?: object;
}

const firstHeader = (value: string | readonly string[] | undefined): string | undefined => {
  const text = typeof value === 'string' ? value : value?.[0];
  // Each proxy appends its own value: the first is what the client (the CRM) used.
  const first = text?.split(',')[0]?.trim();
  return first === '' ? undefined : first;
};

const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The URL the client (the CRM) called, rebuilt from the request: scheme and host from X-Forwarded-Proto and
 * X-Forwarded-Host when `trustProxy` (a TLS-terminating proxy in front), else from the socket and Host.
 */
export function fullRequestUrl(
  req: RequestLike,
  options: { readonly trustProxy: boolean },
): Result<string, UrlProblem> {
  const encrypted = req.socket !== undefined && 'encrypted' in req.socket && req.socket.encrypted === true;
  const direct = encrypted ? 'https' : 'http';
  const proto = (
    options.trustProxy ? (firstHeader(req.headers['x-forwarded-proto']) ?? direct) : direct
  ).toLowerCase();
  const host = options.trustProxy
    ? (firstHeader(req.headers['x-forwarded-host']) ?? firstHeader(req.headers.host))
    : firstHeader(req.headers.host);
  if (proto !== 'https' && proto !== 'http') {
    return err(urlProblem('The forwarded protocol is neither http nor https.'));
  }
  if (host === undefined || !HOST.test(host)) {
    return err(urlProblem('The request has no usable Host.'));
  }
  if (!req.originalUrl.startsWith('/')) {
    return err(urlProblem('The request target is not a path.'));
  }
  return ok(`${proto}://${host}${req.originalUrl}`);
}
