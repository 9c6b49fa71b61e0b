/**
 * Guards the servers that exist only for a developer's own machine (the sandbox's admin API, the local
 * preview): the caller must be on the loopback interface, the Host header must name the loopback host (a
 * web page that rebinds its own domain to 127.0.0.1 sends its domain here), and a browser request that
 * changes something must come from a page on the loopback host (no cross-site form posts).
 */
import type { NextFunction, Request, Response } from 'express';

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The host name of a Host header or an origin, without port; undefined when it cannot be read. */
function hostName(value: string | undefined, isOrigin: boolean): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return new URL(isOrigin ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    // Not a URL or a host: the caller treats it as not local.
    return undefined;
  }
}

export type LocalOnlyProblem = 'not_loopback' | 'foreign_host' | 'foreign_origin';

/** Why a request is not from this machine's own pages, or undefined when it is. */
export function localOnlyProblem(
  req: Pick<Request, 'method' | 'headers'> & { socket: { remoteAddress?: string | undefined } },
): LocalOnlyProblem | undefined {
  if (!LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '')) return 'not_loopback';
  const host = hostName(req.headers.host, false);
  if (host === undefined || !LOOPBACK_HOSTS.has(host)) return 'foreign_host';
  const origin = req.headers.origin;
  if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined) {
    const from = hostName(origin, true);
    if (from === undefined || !LOOPBACK_HOSTS.has(from)) return 'foreign_origin';
  }
  return undefined;
}

/** Express middleware: answers 403 with `refuse` for any request that is not from this machine's own pages. */
export function localOnly(refuse: (res: Response, problem: LocalOnlyProblem) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const problem = localOnlyProblem(req);
    if (problem) {
      refuse(res, problem);
      return;
    }
    next();
  };
}
