/**
 * OAuth for the sandbox: the authorize step (a local consent page, or `auto=1` for automation), the token
 * endpoints (`POST /oauth/v1/token`, which @hubspot/api-client calls, and `POST /oauth/2026-03/token`), and
 * introspection / revocation (oauth-v1.json and oauth-2026-03.json in ../shared/hubspot-openapi).
 *
 * Token errors use HubSpot's shape: HTTP 400 with its own `status` / `message` (e.g. BAD_REFRESH_TOKEN) and
 * the RFC 6749 `error` / `error_description` that HubSpot added in 2026; the body is the same on v1 and
 * 2026-03.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { PortalTier } from '../context.js';
import { errorBody } from '../errors.js';
import { CONSENT_PAGE_HEADERS, renderConsentPage, renderErrorPage } from './consent-page.js';
import { decideScopes, parseScopeParam } from './scopes.js';
import type { OAuthApp, Portal, PlatformStore, TokenGrant } from './store.js';

export interface OAuthDeps {
  store: PlatformStore;
  now: () => number;
  accessTokenTtlSeconds: number;
  demoPortalId: number;
  createPortal: (input: { name: string; tier: PortalTier }) => { portal: Portal; token: string };
}

/** The user every sandbox install is made by (HubSpot reports the installing user on tokens). */
export const SANDBOX_USER_ID = 1_000;
const userEmail = (portalId: number): string => `sandbox-admin@portal-${portalId}.example.com`;
const hubDomain = (portalId: number): string => `portal-${portalId}.example.com`;

type TokenErrorStatus =
  | 'BAD_GRANT_TYPE'
  | 'BAD_CLIENT_ID'
  | 'BAD_CLIENT_SECRET'
  | 'BAD_AUTH_CODE'
  | 'EXPIRED_AUTH_CODE'
  | 'BAD_REDIRECT_URI'
  | 'BAD_REFRESH_TOKEN'
  | 'BAD_REQUEST';

const TOKEN_ERRORS: Record<TokenErrorStatus, { error: string; message: string }> = {
  BAD_GRANT_TYPE: { error: 'unsupported_grant_type', message: 'missing or unsupported grant_type' },
  BAD_CLIENT_ID: { error: 'invalid_client', message: 'missing or unknown client id' },
  BAD_CLIENT_SECRET: { error: 'invalid_client', message: 'missing or invalid client secret' },
  BAD_AUTH_CODE: { error: 'invalid_grant', message: 'missing or unknown auth code' },
  EXPIRED_AUTH_CODE: { error: 'invalid_grant', message: 'auth code is expired' },
  BAD_REDIRECT_URI: {
    error: 'invalid_grant',
    message: 'redirect_uri does not match the redirect_uri the code was issued for',
  },
  BAD_REFRESH_TOKEN: { error: 'invalid_grant', message: 'refresh token is invalid, expired or revoked' },
  BAD_REQUEST: { error: 'invalid_request', message: 'each parameter may appear only once' },
};

export function tokenError(status: TokenErrorStatus): {
  status: TokenErrorStatus;
  message: string;
  correlationId: string;
  error: string;
  error_description: string;
} {
  const { error, message } = TOKEN_ERRORS[status];
  return { status, message, correlationId: randomUUID(), error, error_description: message };
}

const sendTokenError = (res: Response, status: TokenErrorStatus): void => {
  res.status(400).json(tokenError(status));
};

/** One string per parameter; a repeated parameter (an array) is refused rather than guessed at. */
const param = z.string().optional();
const TokenRequest = z.object({
  grant_type: param,
  client_id: param,
  client_secret: param,
  code: param,
  redirect_uri: param,
  refresh_token: param,
  code_verifier: param,
  scope: param,
});

const AuthorizeQuery = z.object({
  client_id: z.string().min(1),
  redirect_uri: z.string().min(1),
  scope: param,
  optional_scope: param,
  state: param,
  auto: param,
  portal_id: param,
  new_portal_tier: param,
  new_portal_name: param,
  portal_choice: param,
  decision: param,
});
type AuthorizeParams = z.infer<typeof AuthorizeQuery>;

const TierParam = z.enum(['free', 'starter', 'professional', 'enterprise']);

