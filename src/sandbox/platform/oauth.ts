/**
 * OAuth for the sandbox, one router of three parts: the authorize step (oauth-authorize.ts: a local consent
 * page, or `auto=1` for automation), the token endpoints (oauth-token.ts: `POST /oauth/v1/token`, which
 * @hubspot/api-client calls, and `POST /oauth/2026-03/token`), and what it tells about a token
 * (oauth-token-info.ts: metadata, introspection and revocation). oauth-requests.ts holds what the token-side
 * endpoints share: client authentication and HubSpot's token error body.
 */
import express, { type Router } from 'express';
import type { PortalTier } from '../context.js';
import { createAuthorizeRouter } from './oauth-authorize.js';
import { createTokenInfoRouter } from './oauth-token-info.js';
import { createTokenRouter } from './oauth-token.js';
import type { Portal, PlatformStore } from './store.js';

export interface OAuthDeps {
  store: PlatformStore;
  now: () => number;
  accessTokenTtlSeconds: number;
  demoPortalId: number;
  createPortal: (input: { name: string; tier: PortalTier }) => { portal: Portal; token: string };
}

export function createOAuthRouter(deps: OAuthDeps): Router {
  return express
    .Router()
    .use(createAuthorizeRouter(deps), createTokenRouter(deps), createTokenInfoRouter(deps));
}
