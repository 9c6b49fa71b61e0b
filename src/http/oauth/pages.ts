/** The HTML pages an admin sees at the end of an install: what was set up, or what went wrong. */
import { createHash } from 'node:crypto';
import type { ProvisionReport } from '../../ports/provisioning.js';

/** The pages' only style sheet, inline: allowed by its hash, so nothing else (no script at all) runs. */
const STYLE = `body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#213343}
h1{font-size:1.5rem}code{background:#f5f8fa;padding:0 .25rem}li{margin:.25rem 0}.muted{color:#516f90}`;
const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** Sent with every page (and every /oauth answer): no framing, no sniffing, no Referer carrying the code. */
export const HTML_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Mutual Action Plan</title>
<style>${STYLE}</style>
</head><body>${body}</body></html>`;
}

export interface InstalledPageInput {
  /** The CRM's name as the admin knows it (HubSpot). */
  readonly crmName: string;
  readonly accountId: string;
  readonly report: ProvisionReport;
  readonly declinedScopes: readonly string[];
}

export function installedPage(input: InstalledPageInput): string {
  const { report } = input;
  const mode =
    report.storageMode === 'custom_object'
      ? 'Milestones are kept as <strong>MAP milestone</strong> records (a custom object) associated with each deal, so they can be reported on one by one.'
      : 'Milestones are kept inside each deal’s plan (the <code>map_plan</code> property).';
  const list = (items: readonly string[]): string =>
    items.length === 0 ? '' : `<ul>${items.map((i) => `<li><code>${escape(i)}</code></li>`).join('')}</ul>`;
  const problems = report.problems.map(
    (p) =>
      `<li>${p.blocking ? '<strong>Needs attention:</strong> ' : ''}${escape(p.subject)}: ${escape(p.message)}</li>`,
  );
  return page(
    'Installed',
    `<h1>Mutual Action Plan is installed</h1>
<p>${escape(input.crmName)} account <strong>${escape(input.accountId)}</strong> is connected.</p>
<h2>What was set up</h2>
<ul>
<li><strong>Storage:</strong> ${mode} <span class="muted">${escape(report.storageReason)}</span></li>
<li><strong>Created</strong> (${report.created.length})${list(report.created)}</li>
<li><strong>Updated</strong> (${report.updated.length})${list(report.updated.map((u) => `${u.subject}: ${u.changes.join(', ')}`))}</li>
<li><strong>Already in place:</strong> ${report.unchanged.length}</li>
</ul>
${problems.length > 0 ? `<h2>To look at</h2><ul>${problems.join('')}</ul>` : ''}
${input.declinedScopes.length > 0 ? `<p class="muted">Optional permissions not granted: ${input.declinedScopes.map((s) => `<code>${escape(s)}</code>`).join(', ')}.</p>` : ''}
<h2>Add the card to the deal view</h2>
<ol>
<li>In HubSpot, open any deal record.</li>
<li>Choose <strong>Customize record</strong> (or Settings → Objects → Deals → Record customization) and open the view you use.</li>
<li>Add a tab or pick one, click <strong>+ Add card</strong>, open <strong>Card library</strong> → <strong>Apps</strong>, and add <strong>Mutual Action Plan</strong>.</li>
<li>Save. The card appears on every deal that uses this view.</li>
</ol>
<p class="muted">The <code>map_*</code> deal properties (group “Mutual Action Plan”) can be used in reports, views, filters and workflows as soon as plans exist.</p>`,
  );
}

export function errorPage(title: string, message: string, next: string): string {
  return page(title, `<h1>${escape(title)}</h1><p>${escape(message)}</p><p>${escape(next)}</p>`);
}