export function createOAuthRouter(deps: OAuthDeps): Router {
  const { store, now } = deps;
  const router = express.Router();
  router.use('/oauth/authorize', (_req, res, next) => {
    res.set(CONSENT_PAGE_HEADERS);
    next();
  });
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const ttlMs = deps.accessTokenTtlSeconds * 1000;

  // ---- authorize -----------------------------------------------------------------------------------

  /** Checks client and redirect URI; a bad one gets an error page, never a redirect (RFC 6749 §4.1.2.1). */
  function resolveClient(
    res: Response,
    raw: unknown,
  ): { params: AuthorizeParams; app: OAuthApp } | undefined {
    const parsed = AuthorizeQuery.safeParse(raw);
    if (!parsed.success) {
      res
        .status(400)
        .type('html')
        .send(
          renderErrorPage(
            'Invalid authorization request',
            'client_id and redirect_uri are required, each once.',
          ),
        );
      return undefined;
    }
    const app = store.getAppByClientId(parsed.data.client_id);
    if (!app) {
      res
        .status(400)
        .type('html')
        .send(renderErrorPage('Unknown app', `No OAuth app has the client id ${parsed.data.client_id}.`));
      return undefined;
    }
    if (!app.redirectUris.includes(parsed.data.redirect_uri)) {
      res
        .status(400)
        .type('html')
        .send(
          renderErrorPage(
            'Redirect URL mismatch',
            `${parsed.data.redirect_uri} is not one of the redirect URLs of ${app.name}.`,
          ),
        );
      return undefined;
    }
    return { params: parsed.data, app };
  }

  function redirectWith(
    res: Response,
    redirectUri: string,
    values: Record<string, string | undefined>,
  ): void {
    const target = new URL(redirectUri);
    for (const [key, value] of Object.entries(values))
      if (value !== undefined) target.searchParams.set(key, value);
    res.redirect(302, target.toString());
  }

  /** Picks (or creates) the portal, decides the scopes, and redirects with a code or an error. */
  function complete(res: Response, params: AuthorizeParams, app: OAuthApp): void {
    const required = parseScopeParam(params.scope);
    const optional = parseScopeParam(params.optional_scope).filter((s) => !required.includes(s));
    const state = params.state;
    if (params.decision === 'deny') {
      redirectWith(res, params.redirect_uri, {
        error: 'access_denied',
        error_description: 'The user declined the install.',
        state,
      });
      return;
    }
    if (required.length === 0) {
      redirectWith(res, params.redirect_uri, {
        error: 'invalid_scope',
        error_description: 'The scope parameter is required.',
        state,
      });
      return;
    }
    let portal: Portal | undefined;
    const wantsNew =
      params.portal_choice === 'new' ||
      (params.portal_choice === undefined && params.new_portal_tier !== undefined);
    if (wantsNew) {
      const tier = TierParam.safeParse(params.new_portal_tier);
      if (!tier.success) {
        redirectWith(res, params.redirect_uri, {
          error: 'invalid_request',
          error_description: 'new_portal_tier must be free, starter, professional or enterprise.',
          state,
        });
        return;
      }
      const name = params.new_portal_name?.trim() || `Sandbox ${tier.data} portal`;
      portal = deps.createPortal({ name, tier: tier.data }).portal;
    } else {
      const id = params.portal_id === undefined ? deps.demoPortalId : Number(params.portal_id);
      portal = Number.isInteger(id) ? store.getPortal(id) : undefined;
      if (!portal) {
        redirectWith(res, params.redirect_uri, {
          error: 'invalid_request',
          error_description: `No portal ${params.portal_id ?? ''}.`,
          state,
        });
        return;
      }
    }
    const decision = decideScopes(portal.tier, required, optional);
    if (!decision.ok) {
      redirectWith(res, params.redirect_uri, {
        error: decision.error,
        error_description: decision.description,
        state,
      });
      return;
    }
    const code = store.issueAuthCode({
      appId: app.appId,
      portalId: portal.id,
      redirectUri: params.redirect_uri,
      scopes: decision.granted,
    });
    redirectWith(res, params.redirect_uri, { code, state });
  }

  router.get('/oauth/authorize', (req, res) => {
    const resolved = resolveClient(res, req.query);
    if (!resolved) return;
    const { params, app } = resolved;
    if (params.auto === '1' || params.auto === 'true') {
      complete(res, params, app);
      return;
    }
    const required = parseScopeParam(params.scope);
    res.type('html').send(
      renderConsentPage({
        app,
        portals: store.listPortals(),
        demoPortalId: deps.demoPortalId,
        redirectUri: params.redirect_uri,
        state: params.state,
        requiredScopes: required,
        optionalScopes: parseScopeParam(params.optional_scope).filter((s) => !required.includes(s)),
      }),
    );
  });

  router.post('/oauth/authorize', form, (req, res) => {
    const resolved = resolveClient(res, req.body);
    if (!resolved) return;
    complete(res, resolved.params, resolved.app);
  });

  // ---- token ---------------------------------------------------------------------------------------

  function tokenResponse(accessToken: string, refreshToken: string, grant: TokenGrant) {
    return {
      token_type: 'bearer',
      refresh_token: refreshToken,
      access_token: accessToken,
      expires_in: deps.accessTokenTtlSeconds,
      hub_id: grant.portalId,
      scopes: grant.scopes,
      token_use: 'access_token',
    };
  }

  function authenticateClient(
    res: Response,
    clientId: string | undefined,
    clientSecret: string | undefined,
  ): OAuthApp | undefined {
    if (!clientId) {
      sendTokenError(res, 'BAD_CLIENT_ID');
      return undefined;
    }
    const auth = store.authenticateClient(clientId, clientSecret ?? '');
    if (!auth.ok) {
      sendTokenError(res, auth.reason === 'client_id' ? 'BAD_CLIENT_ID' : 'BAD_CLIENT_SECRET');
      return undefined;
    }
    return auth.app;
  }

  const token = (legacyQuery: boolean) => (req: Request, res: Response) => {
    // v1 also takes client_secret and refresh_token in the query string (oauth-v1.json); the body wins.
    const merged: unknown = legacyQuery
      ? { ...pick(req.query, ['client_secret', 'refresh_token']), ...bodyOf(req) }
      : bodyOf(req);
    const parsed = TokenRequest.safeParse(merged);
    if (!parsed.success) {
      sendTokenError(res, 'BAD_REQUEST');
      return;
    }
    const input = parsed.data;
    if (input.grant_type !== 'authorization_code' && input.grant_type !== 'refresh_token') {
      // client_credentials is in the spec's enum but is not something a marketplace app uses; the sandbox refuses it.
      sendTokenError(res, 'BAD_GRANT_TYPE');
      return;
    }
    const app = authenticateClient(res, input.client_id, input.client_secret);
    if (!app) return;
    if (input.grant_type === 'authorization_code') {
      if (!input.code) {
        sendTokenError(res, 'BAD_AUTH_CODE');
        return;
      }
      const redeemed = store.redeemAuthCode(input.code, app, input.redirect_uri ?? '');
      if (!redeemed.ok) {
        const status: Record<typeof redeemed.reason, TokenErrorStatus> = {
          unknown: 'BAD_AUTH_CODE',
          used: 'BAD_AUTH_CODE',
          client_mismatch: 'BAD_AUTH_CODE',
          expired: 'EXPIRED_AUTH_CODE',
          redirect_mismatch: 'BAD_REDIRECT_URI',
        };
        sendTokenError(res, status[redeemed.reason]);
        return;
      }
      const issued = store.issueTokens(redeemed.grant, ttlMs);
      res.json(tokenResponse(issued.accessToken, issued.refreshToken, redeemed.grant));
      return;
    }
    if (!input.refresh_token) {
      sendTokenError(res, 'BAD_REFRESH_TOKEN');
      return;
    }
    const refreshed = store.refresh(input.refresh_token, app, ttlMs);
    if (!refreshed.ok) {
      sendTokenError(res, 'BAD_REFRESH_TOKEN');
      return;
    }
    res.json(tokenResponse(refreshed.accessToken, input.refresh_token, refreshed.grant));
  };

  router.post('/oauth/v1/token', form, token(true));
  router.post('/oauth/2026-03/token', form, token(false));

  // ---- introspection and revocation ----------------------------------------------------------------

  function accessTokenInfo(tokenValue: string) {
    const found = store.lookupAccessToken(tokenValue);
    if (found.kind !== 'oauth') return { found };
    const { grant } = found;
    return {
      found,
      info: {
        token: tokenValue,
        user: userEmail(grant.portalId),
        hub_domain: hubDomain(grant.portalId),
        scopes: grant.scopes,
        hub_id: grant.portalId,
        app_id: grant.appId,
        expires_in: Math.max(0, Math.floor((found.expiresAt - now()) / 1000)),
        user_id: SANDBOX_USER_ID,
        token_type: 'access',
        is_private_distribution: false,
      },
    };
  }

  function refreshTokenInfo(tokenValue: string, grant: TokenGrant) {
    return {
      token: tokenValue,
      user: userEmail(grant.portalId),
      hub_domain: hubDomain(grant.portalId),
      scopes: grant.scopes,
      hub_id: grant.portalId,
      client_id: grant.clientId,
      user_id: SANDBOX_USER_ID,
      token_type: 'refresh',
    };
  }

  router.get('/oauth/v1/access-tokens/:token', (req, res) => {
    const { found, info } = accessTokenInfo(req.params.token);
    if (info) {
      res.json(info);
      return;
    }
    if (found.kind === 'expired') {
      res.status(401).json(errorBody('EXPIRED_AUTHENTICATION', 'The OAuth token has expired.'));
      return;
    }
    res.status(404).json(errorBody('OBJECT_NOT_FOUND', 'access token not found'));
  });

  router.get('/oauth/v1/refresh-tokens/:token', (req, res) => {
    const grant = store.liveRefreshGrant(req.params.token);
    if (!grant) {
      res.status(404).json(errorBody('OBJECT_NOT_FOUND', 'refresh token not found'));
      return;
    }
    res.json(refreshTokenInfo(req.params.token, grant));
  });

  router.delete('/oauth/v1/refresh-tokens/:token', (req, res) => {
    if (!store.revokeRefreshToken(req.params.token)) {
      res.status(404).json(errorBody('OBJECT_NOT_FOUND', 'refresh token not found'));
      return;
    }
    res.status(204).end();
  });

  const IntrospectRequest = z.object({
    client_id: param,
    client_secret: param,
    token: param,
    token_type_hint: param,
  });

  router.post('/oauth/2026-03/token/introspect', form, (req, res) => {
    const parsed = IntrospectRequest.safeParse(bodyOf(req));
    if (!parsed.success) {
      sendTokenError(res, 'BAD_REQUEST');
      return;
    }
    const app = authenticateClient(res, parsed.data.client_id, parsed.data.client_secret);
    if (!app) return;
    const value = parsed.data.token ?? '';
    const { found, info } = accessTokenInfo(value);
    if (info && found.kind === 'oauth' && found.grant.appId === app.appId) {
      res.json({
        ...info,
        active: true,
        client_id: app.clientId,
        token_use: 'access_token',
        token_type: 'bearer',
        signed_access_token: {
          appId: app.appId,
          appInstallId: `${app.appId}-${found.grant.portalId}`,
          audience: app.clientId,
          expiresAt: found.expiresAt,
          hubId: found.grant.portalId,
          hublet: 'na1',
          installingUserId: SANDBOX_USER_ID,
          isPrivateDistribution: false,
          isServiceAccount: false,
          isUserLevel: false,
          newSignature: '',
          scopeToScopeGroupPks: '',
          scopes: found.grant.scopes.join(' '),
          signature: '',
          trialScopeToScopeGroupPks: '',
          trialScopes: '',
          userId: SANDBOX_USER_ID,
        },
      });
      return;
    }
    const grant = store.liveRefreshGrant(value);
    if (grant && grant.appId === app.appId) {
      res.json({
        ...refreshTokenInfo(value, grant),
        active: true,
        app_id: app.appId,
        token_use: 'refresh_token',
      });
      return;
    }
    // RFC 7662: an unknown, expired or revoked token is simply inactive.
    res.json({ active: false });
  });

  router.post('/oauth/2026-03/token/revoke', form, (req, res) => {
    const parsed = IntrospectRequest.safeParse(bodyOf(req));
    if (!parsed.success) {
      sendTokenError(res, 'BAD_REQUEST');
      return;
    }
    const app = authenticateClient(res, parsed.data.client_id, parsed.data.client_secret);
    if (!app) return;
    // RFC 7009: answer 200 whether or not the token existed, so the endpoint cannot be used to probe tokens.
    store.revokeRefreshToken(parsed.data.token ?? '', app.appId);
    res.status(200).end();
  });

  return router;
}

function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

function pick(source: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof source !== 'object' || source === null) return {};
  const record = source as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
}
