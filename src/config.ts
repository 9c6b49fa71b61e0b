/**
 * The backend's environment, parsed once at start-up. `loadConfig` is pure: it reads only the object it is
 * given and returns either the typed configuration or every problem found, so one start-up attempt shows
 * all of them. Empty values count as unset (as a blank line in a .env file would).
 *
 * Secrets have no defaults, with one exception: in sandbox mode against a CRM on this machine's loopback (the
 * in-process sandbox, or one started separately on 127.0.0.0/8, localhost or [::1]) the sandbox's published
 * development values fill in, and `logConfigSummary` says so at start. Those values are public (they are in
 * this file), so hubspot mode, and sandbox mode pointed at any other host, refuse them.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { parseTokenKeys, type TokenKey } from './adapters/db/token-cipher.js';
import { formatTimeOfDay, parseTimeOfDay } from './domain/local-time.js';
import { err, ok, type Result } from './domain/result.js';
import { formatConfigProblems, type ConfigProblem as LibConfigProblem } from './lib/config-problems.js';
import { LOG_LEVELS, type LogLevel } from './lib/logger.js';

export type CrmMode = 'sandbox' | 'hubspot';

/**
 * Development values for sandbox mode only. The client id and secret are the sandbox's own dev OAuth app
 * (src/sandbox/platform/app.ts, DEFAULT_DEV_APP); the others exist only here. Never secrets.
 */
export const SANDBOX_DEV_VALUES = {
  HUBSPOT_CLIENT_ID: 'sandbox-dev-client-id',
  HUBSPOT_CLIENT_SECRET: 'sandbox-dev-client-secret',
  TOKEN_ENCRYPTION_KEYS: 'sandbox-dev:vFr4I74Jpr3fmotZLf3q/OUZORSvX9Um1R3ydRUVdb8=',
  STATE_SIGNING_SECRET: 'sandbox-dev-state-signing-secret-not-for-production',
} as const;
type DevVariable = keyof typeof SANDBOX_DEV_VALUES;

export interface CrmTarget {
  readonly mode: CrmMode;
  /**
   * Base URL of HubSpot's API (or of a sandbox started separately). null in sandbox mode when unset: the
   * composition root starts the sandbox in-process and uses its URL.
   */
  readonly apiBase: string | null;
  /** Base URL of the OAuth authorize page (`<base>/oauth/authorize`); null as for apiBase. */
  readonly oauthBase: string | null;
}

export interface Config {
  readonly port: number;
  /** This backend's public origin, no trailing slash: HubSpot calls it, OAuth redirects to it. */
  readonly publicBaseUrl: string;
  readonly crm: CrmTarget;
  readonly hubspotClientId: string;
  readonly hubspotClientSecret: string;
  /** Current key first. */
  readonly tokenEncryptionKeys: readonly TokenKey[];
  readonly stateSigningSecret: string;
  /** PostgreSQL when set; otherwise SQLite at sqlitePath. */
  readonly databaseUrl: string | null;
  readonly sqlitePath: string;
  /** Rebuild request URLs from X-Forwarded-Proto / X-Forwarded-Host (behind a TLS-terminating proxy). */
  readonly trustProxy: boolean;
  readonly logLevel: LogLevel;
  /**
   * CRM requests this instance sends per portal in 10 s (default 100, under HubSpot's 110 for public apps;
   * portals with HubSpot's API limit increase allow more). Against the local sandbox tests raise it.
   */
  readonly crmRequestsPer10s: number;
  /** Whether this instance schedules and runs the tenants' daily work (default on; SCHEDULER=off turns it off). */
  readonly scheduler: boolean;
  /** The local time (minutes after each tenant's midnight) from which its daily run is queued; default 00:30. */
  readonly dailyRunAtMinutes: number;
  /** Variables that took the sandbox's development values (empty in hubspot mode). */
  readonly devValuesUsed: readonly DevVariable[];
}

export const CONFIG_VARIABLES = [
  'PORT',
  'PUBLIC_BASE_URL',
  'CRM_MODE',
  'HUBSPOT_CLIENT_ID',
  'HUBSPOT_CLIENT_SECRET',
  'HUBSPOT_API_BASE',
  'HUBSPOT_OAUTH_BASE',
  'TOKEN_ENCRYPTION_KEYS',
  'STATE_SIGNING_SECRET',
  'DATABASE_URL',
  'SQLITE_PATH',
  'TRUST_PROXY',
  'LOG_LEVEL',
  'REDIS_URL',
  'HUBSPOT_REQUESTS_PER_10S',
  'SCHEDULER',
  'DAILY_RUN_AT',
] as const;
export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

/** One problem with one variable; the message never repeats the variable's value (it may be a secret). */
export type ConfigProblem = LibConfigProblem<ConfigVariable>;
export { formatConfigProblems };

