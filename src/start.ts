/**
 * `npm start`: the configuration, once; unless HubSpot credentials are configured, the sandbox CRM
 * in-process; the backend on PORT; then (sandbox mode) the demo portal installed through the real OAuth flow
 * (GET /oauth/install → the sandbox's authorize page with auto=1 → /oauth/callback); then the URLs.
 * SIGTERM/SIGINT stop the backend (requests in flight finish), then the sandbox.
 *
 * node:sqlite prints an ExperimentalWarning when it loads; that one warning is dropped (every other still
 * prints), and the modules that load it are imported only after the filter is in place.
 */
// First: on a Node.js older than 22, say what to install before anything else loads.
import './lib/require-node.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadConfig, logConfigSummary } from './config.js';
import { formatConfigProblems } from './lib/config-problems.js';
import { parsePreviewConfig } from './preview/config.js';
import { parseSandboxConfig } from './sandbox/config.js';
import { createLogger } from './lib/logger.js';
// Type only: erased at run time, so node:sqlite still loads after the warning filter.
import type { Sandbox } from './sandbox/platform/server.js';
import { dropSqliteExperimentalWarning } from './lib/quiet-sqlite-warning.js';

dropSqliteExperimentalWarning();

// Every program's configuration, parsed once, before anything starts: one message lists every problem of all three.
const loaded = loadConfig(process.env);
/** In sandbox mode with no CRM address configured, the sandbox runs in this process (and the preview beside it). */
const inProcessSandbox =
  loaded.ok && loaded.value.crm.mode === 'sandbox' && loaded.value.crm.apiBase === null;
// When the backend's own configuration is invalid, the others are checked too, so one attempt shows everything.
const sandboxConfig = inProcessSandbox || !loaded.ok ? parseSandboxConfig(process.env) : undefined;
const previewConfig = inProcessSandbox || !loaded.ok ? parsePreviewConfig(process.env) : undefined;
const problems = [loaded, sandboxConfig, previewConfig].flatMap((r) =>
  r === undefined || r.ok ? [] : r.error,
);
if (!loaded.ok || problems.length > 0) {
  process.stderr.write(
    `${formatConfigProblems(problems, '.env.example, docs/sandbox.md and docs/preview.md')}\n`,
  );
  process.exit(1);
}
const config = loaded.value;
const logger = createLogger({ level: config.logLevel });
logConfigSummary(logger, config);

const { DEFAULT_DEV_APP } = await import('./sandbox/platform/defaults.js');
const { createBackend } = await import('./main.js');
const { listen } = await import('./lib/http-server.js');
const { redirectUri } = await import('./http/oauth/routes.js');

let sandbox: Sandbox | undefined;
if (sandboxConfig?.ok) {
  const { createSandbox } = await import('./sandbox/platform/server.js');
  const sc = sandboxConfig.value;
  if (sc.dataFile !== ':memory:') mkdirSync(dirname(sc.dataFile), { recursive: true });
  sandbox = await createSandbox({
    dataFile: sc.dataFile,
    port: sc.port,
    demoToken: sc.demoToken,
    timeScale: sc.timeScale,
    accessTokenTtlSeconds: sc.accessTokenTtlSeconds,
    searchIndexLagMs: sc.searchIndexLagMs,
    rateLimit: { perTenSeconds: sc.perTenSeconds },
    // The backend's own OAuth app: its credentials, and its callback whatever PORT is.
    devApp: {
      name: 'Mutual Action Plan (dev)',
      clientId: config.hubspotClientId,
      clientSecret: config.hubspotClientSecret,
      redirectUris: [...new Set([...DEFAULT_DEV_APP.redirectUris, redirectUri(config.publicBaseUrl)])],
    },
    onError: (error) => logger.error({ err: error }, 'sandbox: request failed'),
  });
}
const crmBase = sandbox?.baseUrl ?? config.crm.apiBase ?? 'https://api.hubapi.com';
const oauthBase = sandbox?.baseUrl ?? config.crm.oauthBase ?? 'https://app.hubspot.com';

if (config.databaseUrl === null && config.sqlitePath !== ':memory:')
  mkdirSync(dirname(config.sqlitePath), { recursive: true });
