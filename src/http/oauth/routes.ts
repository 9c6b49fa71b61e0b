/**
 * Marketplace OAuth install: GET /oauth/install sends the admin to the CRM's consent page with a signed,
 * single-use, expiring state; GET /oauth/callback checks the state, has the CRM's adapter turn the code into a
 * grant (OAuthInstall.exchange), runs the install use case (functions/install-tenant.ts: record the
 * installation, its tokens encrypted by the installation store, provision, record the storage mode) and shows
 * what was set up, or what went wrong.
 *
 * The state is bound to the browser that began the install (a nonce in an HttpOnly cookie, its hash inside the
 * signed state); /oauth/install is rate-limited per client address (each call stores a state row); every
 * answer carries headers that keep its pages from being framed, sniffed or leaking the code in a Referer.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { installTenant } from '../../../functions/install-tenant.js';
import type { InstallationStore } from '../../ports/installation-store.js';
import type { GrantProblem, OAuthInstall } from '../../ports/oauth-install.js';
import type { ProvisionTenant } from '../../ports/provisioning.js';
import type { AccountInfo } from '../../ports/account-info.js';
import { bindRequest, context } from '../request-context.js';
import { errorPage, HTML_PAGE_HEADERS, installedPage } from './pages.js';
import { consumeState, issueState, STATE_TTL_MS } from './state.js';

export interface OAuthRouteDeps {
  /** The CRM's side of the install: its consent page, and the grant a code stands for (src/adapters/<crm>). */
  readonly oauth: OAuthInstall;
  /** This backend's public origin (the redirect URI is `redirectUri(publicBaseUrl)`; https makes the cookie Secure). */
  readonly publicBaseUrl: string;
  readonly stateSecret: string;
  readonly installations: InstallationStore;
  readonly provision: ProvisionTenant;
  /** Where the install reads the account's time zone. */
  readonly accounts: AccountInfo;
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

/** Where the CRM sends the admin back: this router's callback (src/main.ts gives it to the CRM's adapter). */
export const redirectUri = (publicBaseUrl: string): string => `${publicBaseUrl}/oauth/callback`;

const CallbackQuery = z.object({
  code: z.string().min(1).max(2_000).optional(),
  state: z.string().min(1).max(500).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2_000).optional(),
});

/** What an admin does after a failed install: begin again where installs begin. */
const again = (crmName: string): string =>
  `Start the install again from the ${crmName} marketplace listing (or GET /oauth/install).`;

/** The page's status for a code that gave no grant: the CRM was failing, refused the code, or did not confirm it. */
const GRANT_PROBLEM_STATUS: Readonly<Record<GrantProblem['code'], number>> = {
  CRM_UNAVAILABLE: 503,
  REFUSED: 400,
  NOT_CONFIRMED: 502,
};

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
            `Wait ${Math.ceil(limits.windowMs / 60_000)} minutes, then start the install again from the ${deps.oauth.crmName} marketplace listing.`,
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
    res.redirect(302, deps.oauth.authorizeUrl(state));
  });

  router.get('/callback', async (req: Request, res: Response) => {
    const log = context(res).log;
    const { crmName } = deps.oauth;
    const fail = (status: number, title: string, message: string, next = again(crmName)): void => {
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
        `The address ${crmName} sent you back with is not one this app understands.`,
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
      log.info({ error }, 'oauth callback: install declined or failed at the CRM');
      fail(
        400,
        'The app was not installed',
        error === 'access_denied'
          ? `The install was cancelled in ${crmName}.`
          : `${crmName} reported: ${error_description ?? error ?? 'no code was returned'}.`,
      );
      return;
    }
    const grant = await deps.oauth.exchange(code);
    if (!grant.ok) {
      const { code: problem, reason } = grant.error;
      log.warn(
        { code: problem, reason },
        problem === 'NOT_CONFIRMED'
          ? 'oauth callback: token introspection failed'
          : 'oauth callback: code exchange failed',
      );
      fail(GRANT_PROBLEM_STATUS[problem], 'Install could not be completed', grant.error.message);
      return;
    }
    const { tenant, scopes, declinedScopes } = grant.value;
    // From here on the request's log lines name the tenant (crm, accountId).
    bindRequest(res, { tenant });
    const installed = await installTenant(
      { installations: deps.installations, provision: deps.provision, accounts: deps.accounts },
      grant.value,
    );
    if (!installed.ok) {
      const failure = installed.error;
      if (failure.code === 'UNEXPECTED') {
        context(res).log.error({ err: failure.cause }, 'install failed: unexpected error');
        fail(
          500,
          'Install could not be completed',
          `Something went wrong on our side while installing the app in ${crmName} account ${tenant.accountId}.`,
        );
        return;
      }
      context(res).log.warn({ code: failure.cause.code }, 'installed, but provisioning failed');
      fail(
        failure.retryable ? 503 : 502,
        'Installed, but setup is not finished',
        `The app is connected to ${crmName} account ${tenant.accountId}, but creating its deal properties failed: ${failure.cause.message}`,
        `Open the install link again to retry setup, or ask an operator to run: npm run cli -- provision ${tenant.accountId}`,
      );
      return;
    }
    const { report } = installed.value;
    context(res).log.info(
      {
        storageMode: report.storageMode,
        scopes: scopes.length,
        created: report.created.length,
        problems: report.problems.length,
      },
      'tenant installed and provisioned',
    );
    res
      .status(200)
      .type('html')
      .send(installedPage({ crmName, accountId: tenant.accountId, report, declinedScopes }));
  });

  return router;
}
