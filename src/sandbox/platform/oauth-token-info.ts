/**
 * What the sandbox tells about a token: the v1 metadata endpoints (GET /oauth/v1/access-tokens/{token},
 * GET and DELETE /oauth/v1/refresh-tokens/{token}) and the 2026-03 introspection (RFC 7662) and revocation
 * (RFC 7009) endpoints (oauth-v1.json and oauth-2026-03.json in ../shared/hubspot-openapi).
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { errorBody } from '../errors.js';
import type { OAuthDeps } from './oauth.js';
import { authenticateClient, bodyOf, oauthForm, param, sendTokenError } from './oauth-requests.js';
import type { OAuthApp, TokenGrant } from './store.js';

/** The user every sandbox install is made by (HubSpot reports the installing user on tokens). */
export const SANDBOX_USER_ID = 1_000;
const userEmail = (portalId: number): string => `sandbox-admin@portal-${portalId}.example.com`;
const hubDomain = (portalId: number): string => `portal-${portalId}.example.com`;

/** The body of an introspection or revocation request. */
const TokenAboutRequest = z.object({
  client_id: param,
  client_secret: param,
  token: param,
  token_type_hint: param,
});

export function createTokenInfoRouter(deps: OAuthDeps): Router {
  const { store, now } = deps;
  const router = express.Router();

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

  /** The app asking about a token (RFC 7662 and RFC 7009 requests), and the token; else an error is sent. */
  function tokenRequest(req: Request, res: Response): { app: OAuthApp; token: string } | undefined {
    const parsed = TokenAboutRequest.safeParse(bodyOf(req));
    if (!parsed.success) {
      sendTokenError(res, 'BAD_REQUEST');
      return undefined;
    }
    const app = authenticateClient(store, res, parsed.data.client_id, parsed.data.client_secret);
    return app && { app, token: parsed.data.token ?? '' };
  }

  router.post('/oauth/2026-03/token/introspect', oauthForm, (req, res) => {
    const asked = tokenRequest(req, res);
    if (!asked) return;
    const { app, token: value } = asked;
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

  router.post('/oauth/2026-03/token/revoke', oauthForm, (req, res) => {
    const asked = tokenRequest(req, res);
    if (!asked) return;
    // RFC 7009: answer 200 whether or not the token existed, so the endpoint cannot be used to probe tokens.
    store.revokeRefreshToken(asked.token, asked.app.appId);
    res.status(200).end();
  });

  return router;
}