/** 00:30: half an hour after each tenant's midnight, clear of a DST change at midnight. */
export const DEFAULT_DAILY_RUN_AT_MINUTES = 30;

const HUBSPOT_DEFAULTS = { apiBase: 'https://api.hubapi.com', oauthBase: 'https://app.hubspot.com' } as const;

const origin = (protocols: readonly string[]) =>
  z
    .url({
      protocol: new RegExp(`^(?:${protocols.join('|')})$`),
      error: `must be an ${protocols.join(' or ')} URL`,
    })
    .refine((u) => {
      const parsed = new URL(u);
      return parsed.search === '' && parsed.hash === '' && parsed.username === '' && parsed.password === '';
    }, 'must have no query, fragment or credentials')
    .transform((u) => u.replace(/\/+$/, ''));

const Port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a port number')
  .transform(Number)
  .pipe(z.number().int().min(0, 'must be 0-65535').max(65_535, 'must be 0-65535'));
const Bool = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');
const Secret = (min: number) =>
  z.string().min(min, `must be at least ${min} characters`).max(1_000, 'is too long');
const PostgresUrl = z.url({
  protocol: /^postgres(?:ql)?$/,
  error: 'must be a postgres:// or postgresql:// URL',
});

/** REDIS_URL is refused rather than parsed: a value would suggest a shared rate budget that does not exist. */
export const REDIS_NOT_BUILT =
  'is set, but the shared per-portal rate budget over Redis is not built yet (each instance keeps its own budget): unset REDIS_URL';

