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
