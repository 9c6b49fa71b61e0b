/**
 * Access tokens for CRM calls, per portal: read from the installation store (so several instances share
 * one refresh), refreshed when less than REFRESH_MARGIN_MS of life is left, one refresh at a time per
 * portal (concurrent callers wait for the same refresh). A portal whose refresh is refused (invalid_grant:
 * revoked or uninstalled), or keeps failing — MAX_REFRESH_FAILURES times in a row over at least
 * MIN_FAILING_MS, so that a short HubSpot outage never counts (invalid_client, our own credentials, never
 * counts at all) — is marked inactive, which deletes its tokens, so nothing calls HubSpot for it again until
 * it is reinstalled. No token is a result, never a throw: the transport turns it into a CrmError.
 */
import type { Logger } from 'pino';
import { err, ok, type Result } from '../../../domain/result.js';
import type { InstallationStore } from '../../../ports/installation-store.js';
import { hubSpotTenant } from '../tenant.js';
import type { OAuthTokenClient } from './token-client.js';

/** Refresh this long before expiry: a CRM call with retries must not outlive its token. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1_000;
/** Failed refreshes in a row (other than a refusal) after which the portal is marked inactive... */
export const MAX_REFRESH_FAILURES = 5;
/** ...provided they have gone on for at least this long: an outage of minutes must not cost a reinstall. */
export const MIN_FAILING_MS = 24 * 60 * 60 * 1_000;

/** Why a portal has no access token to use now. */
export interface AccessTokenUnavailable {
  readonly portalId: number;
  /** inactive: the portal has no usable installation; unavailable: HubSpot could not refresh right now. */
  readonly reason: 'inactive' | 'unavailable';
  /** What happened, for an operator (no token, no secret). */
  readonly message: string;
}

export type AccessTokenResult = Result<string, AccessTokenUnavailable>;

const inactive = (portalId: number, message: string): AccessTokenResult =>
  err({ portalId, reason: 'inactive', message });
const noTokens = (portalId: number): AccessTokenResult =>
  inactive(portalId, `Portal ${portalId} has no tokens (not installed, or inactive).`);

export interface AccessTokenProviderDeps {
  readonly installations: InstallationStore;
  readonly oauth: Pick<OAuthTokenClient, 'refresh'>;
  readonly clock: { now(): number };
  readonly log: Logger;
  readonly maxFailures?: number;
  readonly minFailingMs?: number;
}

export class AccessTokenProvider {
  private readonly inFlight = new Map<number, Promise<AccessTokenResult>>();
  /** Per portal: failed refreshes in a row, and when the first of them happened. */
  private readonly failures = new Map<number, { count: number; since: number }>();

  constructor(private readonly deps: AccessTokenProviderDeps) {}

  /** The transport's `accessToken` option. */
  readonly accessToken = (portalId: string | number): Promise<AccessTokenResult> =>
    this.get(Number(portalId));

  async get(portalId: number): Promise<AccessTokenResult> {
    const tokens = await this.deps.installations.getTokens(hubSpotTenant(portalId));
    if (!tokens) return noTokens(portalId);
    if (tokens.expiresAt - this.deps.clock.now() > REFRESH_MARGIN_MS) return ok(tokens.accessToken);
    let refresh = this.inFlight.get(portalId);
    if (!refresh) {
      refresh = this.refresh(portalId, tokens.refreshToken, tokens.accessToken, tokens.expiresAt).finally(
        () => this.inFlight.delete(portalId),
      );
      this.inFlight.set(portalId, refresh);
    }
    return refresh;
  }

  /** Refreshes now, whatever the expiry (CLI, tests). */
  async forceRefresh(portalId: number): Promise<AccessTokenResult> {
    const tokens = await this.deps.installations.getTokens(hubSpotTenant(portalId));
    if (!tokens) return noTokens(portalId);
    return this.refresh(portalId, tokens.refreshToken, tokens.accessToken, 0);
  }

  private async refresh(
    portalId: number,
    refreshToken: string,
    current: string,
    expiresAt: number,
  ): Promise<AccessTokenResult> {
    const log = this.deps.log.child({ portalId });
    const result = await this.deps.oauth.refresh(refreshToken);
    if (result.ok) {
      this.failures.delete(portalId);
      const t = result.value;
      const saved = await this.deps.installations.saveTokens(
        hubSpotTenant(portalId),
        { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: t.expiresAt },
        t.scopes,
      );
      if (!saved) return inactive(portalId, `Portal ${portalId} was uninstalled during a token refresh.`);
      log.info(
        { expiresInS: Math.round((t.expiresAt - this.deps.clock.now()) / 1_000) },
        'access token refreshed',
      );
      return ok(t.accessToken);
    }
    // Only invalid_grant speaks about this portal; invalid_client means our own credentials are wrong, which
    // must not deactivate every portal: it is never counted (deactivating deletes the refresh token, so a bad
    // client secret deployed for a few requests would otherwise force every customer to reinstall).
    const ours = result.error.kind === 'invalid_client';
    const now = this.deps.clock.now();
    const previous = this.failures.get(portalId) ?? { count: 0, since: now };
    const streak = ours ? previous : { count: previous.count + 1, since: previous.since };
    if (!ours) this.failures.set(portalId, streak);
    const failures = streak.count;
    const refused = result.error.kind === 'invalid_grant';
    const persistent =
      failures >= (this.deps.maxFailures ?? MAX_REFRESH_FAILURES) &&
      now - streak.since >= (this.deps.minFailingMs ?? MIN_FAILING_MS);
    if (refused || persistent) {
      this.failures.delete(portalId);
      await this.deps.installations.deactivate(
        hubSpotTenant(portalId),
        refused ? 'token_revoked' : 'refresh_failed',
      );
      log.warn({ kind: result.error.kind, failures }, 'token refresh failed: installation marked inactive');
      return inactive(
        portalId,
        `Portal ${portalId} can no longer refresh its access token: ${result.error.message}`,
      );
    }
    log.warn({ kind: result.error.kind, failures }, 'token refresh failed');
    // The current token may still have a few minutes: better used than a failed request.
    if (expiresAt > this.deps.clock.now()) return ok(current);
    return err({
      portalId,
      reason: 'unavailable',
      message: `HubSpot could not refresh the access token of portal ${portalId}: ${result.error.message}`,
    });
  }
}
