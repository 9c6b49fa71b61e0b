/**
 * What the sandbox's token-side OAuth endpoints share (the token endpoints, introspection and revocation):
 * the form parser, one string per parameter, client authentication, and HubSpot's token error body.
 *
 * Token errors use HubSpot's shape: HTTP 400 with its own `status` / `message` (e.g. BAD_REFRESH_TOKEN) and
 * the RFC 6749 `error` / `error_description` that HubSpot added in 2026; the body is the same on v1 and
 * 2026-03.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { OAuthApp, PlatformStore } from './store.js';

export type TokenErrorStatus =
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

export const sendTokenError = (res: Response, status: TokenErrorStatus): void => {
  res.status(400).json(tokenError(status));
};

/** OAuth's form-encoded bodies (RFC 6749 §4.1.3). */
export const oauthForm = express.urlencoded({ extended: false, limit: '64kb' });

/** One string per parameter; a repeated parameter (an array) is refused rather than guessed at. */
export const param = z.string().optional();

/** The app a token request names, if its client id and secret hold; else a token error is sent. */
export function authenticateClient(
  store: PlatformStore,
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

export function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}
