/**
 * The sandbox's token endpoints: `POST /oauth/v1/token` (which @hubspot/api-client calls) and
 * `POST /oauth/2026-03/token` (oauth-v1.json and oauth-2026-03.json in ../shared/hubspot-openapi), each
 * taking the authorization_code and refresh_token grants.
 */
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { OAuthDeps } from './oauth.js';
import {
  authenticateClient,
  bodyOf,
  oauthForm,
  param,
  sendTokenError,
  type TokenErrorStatus,
} from './oauth-requests.js';
import type { TokenGrant } from './store.js';

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

export function createTokenRouter(deps: OAuthDeps): Router {
  const { store } = deps;
  const router = express.Router();
  const ttlMs = deps.accessTokenTtlSeconds * 1000;

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
    const app = authenticateClient(store, res, input.client_id, input.client_secret);
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

  router.post('/oauth/v1/token', oauthForm, token(true));
  router.post('/oauth/2026-03/token', oauthForm, token(false));
  return router;
}

/** The listed keys of a query, where present. */
function pick(source: unknown, keys: readonly string[]): Record<string, unknown> {
  if (typeof source !== 'object' || source === null) return {};
  const record = source as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
}