/** 127.0.0.0/8, localhost or [::1]: a CRM only this machine can be (WHATWG URL parsing normalises 127.1 etc.). */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    // Not a URL: certainly not a loopback one.
    return false;
  }
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Reads the environment. Pure: the same input always gives the same answer. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
): Result<Config, ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const raw = (name: ConfigVariable): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  /** Parses a variable that is set; reports the first issue (the value itself is never echoed). */
  function read<T>(name: ConfigVariable, schema: z.ZodType<T>, value = raw(name)): T | undefined {
    if (value === undefined) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    problems.push({ variable: name, message: parsed.error.issues[0]?.message ?? 'is invalid' });
    return undefined;
  }
  const missing = (name: ConfigVariable, why: string): void => {
    problems.push({ variable: name, message: `is required ${why}` });
  };

  // The mode first: it decides which variables are required.
  const explicitMode = read(
    'CRM_MODE',
    z.enum(['sandbox', 'hubspot'], { error: 'must be sandbox or hubspot' }),
  );
  const hasId = raw('HUBSPOT_CLIENT_ID') !== undefined;
  const hasSecret = raw('HUBSPOT_CLIENT_SECRET') !== undefined;
  if (explicitMode === undefined && raw('CRM_MODE') === undefined && hasId !== hasSecret) {
    missing(
      hasId ? 'HUBSPOT_CLIENT_SECRET' : 'HUBSPOT_CLIENT_ID',
      'when the other HubSpot credential is set (or set CRM_MODE)',
    );
  }
  const mode: CrmMode = explicitMode ?? (hasId && hasSecret ? 'hubspot' : 'sandbox');
  const hubspot = mode === 'hubspot';
  const inHubspotMode = 'in hubspot mode';

  const port = read('PORT', Port) ?? 3000;
  const publicBaseUrl = read('PUBLIC_BASE_URL', hubspot ? origin(['https']) : origin(['http', 'https']));
  if (hubspot && raw('PUBLIC_BASE_URL') === undefined)
    missing('PUBLIC_BASE_URL', `${inHubspotMode} (the HTTPS origin HubSpot calls)`);

  // The public development values are safe only against a CRM on this machine: unset bases mean the in-process
  // sandbox. A sandbox-mode backend pointed anywhere else holds real tokens, so it needs real secrets.
  const localCrm =
    !hubspot &&
    (['HUBSPOT_API_BASE', 'HUBSPOT_OAUTH_BASE'] as const).every((name) => {
      const base = raw(name);
      return base === undefined || isLoopbackUrl(base);
    });
  const needsRealSecrets = !localCrm;
  const whyReal = hubspot
    ? inHubspotMode
    : 'when HUBSPOT_API_BASE or HUBSPOT_OAUTH_BASE is not this machine (loopback)';

  const devValuesUsed: DevVariable[] = [];
  /** A secret: required (and never the public dev value) unless the CRM is local; the dev value when unset there. */
  function secret<T>(name: DevVariable, schema: z.ZodType<T>): T | undefined {
    const value = raw(name);
    if (value === undefined) {
      if (needsRealSecrets) {
        missing(name, whyReal);
        return undefined;
      }
      devValuesUsed.push(name);
      return read(name, schema, SANDBOX_DEV_VALUES[name]);
    }
    if (needsRealSecrets && isDevValue(name, value)) {
      problems.push({
        variable: name,
        message: `is the sandbox development value, which is public: use a real secret ${hubspot ? inHubspotMode : 'when the CRM is not this machine'}`,
      });
      return undefined;
    }
    return read(name, schema);
  }

  const hubspotClientId = secret('HUBSPOT_CLIENT_ID', z.string().max(200, 'is too long'));
  const hubspotClientSecret = secret('HUBSPOT_CLIENT_SECRET', Secret(needsRealSecrets ? 16 : 1));
  const stateSigningSecret = secret('STATE_SIGNING_SECRET', Secret(32));
  const tokenKeyText = secret('TOKEN_ENCRYPTION_KEYS', z.string());
  let tokenEncryptionKeys: TokenKey[] | undefined;
  if (tokenKeyText !== undefined) {
    const parsed = parseTokenKeys(tokenKeyText);
    if (parsed.ok) tokenEncryptionKeys = parsed.value;
    else for (const message of parsed.error) problems.push({ variable: 'TOKEN_ENCRYPTION_KEYS', message });
  }

  const apiBase =
    read('HUBSPOT_API_BASE', origin(['http', 'https'])) ?? (hubspot ? HUBSPOT_DEFAULTS.apiBase : null);
  const oauthBase =
    read('HUBSPOT_OAUTH_BASE', origin(['http', 'https'])) ?? (hubspot ? HUBSPOT_DEFAULTS.oauthBase : null);
  const databaseUrl = read('DATABASE_URL', PostgresUrl) ?? null;
  const sqlitePath = read('SQLITE_PATH', z.string().max(4_096, 'is too long')) ?? 'data/app.sqlite';
  const trustProxy = read('TRUST_PROXY', Bool) ?? false;
  const logLevel =
    read('LOG_LEVEL', z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })) ?? 'info';
  const crmRequestsPer10s =
    read(
      'HUBSPOT_REQUESTS_PER_10S',
      z
        .string()
        .regex(/^\d{1,6}$/, 'must be a whole number of requests')
        .transform(Number)
        .pipe(z.number().int().min(1, 'must be at least 1').max(100_000, 'must be at most 100000')),
    ) ?? 100;
  const scheduler =
    read(
      'SCHEDULER',
      z.enum(['on', 'off'], { error: 'must be on or off' }).transform((v) => v === 'on'),
    ) ?? true;
  const dailyRunAtMinutes =
    read(
      'DAILY_RUN_AT',
      z
        .string()
        .transform((v) => parseTimeOfDay(v))
        .pipe(
          z.number({
            error:
              "must be a local time of day as HH:MM on a 24-hour clock, e.g. 00:30 (each tenant's own time zone)",
          }),
        ),
    ) ?? DEFAULT_DAILY_RUN_AT_MINUTES;
  if (raw('REDIS_URL') !== undefined) problems.push({ variable: 'REDIS_URL', message: REDIS_NOT_BUILT });

  if (
    problems.length > 0 ||
    hubspotClientId === undefined ||
    hubspotClientSecret === undefined ||
    stateSigningSecret === undefined ||
    tokenEncryptionKeys === undefined
  ) {
    return err(problems);
  }
  return ok({
    port,
    publicBaseUrl: publicBaseUrl ?? `http://localhost:${port}`,
    crm: { mode, apiBase, oauthBase },
    hubspotClientId,
    hubspotClientSecret,
    tokenEncryptionKeys,
    stateSigningSecret,
    databaseUrl,
    sqlitePath,
    trustProxy,
    logLevel,
    crmRequestsPer10s,
    scheduler,
    dailyRunAtMinutes,
    devValuesUsed,
  });
}

function isDevValue(name: DevVariable, value: string): boolean {
  if (name !== 'TOKEN_ENCRYPTION_KEYS') return value === SANDBOX_DEV_VALUES[name];
  const devKey = SANDBOX_DEV_VALUES.TOKEN_ENCRYPTION_KEYS.split(':')[1];
  return value.split(',').some((entry) => entry.trim().split(':')[1] === devKey);
}

/** The start-up log lines: where the backend points, and a warning when development values are in use. */
export function logConfigSummary(log: Logger, config: Config): void {
  log.info(
    {
      crmMode: config.crm.mode,
      crmApiBase: config.crm.apiBase ?? 'in-process sandbox',
      database: config.databaseUrl === null ? 'sqlite' : 'postgres',
      trustProxy: config.trustProxy,
      port: config.port,
      publicBaseUrl: config.publicBaseUrl,
      dailyRun: config.scheduler ? `${formatTimeOfDay(config.dailyRunAtMinutes)} local` : 'off',
    },
    'configuration loaded',
  );
  if (config.devValuesUsed.length > 0) {
    log.warn(
      { variables: config.devValuesUsed },
      'sandbox mode: using the sandbox development values (public, not secrets) for these variables; set them before using a real portal',
    );
  }
}
