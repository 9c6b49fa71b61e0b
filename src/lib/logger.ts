/**
 * pino, used directly: JSON lines, the object first (`log.info({dealId}, 'plan saved')`), one child logger
 * per request carrying trusted bindings only (request id, and the tenant and deal once verified).
 *
 * Redaction replaces tokens, secrets, authorization headers and e-mail addresses with "[Redacted]" at the
 * top level of a log object and up to two levels down (pino's paths have no recursive wildcard). Deeper
 * objects are not covered: log ids and counts, never whole bodies or SDK errors.
 */
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Field names whose value is never logged, wherever they appear (up to two levels deep). */
export const SENSITIVE_KEYS = [
  'authorization',
  'cookie',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'token',
  'clientSecret',
  'client_secret',
  'secret',
  'password',
  'email',
  'userEmail',
  'user_email',
] as const;

const HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'req.headers["x-hubspot-signature-v3"]',
  'req.headers["x-hubspot-signature"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

export const REDACT_PATHS: readonly string[] = [
  ...HEADER_PATHS,
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export const REDACTED = '[Redacted]';

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where lines go; default stdout. Tests pass a stream they read. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'mutual-action-plan' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export interface RequestBindings {
  readonly requestId: string;
  /** Only once the request's signature is verified: the tenant comes from the signed request. */
  readonly crm?: string;
  readonly accountId?: string;
  readonly dealId?: string;
}

/** A child logger for one request; bindings left undefined are left out. */
export function requestLogger(base: Logger, bindings: RequestBindings): Logger {
  return base.child({
    requestId: bindings.requestId,
    ...(bindings.crm === undefined ? {} : { crm: bindings.crm }),
    ...(bindings.accountId === undefined ? {} : { accountId: bindings.accountId }),
    ...(bindings.dealId === undefined ? {} : { dealId: bindings.dealId }),
  });
}

/** A new request id, unless the caller sent a sane one (a proxy's X-Request-Id) to correlate with. */
export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && /^[A-Za-z0-9._:-]{8,128}$/.test(header) ? header : randomUUID();
}
