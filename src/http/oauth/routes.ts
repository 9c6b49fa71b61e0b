/**
 * Marketplace OAuth install: GET /oauth/install sends the admin to HubSpot's authorize page with a signed,
 * single-use, expiring state; GET /oauth/callback checks the state, exchanges the code at
 * POST /oauth/2026-03/token, learns the app id from introspection, stores the tokens (encrypted by the
 * installation store), runs provisioning and shows what was set up.
 *
 * The state is bound to the browser that began the install (a nonce in an HttpOnly cookie, its hash inside the
 * signed state); /oauth/install is rate-limited per client address (each call stores a state row); every
 * answer carries headers that keep its pages from being framed, sniffed or leaking the code in a Referer.
 */
import { hubSpotTenant } from '../../adapters/hubspot/tenant.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { InstallationStore } from '../../ports/installation-store.js';
import type { ProvisionPortal } from '../../ports/provisioning.js';
import { context } from '../request-context.js';
import { errorPage, HTML_PAGE_HEADERS, installedPage } from './pages.js';
import {
  CUSTOM_OBJECT_SCOPES,
  REQUIRED_SCOPES,
  storageModeFor,
} from '../../adapters/hubspot/oauth/scopes.js';
import { consumeState, issueState, STATE_TTL_MS } from './state.js';
import type { OAuthTokenClient } from '../../adapters/hubspot/oauth/token-client.js';

export interface OAuthRouteDeps {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where the authorize page is: https://app.hubspot.com, or the sandbox. */
  readonly oauthBase: string;
  /** This backend's public origin; the redirect URI is `<publicBaseUrl>/oauth/callback`. */
  readonly publicBaseUrl: string;
  readonly stateSecret: string;
  readonly installations: InstallationStore;
  readonly tokens: Pick<OAuthTokenClient, 'exchangeCode' | 'introspect'>;
  readonly provision: ProvisionPortal;
  readonly clock: { now(): number };
  /** Behind a TLS-terminating proxy (TRUST_PROXY): the client address is the one the proxy appended. */
  readonly trustProxy?: boolean;
  /** GET /oauth/install per client address; default INSTALL_RATE_LIMIT. Per instance (memory). */
  readonly installRateLimit?: { readonly windowMs: number; readonly limit: number };
}

/** Enough for an admin retrying an install many times; far too few to fill the state table. */
export const INSTALL_RATE_LIMIT = { windowMs: 15 * 60 * 1_000, limit: 30 } as const;

/** The cookie holding the browser's half of the state binding; only /oauth ever sees it. */
export const INSTALL_COOKIE = 'map_oauth_install';

