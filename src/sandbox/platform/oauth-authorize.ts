/**
 * The sandbox's OAuth authorize step: a local consent page (GET /oauth/authorize) whose form posts back to
 * the same path, or `auto=1` for automation. It picks (or creates) the portal, decides the scopes with the
 * portal's tier, and redirects to the app's callback with a code or an error (RFC 6749 §4.1.2).
 */
import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { CONSENT_PAGE_HEADERS, renderConsentPage, renderErrorPage } from './consent-page.js';
import type { OAuthDeps } from './oauth.js';
import { oauthForm, param } from './oauth-requests.js';
import { decideScopes, parseScopeParam } from './scopes.js';
import type { OAuthApp, Portal } from './store.js';

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

export function createAuthorizeRouter(deps: OAuthDeps): Router {
  const { store } = deps;
  const router = express.Router();
  router.use('/oauth/authorize', (_req, res, next) => {
    res.set(CONSENT_PAGE_HEADERS);
    next();
  });

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

  router.post('/oauth/authorize', oauthForm, (req, res) => {
    const resolved = resolveClient(res, req.body);
    if (!resolved) return;
    complete(res, resolved.params, resolved.app);
  });

  return router;
}
