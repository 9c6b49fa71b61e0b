/**
 * HubSpot's OAuth token endpoints, called directly: @hubspot/api-client 14 only speaks the v1 endpoints,
 * which HubSpot retires on 2027-02-16. Form-encoded requests, zod-parsed answers, closed error kinds.
 * (It belongs with the HubSpot adapter; the structure step moves it to src/adapters/hubspot.)
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../../domain/result.js';

export const TOKEN_ERROR_KINDS = [
  'invalid_grant',
  'invalid_client',
  'rejected',
  'unavailable',
  'bad_response',
] as const;
export type TokenErrorKind = (typeof TOKEN_ERROR_KINDS)[number];
export interface TokenError {
  readonly kind: TokenErrorKind;
  /** Safe to log and to show an admin: HubSpot's error code and description, never a token. */
  readonly message: string;
}

/** AccessTokenResponse (oauth-2026-03.json). */
const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string(),
  hub_id: z.number().int().positive().optional(),
  scopes: z.array(z.string()).optional(),
});
/** PublicAccessTokenInfoResponse (oauth-2026-03.json), the fields we use. */
const introspectionSchema = z.object({
  active: z.boolean(),
  app_id: z.number().int().positive().optional(),
  hub_id: z.number().int().positive().optional(),
  scopes: z.union([z.array(z.string()), z.string()]).optional(),
});
const tokenErrorSchema = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
});

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** ms since the epoch. */
  readonly expiresAt: number;
  readonly portalId: number | undefined;
  readonly scopes: readonly string[] | undefined;
}

export interface TokenIntrospection {
  readonly active: boolean;
  readonly appId: number | undefined;
  readonly portalId: number | undefined;
  readonly scopes: readonly string[];
}

export interface OAuthTokenClientOptions {
  /** https://api.hubapi.com, or the sandbox. */
  readonly apiBase: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clock: { now(): number };
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export class OAuthTokenClient {
  constructor(private readonly options: OAuthTokenClientOptions) {}

  /** The authorization code from the install redirect, for tokens. */
  exchangeCode(code: string, redirectUri: string): Promise<Result<IssuedTokens, TokenError>> {
    return this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
  }

  /** A new access token (HubSpot returns the same refresh token). */
  refresh(refreshToken: string): Promise<Result<IssuedTokens, TokenError>> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Which app, portal and scopes an access token is for (the token answer has no app id). */
  async introspect(accessToken: string): Promise<Result<TokenIntrospection, TokenError>> {
    // https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth (POST /oauth/2026-03/token/introspect)
    const answer = await this.post('/oauth/2026-03/token/introspect', {
      token: accessToken,
      token_type_hint: 'access_token',
    });
    if (!answer.ok) return answer;
    const parsed = introspectionSchema.safeParse(answer.value);
    if (!parsed.success)
      return err({
        kind: 'bad_response',
        message: 'HubSpot answered the token introspection in an unknown shape.',
      });
    const { active, app_id, hub_id, scopes } = parsed.data;
    return ok({
      active,
      appId: app_id,
      portalId: hub_id,
      scopes: typeof scopes === 'string' ? scopes.split(/\s+/).filter(Boolean) : (scopes ?? []),
    });
  }

  private async token(fields: Record<string, string>): Promise<Result<IssuedTokens, TokenError>> {
    // https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth (POST /oauth/2026-03/token)
    const started = this.options.clock.now();
    const answer = await this.post('/oauth/2026-03/token', fields);
    if (!answer.ok) return answer;
    const parsed = tokenResponseSchema.safeParse(answer.value);
    if (!parsed.success)
      return err({
        kind: 'bad_response',
        message: 'HubSpot answered the token request in an unknown shape.',
      });
    const t = parsed.data;
    return ok({
      accessToken: t.access_token,
      refreshToken: t.refresh_token,
      expiresAt: started + t.expires_in * 1_000,
      portalId: t.hub_id,
      scopes: t.scopes,
    });
  }

  private async post(path: string, fields: Record<string, string>): Promise<Result<unknown, TokenError>> {
    const body = new URLSearchParams({
      ...fields,
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
    });
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(`${this.options.apiBase}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch {
      // No HTTP answer (network, timeout): the caller may retry later; the error text says nothing useful.
      return err({ kind: 'unavailable', message: 'HubSpot could not be reached for the token request.' });
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      // A proxy's HTML page: treated as no JSON body.
      json = undefined;
    }
    if (response.ok) return ok(json);
    if (response.status >= 500 || response.status === 429) {
      return err({
        kind: 'unavailable',
        message: `HubSpot answered the token request with ${response.status}.`,
      });
    }
    const e = tokenErrorSchema.safeParse(json);
    const code = e.success ? (e.data.error ?? e.data.status ?? 'unknown') : 'unknown';
    const description = e.success ? (e.data.error_description ?? e.data.message ?? '') : '';
    const kind: TokenErrorKind =
      code === 'invalid_grant' || code === 'BAD_REFRESH_TOKEN' || code === 'BAD_AUTH_CODE'
        ? 'invalid_grant'
        : code === 'invalid_client'
          ? 'invalid_client'
          : 'rejected';
    return err({
      kind,
      message: `HubSpot refused the token request (${code}${description === '' ? '' : `: ${description}`}).`,
    });
  }
}