export function installCookie(value: string, publicBaseUrl: string, maxAgeSeconds: number): string {
  const secure = publicBaseUrl.startsWith('https:') ? '; Secure' : '';
  return `${INSTALL_COOKIE}=${value}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

/** The install cookie's value, from the Cookie header (express has no cookie parser here). */
export function installCookieValue(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === INSTALL_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** The client's address for rate limiting: the socket's, or behind a trusted proxy the one it appended last. */
function clientAddress(req: Request, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  const text = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const last = trustProxy ? text?.split(',').at(-1)?.trim() : undefined;
  return ipKeyGenerator(last !== undefined && last !== '' ? last : (req.socket.remoteAddress ?? 'unknown'));
}

export const redirectUri = (publicBaseUrl: string): string => `${publicBaseUrl}/oauth/callback`;

/** The authorize URL for a new state. Extra query pairs (the sandbox's auto=1) may be appended by callers. */
export function authorizeUrl(
  deps: Pick<OAuthRouteDeps, 'clientId' | 'oauthBase' | 'publicBaseUrl'>,
  state: string,
): string {
  const url = new URL('/oauth/authorize', deps.oauthBase);
  url.searchParams.set('client_id', deps.clientId);
  url.searchParams.set('redirect_uri', redirectUri(deps.publicBaseUrl));
  url.searchParams.set('scope', REQUIRED_SCOPES.join(' '));
  url.searchParams.set('optional_scope', CUSTOM_OBJECT_SCOPES.join(' '));
  url.searchParams.set('state', state);
  return url.toString();
}

const CallbackQuery = z.object({
  code: z.string().min(1).max(2_000).optional(),
  state: z.string().min(1).max(500).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2_000).optional(),
});

const AGAIN = 'Start the install again from the HubSpot marketplace listing (or GET /oauth/install).';

export function createOAuthRouter(deps: OAuthRouteDeps): Router {
  const router = express.Router();
  router.use((_req: Request, res: Response, next: NextFunction) => {
    res.set(HTML_PAGE_HEADERS);
    next();
  });

  const limits = deps.installRateLimit ?? INSTALL_RATE_LIMIT;
  const installLimiter = rateLimit({
    windowMs: limits.windowMs,
    limit: limits.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => clientAddress(req, deps.trustProxy ?? false),
    // express's own proxy trust is off on purpose (see app.ts); the key above already handles proxies.
    validate: { trustProxy: false, xForwardedForHeader: false },
    handler: (_req, res) => {
      context(res).log.warn({ reason: 'RATE_LIMITED' }, 'oauth install refused: too many attempts');
      res
        .status(429)
        .type('html')
        .send(
          errorPage(
            'Too many install attempts',
            'This address started too many installs in a short time.',
            `Wait ${Math.ceil(limits.windowMs / 60_000)} minutes, then start the install again from the HubSpot marketplace listing.`,
          ),
        );
    },
  });

  router.get('/install', installLimiter, async (_req: Request, res: Response) => {
    const { state, browserNonce } = await issueState({
      installations: deps.installations,
      secret: deps.stateSecret,
      clock: deps.clock,
    });
    res.set('Set-Cookie', installCookie(browserNonce, deps.publicBaseUrl, STATE_TTL_MS / 1_000));
    res.redirect(302, authorizeUrl(deps, state));
  });

  router.get('/callback', async (req: Request, res: Response) => {
    const log = context(res).log;
    const fail = (status: number, title: string, message: string, next = AGAIN): void => {
      res
        .status(status)
        .type('html')
        .send(errorPage(title, message, next));
    };
    const query = CallbackQuery.safeParse(req.query);
    if (!query.success) {
      fail(
        400,
        'Install could not be completed',
        'The address HubSpot sent you back with is not one this app understands.',
      );
      return;
    }
    const { code, state, error, error_description } = query.data;
    if (state === undefined) {
      fail(400, 'Install could not be completed', 'The install link has no state; it did not start here.');
      return;
    }
    const checked = await consumeState(state, installCookieValue(req.headers.cookie), {
      installations: deps.installations,
      secret: deps.stateSecret,
      clock: deps.clock,
    });
    if (!checked.ok) {
      log.warn({ reason: checked.error }, 'oauth callback refused: state');
      const why =
        checked.error === 'EXPIRED'
          ? 'The install link expired (it lasts 10 minutes).'
          : checked.error === 'REPLAYED'
            ? 'This install link was already used.'
            : checked.error === 'OTHER_BROWSER'
              ? 'This install was started in another browser (or this browser’s install cookie is gone), so it cannot be finished here.'
              : 'The install link was not issued by this app.';
      fail(400, 'Install could not be completed', why);
      return;
    }
    // The state was this browser's and is now used up: its cookie goes too. (Cleared only now, so a forged
    // callback link opened in this browser cannot cancel the install it has in progress.)
    res.set('Set-Cookie', installCookie('', deps.publicBaseUrl, 0));
    if (error !== undefined || code === undefined) {
      log.info({ error }, 'oauth callback: install declined or failed at HubSpot');
      fail(
        400,
        'The app was not installed',
        error === 'access_denied'
          ? 'The install was cancelled in HubSpot.'
          : `HubSpot reported: ${error_description ?? error ?? 'no code was returned'}.`,
      );
      return;
    }
    const issued = await deps.tokens.exchangeCode(code, redirectUri(deps.publicBaseUrl));
    if (!issued.ok) {
      log.warn({ kind: issued.error.kind }, 'oauth callback: code exchange failed');
      fail(
        issued.error.kind === 'unavailable' ? 503 : 400,
        'Install could not be completed',
        issued.error.message,
      );
      return;
    }
    const info = await deps.tokens.introspect(issued.value.accessToken);
    if (
      !info.ok ||
      !info.value.active ||
      info.value.appId === undefined ||
      (info.value.portalId ?? issued.value.portalId) === undefined
    ) {
      log.warn(
        { kind: info.ok ? 'inactive_or_incomplete' : info.error.kind },
        'oauth callback: token introspection failed',
      );
      fail(502, 'Install could not be completed', 'HubSpot did not confirm the new access token.');
      return;
    }
    const portalId = (info.value.portalId ?? issued.value.portalId) as number;
    const scopes = issued.value.scopes ?? info.value.scopes;
    const storageMode = storageModeFor(scopes);
    const tokens = {
      accessToken: issued.value.accessToken,
      refreshToken: issued.value.refreshToken,
      expiresAt: issued.value.expiresAt,
    };
    const tenant = hubSpotTenant(portalId);
    const appId = String(info.value.appId);
    await deps.installations.install({ tenant, appId, scopes, storageMode, tokens });
    log.info({ portalId, storageMode, scopes: scopes.length }, 'portal installed');

    const provisioned = await deps.provision({ portalId, scopes });
    if (!provisioned.ok) {
      log.warn({ portalId, code: provisioned.error.code }, 'provisioning failed');
      fail(
        provisioned.error.code === 'CRM_RATE_LIMITED' || provisioned.error.code === 'CRM_UNAVAILABLE'
          ? 503
          : 502,
        'Installed, but setup is not finished',
        `The app is connected to HubSpot account ${portalId}, but creating its deal properties failed: ${provisioned.error.message}`,
        'Open the install link again to retry setup, or ask an operator to run: npm run cli -- provision ' +
          String(portalId),
      );
      return;
    }
    if (provisioned.value.storageMode !== storageMode) {
      // Provisioning fell back (e.g. the portal's custom-object limit is reached): record the mode it chose.
      await deps.installations.install({
        tenant,
        appId,
        scopes,
        storageMode: provisioned.value.storageMode,
        tokens,
      });
    }
    log.info(
      {
        portalId,
        storageMode: provisioned.value.storageMode,
        created: provisioned.value.created.length,
        problems: provisioned.value.problems.length,
      },
      'portal provisioned',
    );
    const declinedScopes = CUSTOM_OBJECT_SCOPES.filter((s) => !scopes.includes(s));
    res
      .status(200)
      .type('html')
      .send(installedPage({ portalId, report: provisioned.value, declinedScopes }));
  });

  return router;
}
