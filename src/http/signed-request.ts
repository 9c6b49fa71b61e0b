/**
 * The gate in front of every /api request (and /webhooks): the raw body (at most 1 MB, as hubspot.fetch sends
 * at most 1 MB) kept as bytes for the signature, HubSpot's v3 signature checked over method + full URL + raw
 * body + timestamp within 5 minutes (signature.ts), each signature accepted once (recorded in the installation
 * database, shared by every instance, so a request replayed inside its window is refused), and the caller read
 * from the verified URL's query only.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { SeenSignatures } from '../ports/installation-store.js';
import type { Caller, InboundRequest, RequestVerifier } from '../ports/request-verifier.js';
import { sendApiError } from './errors.js';
import { fullRequestUrl } from './full-url.js';
import { bindRequest, context } from './request-context.js';

/** hubspot.fetch sends at most 1 MB; anything larger never came from a card. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface SignatureOptions {
  /** The CRM's check of its own signatures (src/adapters/<crm>). */
  readonly verifier: RequestVerifier;
  readonly trustProxy: boolean;
  readonly clock: { now(): number };
  /** Where accepted signatures are recorded (the installation store): a second use is a replay. */
  readonly seen: Pick<SeenSignatures, 'markSignatureSeen'>;
}

/**
 * Keeps the body as the exact bytes received (req.body: Buffer), whatever its content type. Never inflated:
 * hubspot.fetch and HubSpot's webhooks send plain bodies, and the signature covers the bytes as sent
 * (refuseEncodedBody answers anything else first).
 */
export const rawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES, inflate: false });

const UTF8_CHARSETS = new Set(['utf-8', 'utf8']);

/** The charset parameter of a Content-Type, lower-cased and unquoted; undefined when there is none. */
export function charsetOf(contentType: string | undefined): string | undefined {
  for (const param of (contentType ?? '').split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    return param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
}

/**
 * Refuses, before the body is read, what hubspot.fetch and HubSpot's webhooks never send: a compressed body
 * (any Content-Encoding but identity) and a charset other than UTF-8. 415 in the usual error shape, logged as
 * a client's mistake (warn, no stack): neither is our failure.
 */
export function refuseEncodedBody(req: Request, res: Response, next: NextFunction): void {
  const ctx = context(res);
  const encoding = header(req, 'content-encoding')?.trim().toLowerCase();
  const charset = charsetOf(header(req, 'content-type'));
  let message: string | undefined;
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    message =
      'The request body must not be compressed: send it without a Content-Encoding (or with identity).';
  } else if (charset !== undefined && !UTF8_CHARSETS.has(charset)) {
    message =
      'The request body must be UTF-8 JSON: send Content-Type: application/json without a charset, or with charset=utf-8.';
  }
  if (message === undefined) {
    next();
    return;
  }
  ctx.log.warn(
    {
      reason:
        encoding !== undefined && encoding !== '' && encoding !== 'identity' ? 'CONTENT_ENCODING' : 'CHARSET',
    },
    'request refused: media type',
  );
  sendApiError(res, { code: 'UNSUPPORTED_MEDIA_TYPE', message }, ctx.requestId);
}

export const bodyBytes = (req: Request): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));

const header = (req: Request, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Verifies the request's v3 signature and that it was not accepted before; on success `res.locals.signedUrl`
 * holds the URL that was signed. Only a verified signature is recorded, so unsigned traffic writes nothing.
 */
export function verifySignature(options: SignatureOptions) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const ctx = context(res);
    const refuse = (reason: string, detail: string): void => {
      ctx.log.warn({ reason }, 'request refused: signature');
      sendApiError(
        res,
        {
          code: 'UNAUTHORIZED',
          message: `This request is not signed by ${options.verifier.crmName}: ${detail}`,
        },
        ctx.requestId,
      );
    };
    const url = fullRequestUrl(req, { trustProxy: options.trustProxy });
    if (!url.ok) {
      refuse(url.error.code, url.error.message);
      return;
    }
    const inbound = inboundRequest(req, url.value);
    const verified = options.verifier.verify(inbound, options.clock.now());
    if (!verified.ok) {
      refuse(verified.error.code, verified.error.message);
      return;
    }
    const { signature, timestamp, expiresAt } = verified.value;
    const fresh = await options.seen.markSignatureSeen(signature, timestamp, expiresAt);
    if (!fresh) {
      refuse(
        'REPLAYED',
        `this signed request was already received. ${options.verifier.crmName} signs every request afresh, so a repeated one is refused.`,
      );
      return;
    }
    res.locals.inbound = inbound;
    next();
  };
}

/** The request as the CRM's verifier sees it: the full URL it was sent to, its headers and raw body. */
function inboundRequest(req: Request, url: string): InboundRequest {
  return { method: req.method, url, header: (name) => header(req, name), body: bodyBytes(req) };
}

/** The verified request (verifySignature has run). */
export const verifiedRequest = (res: Response): InboundRequest => {
  const inbound = res.locals.inbound as InboundRequest | undefined;
  if (!inbound) throw new Error('verifySignature has not run');
  return inbound;
};

/** Reads the caller (tenant, user) the verified request names into `res.locals.caller`. */
export function requireSignedCaller(verifier: RequestVerifier) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const ctx = context(res);
    const caller = verifier.callerOf(verifiedRequest(res));
    if (!caller.ok) {
      ctx.log.warn({ reason: caller.error.code }, 'request refused: caller');
      sendApiError(
        res,
        {
          code: 'UNAUTHORIZED',
          message: `The signed request does not identify its caller: ${caller.error.message}`,
        },
        ctx.requestId,
      );
      return;
    }
    res.locals.caller = caller.value;
    bindRequest(res, { tenant: caller.value.tenant });
    next();
  };
}

export const callerOf = (res: Response): Caller => {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error('requireSignedCaller has not run');
  return caller;
};
