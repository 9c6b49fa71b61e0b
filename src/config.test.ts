import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DestinationStream } from 'pino';
import {
  CONFIG_VARIABLES,
  formatConfigProblems,
  isLoopbackUrl,
  loadConfig,
  logConfigSummary,
  REDIS_NOT_BUILT,
  SANDBOX_DEV_VALUES,
  type Config,
} from './config.js';
import { createLogger } from './lib/logger.js';

const key = (): string => randomBytes(32).toString('base64');
const REAL_SECRET = 'c0ffee00-1234-4abc-9def-0123456789ab';

/** A complete hubspot-mode environment. */
const hubspotEnv = (): Record<string, string> => ({
  HUBSPOT_CLIENT_ID: 'f1e2d3c4-real-client-id',
  HUBSPOT_CLIENT_SECRET: REAL_SECRET,
  PUBLIC_BASE_URL: 'https://map.example.com/',
  TOKEN_ENCRYPTION_KEYS: `2026a:${key()},2025b:${key()}`,
  STATE_SIGNING_SECRET: 'x'.repeat(40),
});

function expectOk(env: Record<string, string | undefined>): Config {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(formatConfigProblems(result.error));
  return result.value;
}

function problemsOf(env: Record<string, string | undefined>): string[] {
  const result = loadConfig(env);
  if (result.ok) throw new Error('expected configuration problems');
  return result.error.map((p) => `${p.variable} ${p.message}`);
}

