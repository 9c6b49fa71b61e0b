/**
 * The sandbox's environment, parsed once at start-up. Every invalid variable is reported at once.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | SANDBOX_PORT | 4010 | port on 127.0.0.1 (0 = any free port) |
 * | SANDBOX_DATA | data/sandbox.sqlite | SQLite file (its folder is created), or `:memory:` |
 * | SANDBOX_DEMO_TOKEN | sandbox-demo-token | static token of the demo portal (a development value, not a secret) |
 * | SANDBOX_TIME_SCALE | 1 | multiplies the rate-limit windows (0.01: the 10 s window lasts 100 ms) |
 * | SANDBOX_RATE_LIMIT_PER_10S | 110 | requests per rolling 10 s per portal, or `off` |
 * | SANDBOX_ACCESS_TOKEN_TTL_SECONDS | 1800 | lifetime of OAuth access tokens |
 * | SANDBOX_OAUTH_CLIENT_ID | sandbox-dev-client-id | client id of the dev OAuth app registered at start |
 * | SANDBOX_OAUTH_CLIENT_SECRET | sandbox-dev-client-secret | its client secret (a development value) |
 * | SANDBOX_OAUTH_REDIRECT_URIS | http://localhost:3000/oauth/callback,http://127.0.0.1:3000/oauth/callback | its redirect URLs, comma-separated |
 * | SANDBOX_SEARCH_LAG_MS | 1000 | how long a write takes to reach search (0 to 3000; HubSpot's index lags too) |
 */
import { z } from 'zod';
import { blankToUndefined, envPort, zodConfigProblems, type ConfigResult } from '../lib/config-problems.js';
import { DEFAULT_DEMO_TOKEN, DEFAULT_DEV_APP } from './platform/defaults.js';
import { DEFAULT_SEARCH_LAG_MS, MAX_SEARCH_LAG_MS } from './crm/search-index.js';

const EnvSchema = z.object({
  SANDBOX_PORT: envPort(4010),
  SANDBOX_DATA: z.preprocess(blankToUndefined, z.string().default('data/sandbox.sqlite')),
  SANDBOX_DEMO_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9._~+/=-]{8,200}$/, 'must be 8 to 200 characters usable in a Bearer header')
      .default(DEFAULT_DEMO_TOKEN),
  ),
  SANDBOX_TIME_SCALE: z.preprocess(blankToUndefined, z.coerce.number().positive().max(1000).default(1)),
  SANDBOX_RATE_LIMIT_PER_10S: z.preprocess(
    blankToUndefined,
    z.union([z.literal('off').transform(() => null), z.coerce.number().int().positive()]).default(110),
  ),
  SANDBOX_ACCESS_TOKEN_TTL_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().positive().default(1800),
  ),
  SANDBOX_SEARCH_LAG_MS: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(0).max(MAX_SEARCH_LAG_MS).default(DEFAULT_SEARCH_LAG_MS),
  ),
  SANDBOX_OAUTH_CLIENT_ID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, ".", "_" and "-" only')
      .default(DEFAULT_DEV_APP.clientId),
  ),
  SANDBOX_OAUTH_CLIENT_SECRET: z.preprocess(
    blankToUndefined,
    z.string().min(8).default(DEFAULT_DEV_APP.clientSecret),
  ),
  SANDBOX_OAUTH_REDIRECT_URIS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(DEFAULT_DEV_APP.redirectUris.join(','))
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      )
      .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1)),
  ),
});

export interface SandboxConfig {
  port: number;
  dataFile: string;
  demoToken: string;
  timeScale: number;
  perTenSeconds: number | null;
  accessTokenTtlSeconds: number;
  searchIndexLagMs: number;
  devApp: { clientId: string; clientSecret: string; redirectUris: string[] };
}

export function parseSandboxConfig(
  env: Readonly<Record<string, string | undefined>>,
): ConfigResult<SandboxConfig> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) return { ok: false, error: zodConfigProblems(parsed.error) };
  const e = parsed.data;
  return {
    ok: true,
    value: {
      port: e.SANDBOX_PORT,
      dataFile: e.SANDBOX_DATA,
      demoToken: e.SANDBOX_DEMO_TOKEN,
      timeScale: e.SANDBOX_TIME_SCALE,
      perTenSeconds: e.SANDBOX_RATE_LIMIT_PER_10S,
      accessTokenTtlSeconds: e.SANDBOX_ACCESS_TOKEN_TTL_SECONDS,
      searchIndexLagMs: e.SANDBOX_SEARCH_LAG_MS,
      devApp: {
        clientId: e.SANDBOX_OAUTH_CLIENT_ID,
        clientSecret: e.SANDBOX_OAUTH_CLIENT_SECRET,
        redirectUris: e.SANDBOX_OAUTH_REDIRECT_URIS,
      },
    },
  };
}
