/**
 * Documented development defaults. Kept apart from app.ts so that config.ts can read them without loading
 * node:sqlite (main.ts filters SQLite's ExperimentalWarning before that module loads).
 */
export interface DevAppOptions {
  name?: string;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** The demo portal's static token for local use: a development value, not a secret. */
export const DEFAULT_DEMO_TOKEN = 'sandbox-demo-token';

/** The OAuth app registered at start-up; its secret is a development value too. */
export const DEFAULT_DEV_APP: DevAppOptions = {
  name: 'Mutual Action Plan (dev)',
  clientId: 'sandbox-dev-client-id',
  clientSecret: 'sandbox-dev-client-secret',
  redirectUris: ['http://localhost:3000/oauth/callback', 'http://127.0.0.1:3000/oauth/callback'],
};

/**
 * The scopes the app installs with (src/adapters/hubspot/oauth/scopes.ts: REQUIRED_SCOPES, and CUSTOM_OBJECT_SCOPES as
 * optional scopes). A static token (the demo portal's, and those of portals made through the admin API) acts as
 * a private app configured with exactly these, so local runs and tests see what a real install would grant:
 * the optional custom-object scopes only on Enterprise portals. test/sandbox/platform-auth.test.ts keeps the
 * two lists equal.
 */
export const APP_INSTALL_SCOPES: {
  readonly required: readonly string[];
  readonly optional: readonly string[];
} = {
  required: [
    'oauth',
    'crm.objects.deals.read',
    'crm.objects.deals.write',
    'crm.schemas.deals.read',
    'crm.schemas.deals.write',
    'crm.objects.contacts.read',
    'crm.objects.contacts.write',
    'crm.objects.owners.read',
  ],
  optional: [
    'crm.schemas.custom.read',
    'crm.schemas.custom.write',
    'crm.objects.custom.read',
    'crm.objects.custom.write',
  ],
};