const sandboxUrl = sandbox?.baseUrl;
const backend = await createBackend({
  config,
  crm: { apiBase: crmBase, oauthBase },
  logger,
  readiness:
    sandboxUrl === undefined
      ? {}
      : {
          sandbox: async () => {
            const res = await fetch(`${sandboxUrl}/_sandbox/portals`, { signal: AbortSignal.timeout(1_500) });
            if (!res.ok) throw new Error(`sandbox answered ${res.status}`);
          },
        },
});
// Behind HubSpot (hubspot mode) the backend must be reachable from a proxy; locally it stays on loopback.
const server = await listen(backend.app, {
  port: config.port,
  host: config.crm.mode === 'hubspot' ? '0.0.0.0' : '127.0.0.1',
});

let demoPortal: number | undefined;
if (sandbox) {
  demoPortal = await installDemoPortal(`http://127.0.0.1:${server.port}`, sandbox.demoPortalId);
}

// The local preview (sandbox mode): the deal card in a HubSpot-like record page, PREVIEW=off to skip it.
let preview: { url: string; close(): Promise<void> } | undefined;
if (sandbox && demoPortal !== undefined && previewConfig?.ok) {
  const { startLocalPreview } = await import('./preview/start.js');
  preview = await startLocalPreview({
    config: previewConfig.value,
    logger,
    sandbox: { baseUrl: sandbox.baseUrl, demoToken: sandbox.demoToken },
    portalId: demoPortal,
    backendUrl: `http://127.0.0.1:${server.port}`,
    publicBaseUrl: config.publicBaseUrl,
    clientSecret: config.hubspotClientSecret,
  });
}

const lines = [
  '',
  `Mutual Action Plan backend listening on http://127.0.0.1:${server.port} (public URL ${config.publicBaseUrl})`,
  `  health:        ${config.publicBaseUrl}/healthz, ${config.publicBaseUrl}/readyz`,
  `  install:       ${config.publicBaseUrl}/oauth/install`,
  `  functions:     POST ${config.publicBaseUrl}/api/<function> (signed like hubspot.fetch: X-HubSpot-Signature-v3 over the URL with ?portalId=&userId=)`,
  `  try one:       npm run cli -- call get-plan <portalId> '{"dealId":"<dealId>"}'   (signs the request for you)`,
  `                 npm run cli -- help`,
];
if (sandbox) {
  lines.push(
    `Sandbox CRM on ${sandbox.baseUrl} (admin API ${sandbox.baseUrl}/_sandbox/portals, loopback only)`,
    `  demo portal:   ${sandbox.demoPortalId} (enterprise) ${demoPortal === undefined ? 'NOT installed (see the log above)' : 'installed through the OAuth flow'}`,
    `  deals:         curl -H 'Authorization: Bearer ${sandbox.demoToken}' '${sandbox.baseUrl}/crm/v3/objects/deals?limit=5'`,
  );
}
if (preview) lines.push(`Local preview (the deal card as HubSpot shows it): ${preview.url}/`);
process.stdout.write(`${lines.join('\n')}\n`);

/** Runs the marketplace install as an admin's browser would, against the sandbox's authorize page. */
async function installDemoPortal(backendUrl: string, portalId: number): Promise<number | undefined> {
  try {
    const install = await fetch(`${backendUrl}/oauth/install`, { redirect: 'manual' });
    // The browser's half of the state binding: a browser sends this cookie back to /oauth/callback.
    const cookie = install.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const authorize = new URL(install.headers.get('location') ?? '');
    authorize.searchParams.set('auto', '1');
    authorize.searchParams.set('portal_id', String(portalId));
    const consent = await fetch(authorize, { redirect: 'manual' });
    // The redirect names the public URL; call this process directly.
    const callback = new URL(consent.headers.get('location') ?? '');
    const done = await fetch(`${backendUrl}${callback.pathname}${callback.search}`, {
      redirect: 'manual',
      headers: { cookie },
    });
    if (done.status !== 200) {
      logger.warn({ status: done.status, portalId }, 'demo portal install did not complete');
      return undefined;
    }
    logger.info({ portalId }, 'demo portal installed through the OAuth flow');
    return portalId;
  } catch (error) {
    // Start-up goes on without the demo install: the backend itself works, and the log says why.
    logger.error({ err: error }, 'demo portal install failed');
    return undefined;
  }
}

let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  const done = async (): Promise<void> => {
    await preview?.close();
    await server.close();
    await backend.close();
    await sandbox?.close();
  };
  done().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'failed to stop cleanly');
      process.exit(1);
    },
  );
}
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
