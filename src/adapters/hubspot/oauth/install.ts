/**
 * The OAuthInstall port for HubSpot: the authorize URL (required scopes, and the custom-object scopes as
 * optional), and a code's grant: the code exchanged at POST /oauth/2026-03/token, the new access token
 * introspected for the app id and the portal (the token answer has no app id), and the storage mode the
 * granted scopes allow.
 */
import { err, ok, type Result } from '../../../domain/result.js';
import type { Grant, GrantProblem, OAuthInstall } from '../../../ports/oauth-install.js';
import { hubSpotTenant } from '../tenant.js';
import { CUSTOM_OBJECT_SCOPES, REQUIRED_SCOPES, storageModeFor } from './scopes.js';
import type { OAuthTokenClient } from './token-client.js';

export interface HubSpotOAuthInstallOptions {
  readonly clientId: string;
  /** Where the authorize page is: https://app.hubspot.com, or the sandbox. */
  readonly oauthBase: string;
  /** The backend's callback (`<publicBaseUrl>/oauth/callback`): HubSpot sends the admin back there. */
  readonly redirectUri: string;
  readonly tokens: Pick<OAuthTokenClient, 'exchangeCode' | 'introspect'>;
}

export function hubSpotOAuthInstall(options: HubSpotOAuthInstallOptions): OAuthInstall {
  return {
    crmName: 'HubSpot',
    // Extra query pairs (the sandbox's auto=1) may be appended by callers.
    authorizeUrl(state) {
      const url = new URL('/oauth/authorize', options.oauthBase);
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('redirect_uri', options.redirectUri);
      url.searchParams.set('scope', REQUIRED_SCOPES.join(' '));
      url.searchParams.set('optional_scope', CUSTOM_OBJECT_SCOPES.join(' '));
      url.searchParams.set('state', state);
      return url.toString();
    },
    exchange: (code) => exchange(options, code),
  };
}

async function exchange(
  options: HubSpotOAuthInstallOptions,
  code: string,
): Promise<Result<Grant, GrantProblem>> {
  const issued = await options.tokens.exchangeCode(code, options.redirectUri);
  if (!issued.ok)
    return err({
      code: issued.error.kind === 'unavailable' ? 'CRM_UNAVAILABLE' : 'REFUSED',
      message: issued.error.message,
      reason: issued.error.kind,
    });
  const info = await options.tokens.introspect(issued.value.accessToken);
  const portalId = info.ok ? (info.value.portalId ?? issued.value.portalId) : undefined;
  if (!info.ok || !info.value.active || info.value.appId === undefined || portalId === undefined)
    return err({
      code: 'NOT_CONFIRMED',
      message: 'HubSpot did not confirm the new access token.',
      reason: info.ok ? 'inactive_or_incomplete' : info.error.kind,
    });
  const scopes = issued.value.scopes ?? info.value.scopes;
  return ok({
    tenant: hubSpotTenant(portalId),
    appId: String(info.value.appId),
    scopes,
    storageMode: storageModeFor(scopes),
    tokens: {
      accessToken: issued.value.accessToken,
      refreshToken: issued.value.refreshToken,
      expiresAt: issued.value.expiresAt,
    },
    declinedScopes: CUSTOM_OBJECT_SCOPES.filter((s) => !scopes.includes(s)),
  });
}
