/**
 * The sandbox's OAuth consent page: plain HTML with inline CSS, no scripts. It lists the scopes the app asks
 * for and lets the user pick the portal to install into (the demo portal preselected) or create a new one of
 * a chosen tier. The form posts back to /oauth/authorize.
 */
import { createHash } from 'node:crypto';
import type { PortalTier } from '../context.js';
import type { OAuthApp, Portal } from './store.js';
import { tierAllowsScope } from './scopes.js';

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const TIERS: readonly PortalTier[] = ['free', 'starter', 'professional', 'enterprise'];
const tierLabel = (tier: PortalTier): string => tier.charAt(0).toUpperCase() + tier.slice(1);

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f5f8fa; color: #33475b; margin: 0; }
  main { max-width: 560px; margin: 48px auto; background: #fff; border: 1px solid #cbd6e2; border-radius: 8px; padding: 32px; }
  h1 { font-size: 20px; margin: 0 0 4px; } .muted { color: #7c98b6; font-size: 14px; }
  h2 { font-size: 15px; margin: 24px 0 8px; }
  ul { padding-left: 20px; margin: 0; } li { margin: 4px 0; font-family: ui-monospace, monospace; font-size: 13px; }
  .tag { font-family: system-ui, sans-serif; font-size: 11px; border-radius: 3px; padding: 1px 6px; margin-left: 6px; background: #eaf0f6; }
  .tag.warn { background: #fdedee; color: #d94c53; }
  label { display: block; margin: 8px 0; } select, input[type=text] { font-size: 14px; padding: 6px; border: 1px solid #cbd6e2; border-radius: 3px; }
  .actions { margin-top: 28px; display: flex; gap: 12px; }
  button { font-size: 14px; padding: 10px 18px; border-radius: 3px; border: 1px solid #ff7a59; cursor: pointer; }
  button.primary { background: #ff7a59; color: #fff; } button.secondary { background: #fff; color: #ff7a59; }
  .banner { background: #fef8f0; border: 1px solid #fbc79b; padding: 8px 12px; border-radius: 4px; font-size: 13px; }
`;

/**
 * Sent with the consent and error pages: nothing runs or loads but the inline style (by its hash), the page
 * cannot be framed (clickjacking the Connect button) or sniffed. No form-action: the form's answer redirects
 * to the app's callback on another origin.
 */
export const CONSENT_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'; base-uri 'none'; frame-ancestors 'none'`,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export interface ConsentPageInput {
  app: OAuthApp;
  portals: Portal[];
  demoPortalId: number;
  redirectUri: string;
  state: string | undefined;
  requiredScopes: string[];
  optionalScopes: string[];
}

export function renderConsentPage(input: ConsentPageInput): string {
  const hidden = (name: string, value: string | undefined): string =>
    value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const portalOptions = input.portals
    .map(
      (p) =>
        `<option value="${p.id}"${p.id === input.demoPortalId ? ' selected' : ''}>${escapeHtml(p.name)} — ${p.id} (${tierLabel(p.tier)})</option>`,
    )
    .join('');
  const tierOptions = TIERS.map(
    (t) => `<option value="${t}"${t === 'professional' ? ' selected' : ''}>${tierLabel(t)}</option>`,
  ).join('');
  const required = input.requiredScopes
    .map(
      (s) =>
        `<li>${escapeHtml(s)}${tierAllowsScope('professional', s) ? '' : '<span class="tag warn">Enterprise only</span>'}</li>`,
    )
    .join('');
  const optional = input.optionalScopes
    .map(
      (s) =>
        `<li>${escapeHtml(s)}<span class="tag">${tierAllowsScope('professional', s) ? 'optional' : 'optional · Enterprise only'}</span></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connect ${escapeHtml(input.app.name)} — HubSpot sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><main>
  <p class="banner">Local sandbox CRM — no real HubSpot account is involved.</p>
  <h1>Connect ${escapeHtml(input.app.name)}</h1>
  <p class="muted">The app will be redirected to ${escapeHtml(input.redirectUri)}</p>
  <form method="post" action="/oauth/authorize">
    ${hidden('client_id', input.app.clientId)}${hidden('redirect_uri', input.redirectUri)}${hidden('state', input.state)}
    ${hidden('scope', input.requiredScopes.join(' '))}${hidden('optional_scope', input.optionalScopes.length > 0 ? input.optionalScopes.join(' ') : undefined)}
    <h2>Requested access</h2>
    <ul>${required}</ul>
    ${optional ? `<h2>Optional access</h2><p class="muted">Granted only where the portal's tier has the feature.</p><ul>${optional}</ul>` : ''}
    <h2>Install into</h2>
    <label><input type="radio" name="portal_choice" value="existing" checked> An existing portal
      <select name="portal_id">${portalOptions}</select></label>
    <label><input type="radio" name="portal_choice" value="new"> A new portal of tier
      <select name="new_portal_tier">${tierOptions}</select>
      named <input type="text" name="new_portal_name" placeholder="Sandbox portal"></label>
    <div class="actions">
      <button class="primary" type="submit" name="decision" value="allow">Connect app</button>
      <button class="secondary" type="submit" name="decision" value="deny">Cancel</button>
    </div>
  </form>
</main></body></html>`;
}

export function renderErrorPage(title: string, detail: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></main></body></html>`;
}
