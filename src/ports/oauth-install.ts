/**
 * What the HTTP layer asks of a CRM to install the app in a tenant through OAuth: where to send the admin to
 * consent, and what an authorization code grants. Each CRM's adapter implements it (src/adapters/<crm>/oauth:
 * the code exchange, learning which app and account the tokens are for, and the storage mode the granted
 * scopes allow), so the install route never reads a provider's token answer.
 */
import type { Result } from '../domain/result.js';
import type { InstallInput } from './installation-store.js';

/**
 * What an admin's consent gave the app: the tenant, our app's id, the scopes and tokens granted, and the
 * storage mode those scopes allow (the adapter decides it from its CRM's scopes; provisioning may still fall
 * back) — what the installation store records — and the optional scopes that were declined.
 */
export interface Grant extends InstallInput {
  /**
   * Optional scopes the app asked for and the admin (or the account's edition) did not grant; the install
   * page names them.
   */
  readonly declinedScopes: readonly string[];
}

/**
 * Why a code gave no grant. `CRM_UNAVAILABLE`: the CRM could not be reached or was failing (try again later);
 * `REFUSED`: the CRM refused the code (used, expired, or for another app); `NOT_CONFIRMED`: the CRM issued
 * tokens but did not confirm them (which app and account they are for).
 */
export interface GrantProblem {
  readonly code: 'CRM_UNAVAILABLE' | 'REFUSED' | 'NOT_CONFIRMED';
  /** A sentence for the admin: what the CRM answered. Never a token. */
  readonly message: string;
  /** A short reason for the log (the token client's error kind). */
  readonly reason: string;
}

export interface OAuthInstall {
  /** The CRM's name as an admin knows it, for the install pages ("<CRM> account 123 is connected"). */
  readonly crmName: string;
  /** The CRM's consent page for a new install, carrying `state` back to the callback. */
  authorizeUrl(state: string): string;
  /** The grant an authorization code from the callback stands for. */
  exchange(code: string): Promise<Result<Grant, GrantProblem>>;
}
