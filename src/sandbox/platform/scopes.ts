/**
 * The OAuth scopes the sandbox knows, and which of them a portal's tier can grant.
 *
 * The list is every scope named in a `security` block of HubSpot's OpenAPI specs in
 * ../shared/hubspot-openapi/ (objects, schemas, properties, associations, owners, ...), so a scope the
 * app asks for is known here exactly when HubSpot documents an endpoint that needs it.
 */
import type { PortalTier } from '../context.js';

export const KNOWN_SCOPES: readonly string[] = [
  'automation',
  'cpq.quotes.read',
  'cpq.quotes.write',
  'crm.objects.appointments.read',
  'crm.objects.appointments.write',
  'crm.objects.appointments.sensitive.read.v2',
  'crm.objects.appointments.sensitive.write.v2',
  'crm.objects.calls.read',
  'crm.objects.carts.read',
  'crm.objects.carts.write',
  'crm.objects.commercepayments.read',
  'crm.objects.commercepayments.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.companies.sensitive.read.v2',
  'crm.objects.companies.sensitive.write.v2',
  'crm.objects.companies.highly_sensitive.read.v2',
  'crm.objects.companies.highly_sensitive.write.v2',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.contacts.sensitive.read.v2',
  'crm.objects.contacts.sensitive.write.v2',
  'crm.objects.contacts.highly_sensitive.read.v2',
  'crm.objects.contacts.highly_sensitive.write.v2',
  'crm.objects.courses.read',
  'crm.objects.courses.write',
  'crm.objects.custom.read',
  'crm.objects.custom.write',
  'crm.objects.custom.sensitive.read.v2',
  'crm.objects.custom.sensitive.write.v2',
  'crm.objects.custom.highly_sensitive.read.v2',
  'crm.objects.custom.highly_sensitive.write.v2',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.deals.sensitive.read.v2',
  'crm.objects.deals.sensitive.write.v2',
  'crm.objects.deals.highly_sensitive.read.v2',
  'crm.objects.deals.highly_sensitive.write.v2',
  'crm.objects.emails.read',
  'crm.objects.feedback_submissions.read',
  'crm.objects.goals.read',
  'crm.objects.goals.write',
  'crm.objects.invoices.read',
  'crm.objects.invoices.write',
  'crm.objects.leads.read',
  'crm.objects.leads.write',
  'crm.objects.line_items.read',
  'crm.objects.line_items.write',
  'crm.objects.listings.read',
  'crm.objects.listings.write',
  'crm.objects.marketing_events.read',
  'crm.objects.marketing_events.write',
  'crm.objects.meetings.read',
  'crm.objects.notes.read',
  'crm.objects.orders.read',
  'crm.objects.orders.write',
  'crm.objects.owners.read',
  'crm.objects.partner-clients.read',
  'crm.objects.partner-clients.write',
  'crm.objects.partner-services.read',
  'crm.objects.partner-services.write',
  'crm.objects.products.read',
  'crm.objects.products.write',
  'crm.objects.projects.read',
  'crm.objects.projects.write',
  'crm.objects.projects.sensitive.read',
  'crm.objects.projects.sensitive.write',
  'crm.objects.projects.highly_sensitive.read',
  'crm.objects.projects.highly_sensitive.write',
  'crm.objects.quotes.read',
  'crm.objects.quotes.write',
  'crm.objects.services.read',
  'crm.objects.services.write',
  'crm.objects.subscriptions.read',
  'crm.objects.subscriptions.write',
  'crm.objects.tasks.read',
  'crm.objects.tickets.sensitive.read',
  'crm.objects.tickets.sensitive.write',
  'crm.objects.tickets.highly_sensitive.read',
  'crm.objects.tickets.highly_sensitive.write',
  'crm.objects.users.read',
  'crm.objects.users.write',
  'crm.pipelines.orders.read',
  'crm.pipelines.orders.write',
  'crm.schemas.appointments.read',
  'crm.schemas.appointments.write',
  'crm.schemas.calls.read',
  'crm.schemas.carts.read',
  'crm.schemas.carts.write',
  'crm.schemas.commercepayments.read',
  'crm.schemas.commercepayments.write',
  'crm.schemas.companies.read',
  'crm.schemas.companies.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.schemas.courses.read',
  'crm.schemas.courses.write',
  'crm.schemas.custom.read',
  'crm.schemas.custom.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'crm.schemas.emails.read',
  'crm.schemas.invoices.read',
  'crm.schemas.invoices.write',
  'crm.schemas.line_items.read',
  'crm.schemas.listings.read',
  'crm.schemas.listings.write',
  'crm.schemas.meetings.read',
  'crm.schemas.notes.read',
  'crm.schemas.orders.read',
  'crm.schemas.orders.write',
  'crm.schemas.projects.read',
  'crm.schemas.projects.write',
  'crm.schemas.quotes.read',
  'crm.schemas.quotes.write',
  'crm.schemas.services.read',
  'crm.schemas.services.write',
  'crm.schemas.subscriptions.read',
  'crm.schemas.subscriptions.write',
  'crm.schemas.tasks.read',
  'crm.schemas.tickets.read',
  'crm.schemas.tickets.write',
  'developers-read',
  'developers-write',
  'e-commerce',
  'media_bridge.read',
  'oauth',
  'private-apps-read',
  'private-apps-write',
  'tickets',
  'tickets.highly_sensitive.v2',
  'tickets.sensitive.v2',
  'timeline',
];

const known = new Set(KNOWN_SCOPES);

export const isKnownScope = (scope: string): boolean => known.has(scope);

/** Custom objects are Enterprise-only, so are the scopes that reach them. */
export function tierAllowsScope(tier: PortalTier, scope: string): boolean {
  const custom = scope.startsWith('crm.objects.custom.') || scope.startsWith('crm.schemas.custom.');
  return !custom || tier === 'enterprise';
}

/** What a static (private-app style) token of a portal may do: every known scope its tier allows. */
export const staticTokenScopes = (tier: PortalTier): string[] =>
  KNOWN_SCOPES.filter((s) => tierAllowsScope(tier, s));

/** Splits an OAuth `scope` / `optional_scope` parameter: HubSpot separates scopes with spaces (or `+`). */
export const parseScopeParam = (value: string | undefined): string[] =>
  value === undefined ? [] : [...new Set(value.split(/[\s+]+/).filter((s) => s.length > 0))];

export type ScopeDecision =
  | { ok: true; granted: string[]; declinedOptional: string[] }
  | { ok: false; error: 'invalid_scope'; description: string };

/**
 * Granted scopes = the required ones (all of them, or the install fails) ∪ the optional ones the tier allows.
 * An unknown scope fails the install, as it does on HubSpot.
 */
export function decideScopes(
  tier: PortalTier,
  required: readonly string[],
  optional: readonly string[],
): ScopeDecision {
  const unknown = [...required, ...optional].filter((s) => !isKnownScope(s));
  if (unknown.length > 0) {
    return { ok: false, error: 'invalid_scope', description: `Unknown scope(s): ${unknown.join(', ')}` };
  }
  const notGrantable = required.filter((s) => !tierAllowsScope(tier, s));
  if (notGrantable.length > 0) {
    return {
      ok: false,
      error: 'invalid_scope',
      description: `This ${tier} portal cannot grant the required scope(s): ${notGrantable.join(', ')}`,
    };
  }
  const granted = new Set(required);
  const declinedOptional: string[] = [];
  for (const scope of optional) {
    if (tierAllowsScope(tier, scope)) granted.add(scope);
    else declinedOptional.push(scope);
  }
  return { ok: true, granted: [...granted].sort(), declinedOptional };
}