describe('loadConfig', () => {
  it('with an empty environment runs in sandbox mode on the development values and documented defaults', () => {
    const config = expectOk({});
    expect(config).toMatchObject({
      port: 3000,
      publicBaseUrl: 'http://localhost:3000',
      crm: { mode: 'sandbox', apiBase: null, oauthBase: null },
      hubspotClientId: SANDBOX_DEV_VALUES.HUBSPOT_CLIENT_ID,
      hubspotClientSecret: SANDBOX_DEV_VALUES.HUBSPOT_CLIENT_SECRET,
      stateSigningSecret: SANDBOX_DEV_VALUES.STATE_SIGNING_SECRET,
      databaseUrl: null,
      sqlitePath: 'data/app.sqlite',
      trustProxy: false,
      logLevel: 'info',
    });
    expect(config).not.toHaveProperty('redisUrl');
    expect(config.tokenEncryptionKeys.map((k) => k.id)).toEqual(['sandbox-dev']);
    expect(config.tokenEncryptionKeys[0]!.key).toHaveLength(32);
    expect([...config.devValuesUsed].sort()).toEqual([
      'HUBSPOT_CLIENT_ID',
      'HUBSPOT_CLIENT_SECRET',
      'STATE_SIGNING_SECRET',
      'TOKEN_ENCRYPTION_KEYS',
    ]);
  });

  it('switches to hubspot mode when both credentials are set, with HubSpot base URLs by default and no development values', () => {
    const config = expectOk(hubspotEnv());
    expect(config.crm).toEqual({
      mode: 'hubspot',
      apiBase: 'https://api.hubapi.com',
      oauthBase: 'https://app.hubspot.com',
    });
    expect(config.publicBaseUrl).toBe('https://map.example.com');
    expect(config.tokenEncryptionKeys.map((k) => k.id)).toEqual(['2026a', '2025b']);
    expect(config.devValuesUsed).toEqual([]);
  });

  it('in hubspot mode requires every secret and the public URL, with no defaults', () => {
    expect(problemsOf({ CRM_MODE: 'hubspot' })).toEqual([
      'PUBLIC_BASE_URL is required in hubspot mode (the HTTPS origin HubSpot calls)',
      'HUBSPOT_CLIENT_ID is required in hubspot mode',
      'HUBSPOT_CLIENT_SECRET is required in hubspot mode',
      'STATE_SIGNING_SECRET is required in hubspot mode',
      'TOKEN_ENCRYPTION_KEYS is required in hubspot mode',
    ]);
  });

  it('reports every problem at once, one per variable', () => {
    expect(
      problemsOf({
        ...hubspotEnv(),
        PORT: '99999',
        PUBLIC_BASE_URL: 'http://map.example.com',
        TOKEN_ENCRYPTION_KEYS: 'k1:c2hvcnQ=',
        DATABASE_URL: 'mysql://db/app',
        LOG_LEVEL: 'loud',
        TRUST_PROXY: 'yes',
        REDIS_URL: 'http://cache',
        HUBSPOT_API_BASE: 'ftp://api',
        CRM_MODE: 'salesforce',
      }),
    ).toEqual([
      'CRM_MODE must be sandbox or hubspot',
      'PORT must be 0-65535',
      'PUBLIC_BASE_URL must be an https URL',
      'TOKEN_ENCRYPTION_KEYS entry 1 (k1): key must decode to 32 bytes, got 5',
      'HUBSPOT_API_BASE must be an http or https URL',
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
      'TRUST_PROXY must be true or false',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      `REDIS_URL ${REDIS_NOT_BUILT}`,
    ]);
  });

  it('in hubspot mode refuses the public sandbox development values', () => {
    const env = {
      ...hubspotEnv(),
      HUBSPOT_CLIENT_SECRET: SANDBOX_DEV_VALUES.HUBSPOT_CLIENT_SECRET,
      TOKEN_ENCRYPTION_KEYS: `new:${key()},${SANDBOX_DEV_VALUES.TOKEN_ENCRYPTION_KEYS}`,
    };
    const problems = problemsOf(env);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^HUBSPOT_CLIENT_SECRET is the sandbox development value/);
    expect(problems[1]).toMatch(/^TOKEN_ENCRYPTION_KEYS is the sandbox development value/);
  });

  it('refuses a lone HubSpot credential instead of guessing the mode', () => {
    expect(problemsOf({ HUBSPOT_CLIENT_ID: 'only-the-id' })).toEqual([
      'HUBSPOT_CLIENT_SECRET is required when the other HubSpot credential is set (or set CRM_MODE)',
    ]);
  });

  it('CRM_MODE=sandbox keeps sandbox mode with real credentials, filling in only what is unset', () => {
    const config = expectOk({
      CRM_MODE: 'sandbox',
      HUBSPOT_CLIENT_ID: 'my-sandbox-app',
      HUBSPOT_CLIENT_SECRET: 'my-sandbox-secret',
    });
    expect(config.crm.mode).toBe('sandbox');
    expect(config.hubspotClientSecret).toBe('my-sandbox-secret');
    expect([...config.devValuesUsed].sort()).toEqual(['STATE_SIGNING_SECRET', 'TOKEN_ENCRYPTION_KEYS']);
  });

  it('refuses REDIS_URL at start with a sentence saying the shared Redis rate budget is not built yet', () => {
    for (const env of [{}, hubspotEnv()]) {
      const problems = problemsOf({ ...env, REDIS_URL: 'rediss://cache.internal:6380' });
      expect(problems).toEqual([`REDIS_URL ${REDIS_NOT_BUILT}`]);
      expect(problems[0]).toMatch(/Redis is not built yet.*unset REDIS_URL/);
    }
    // An empty value is unset, as everywhere else: the shipped .env.example still works.
    expect(loadConfig({ REDIS_URL: '' }).ok).toBe(true);
  });

  it.each([
    'http://127.0.0.1:4010',
    'http://127.8.9.10',
    'http://localhost:4010/',
    'http://LOCALHOST',
    'http://[::1]:4010',
  ])('CRM_MODE=sandbox against a loopback CRM (%s) may use the development values', (base) => {
    const config = expectOk({ CRM_MODE: 'sandbox', HUBSPOT_API_BASE: base, HUBSPOT_OAUTH_BASE: base });
    expect(config.devValuesUsed).toHaveLength(4);
  });

  it('CRM_MODE=sandbox against a CRM that is not this machine refuses every missing secret and every dev value at once', () => {
    const env = {
      CRM_MODE: 'sandbox',
      HUBSPOT_API_BASE: 'https://api.hubapi.com',
      HUBSPOT_CLIENT_ID: 'f1e2d3c4-real-client-id',
      HUBSPOT_CLIENT_SECRET: REAL_SECRET,
    };
    expect(problemsOf(env)).toEqual([
      'STATE_SIGNING_SECRET is required when HUBSPOT_API_BASE or HUBSPOT_OAUTH_BASE is not this machine (loopback)',
      'TOKEN_ENCRYPTION_KEYS is required when HUBSPOT_API_BASE or HUBSPOT_OAUTH_BASE is not this machine (loopback)',
    ]);
    const devValues = problemsOf({
      CRM_MODE: 'sandbox',
      HUBSPOT_API_BASE: 'http://127.0.0.1:4010',
      HUBSPOT_OAUTH_BASE: 'https://app.hubspot.com',
      ...SANDBOX_DEV_VALUES,
    });
    expect(devValues).toHaveLength(4);
    for (const line of devValues) expect(line).toMatch(/ is the sandbox development value, which is public/);
    // With real secrets it runs in sandbox mode against that CRM, using no development value.
    const real = expectOk({
      ...env,
      STATE_SIGNING_SECRET: 'y'.repeat(40),
      TOKEN_ENCRYPTION_KEYS: `k:${key()}`,
    });
    expect(real.crm).toMatchObject({ mode: 'sandbox', apiBase: 'https://api.hubapi.com' });
    expect(real.devValuesUsed).toEqual([]);
  });

  it.each([
    'http://127.0.0.1.evil.example',
    'http://localhost.example.com',
    'http://10.0.0.1',
    'http://[::2]',
    'not a url',
  ])('isLoopbackUrl refuses %s', (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });

  it('treats empty and blank values as unset', () => {
    const config = expectOk({
      PORT: '',
      LOG_LEVEL: '  ',
      DATABASE_URL: '',
      HUBSPOT_CLIENT_ID: '',
      HUBSPOT_CLIENT_SECRET: '',
    });
    expect(config).toMatchObject({
      port: 3000,
      logLevel: 'info',
      databaseUrl: null,
      crm: { mode: 'sandbox' },
    });
  });

  it('reads the optional settings when set', () => {
    const config = expectOk({
      ...hubspotEnv(),
      PORT: '8080',
      DATABASE_URL: 'postgres://app@db.internal:5432/map',
      SQLITE_PATH: '/var/lib/map/app.sqlite',
      TRUST_PROXY: '1',
      LOG_LEVEL: 'debug',
      HUBSPOT_API_BASE: 'http://127.0.0.1:4010/',
      HUBSPOT_OAUTH_BASE: 'http://127.0.0.1:4010',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://app@db.internal:5432/map',
      sqlitePath: '/var/lib/map/app.sqlite',
      trustProxy: true,
      logLevel: 'debug',
      crm: { mode: 'hubspot', apiBase: 'http://127.0.0.1:4010', oauthBase: 'http://127.0.0.1:4010' },
    });
  });

  it('schedules the daily work at 00:30 local by default, at DAILY_RUN_AT when set, and not at all with SCHEDULER=off', () => {
    expect(expectOk({})).toMatchObject({ scheduler: true, dailyRunAtMinutes: 30 });
    expect(expectOk({ DAILY_RUN_AT: '02:45', SCHEDULER: 'on' })).toMatchObject({
      scheduler: true,
      dailyRunAtMinutes: 165,
    });
    expect(expectOk({ DAILY_RUN_AT: '23:59' }).dailyRunAtMinutes).toBe(1439);
    expect(expectOk({ SCHEDULER: 'off' }).scheduler).toBe(false);
  });

  it.each(['0:30', '24:00', '12:60', '00:30:00', 'half past midnight', '-1:00'])(
    'refuses DAILY_RUN_AT=%s with a sentence saying the format',
    (value) => {
      expect(problemsOf({ DAILY_RUN_AT: value })).toEqual([
        "DAILY_RUN_AT must be a local time of day as HH:MM on a 24-hour clock, e.g. 00:30 (each tenant's own time zone)",
      ]);
    },
  );

  it('refuses a SCHEDULER value other than on or off', () => {
    expect(problemsOf({ SCHEDULER: 'yes' })).toEqual(['SCHEDULER must be on or off']);
  });

  it('never repeats a secret value in a problem message', () => {
    const shortSecret = 'tooShortSecret9';
    const result = loadConfig({
      ...hubspotEnv(),
      STATE_SIGNING_SECRET: shortSecret,
      HUBSPOT_CLIENT_SECRET: 'abc',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.map((p) => p.variable)).toEqual(['HUBSPOT_CLIENT_SECRET', 'STATE_SIGNING_SECRET']);
      expect(JSON.stringify(result.error)).not.toContain(shortSecret);
      expect(formatConfigProblems(result.error)).not.toContain(shortSecret);
    }
  });

  it('is pure: reads only its argument, never process.env', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4321';
    try {
      expect(expectOk({}).port).toBe(3000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});

describe('formatConfigProblems', () => {
  it('lists the problems, one per line, under a count', () => {
    expect(
      formatConfigProblems([
        { variable: 'PORT', message: 'must be 0-65535' },
        { variable: 'LOG_LEVEL', message: 'must be one of x' },
      ]),
    ).toBe(
      'The configuration has 2 problems (see .env.example):\n  - PORT must be 0-65535\n  - LOG_LEVEL must be one of x',
    );
  });
});

describe('logConfigSummary', () => {
  function logged(config: Config): Record<string, unknown>[] {
    const lines: string[] = [];
    const destination: DestinationStream = { write: (l: string) => void lines.push(l) };
    logConfigSummary(createLogger({ level: 'info', destination }), config);
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('warns at start when sandbox development values are in use, naming the variables', () => {
    const lines = logged(expectOk({}));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      level: 'warn',
      variables: expect.arrayContaining(['HUBSPOT_CLIENT_SECRET', 'TOKEN_ENCRYPTION_KEYS']),
    });
    expect(String(lines[1]!.msg)).toMatch(/sandbox mode: using the sandbox development values/);
  });

  it('never claims a shared rate limit: the summary has no sharedRateLimit field', () => {
    for (const line of [...logged(expectOk({})), ...logged(expectOk(hubspotEnv()))])
      expect(line).not.toHaveProperty('sharedRateLimit');
  });

  it('logs one summary line without secrets in hubspot mode', () => {
    const config = expectOk(hubspotEnv());
    const lines = logged(config);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      crmMode: 'hubspot',
      database: 'sqlite',
      msg: 'configuration loaded',
    });
    expect(JSON.stringify(lines)).not.toContain(REAL_SECRET);
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const lines = text.split('\n');

  it('documents every variable, each with a comment line right above it, and nothing else', () => {
    const assigned = lines.flatMap((line, i) => {
      const match = /^([A-Z][A-Z0-9_]*)=/.exec(line);
      return match ? [{ name: match[1]!, comment: lines[i - 1] ?? '' }] : [];
    });
    expect(assigned.map((a) => a.name).sort()).toEqual([...CONFIG_VARIABLES].sort());
    for (const { name, comment } of assigned) expect([name, comment.startsWith('# ')]).toEqual([name, true]);
  });

  it('as shipped (all values empty) gives a working sandbox configuration', () => {
    const env = Object.fromEntries(
      lines.flatMap((l) => (/^[A-Z_]+=/.test(l) ? [l.split('=', 2) as [string, string]] : [])),
    );
    expect(loadConfig(env).ok).toBe(true);
  });
});
