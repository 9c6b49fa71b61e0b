/**
 * `npm run sandbox`: starts the sandbox CRM on 127.0.0.1 and prints how to reach it.
 *
 * Node's built-in SQLite prints an ExperimentalWarning when it loads. That one warning is dropped here (every
 * other warning still prints), and the server is imported only after the filter is in place, because the
 * warning fires when node:sqlite is first imported.
 */
// First: on a Node.js older than 22, say what to install before anything else loads.
import '../lib/require-node.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseSandboxConfig } from './config.js';
import { APP_INSTALL_SCOPES } from './platform/defaults.js';
import { formatConfigProblems } from '../lib/config-problems.js';
import { dropSqliteExperimentalWarning } from '../lib/quiet-sqlite-warning.js';

dropSqliteExperimentalWarning();

const parsed = parseSandboxConfig(process.env);
if (!parsed.ok) {
  process.stderr.write(`${formatConfigProblems(parsed.error, 'docs/sandbox.md')}\n`);
  process.exit(1);
}
const config = parsed.value;
if (config.dataFile !== ':memory:') mkdirSync(dirname(config.dataFile), { recursive: true });

const { createSandbox } = await import('./platform/server.js');
const sandbox = await createSandbox({
  dataFile: config.dataFile,
  port: config.port,
  host: '127.0.0.1',
  demoToken: config.demoToken,
  timeScale: config.timeScale,
  accessTokenTtlSeconds: config.accessTokenTtlSeconds,
  searchIndexLagMs: config.searchIndexLagMs,
  rateLimit: { perTenSeconds: config.perTenSeconds },
  devApp: { name: 'Mutual Action Plan (dev)', ...config.devApp },
  onError: (error) =>
    process.stderr.write(
      `sandbox: request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    ),
});

process.stdout.write(
  [
    `HubSpot sandbox CRM listening on ${sandbox.baseUrl}`,
    `  data:            ${config.dataFile}`,
    `  demo portal:     ${sandbox.demoPortalId} (enterprise)`,
    `  demo token:      ${sandbox.demoToken}   (Authorization: Bearer <token>)`,
    `  OAuth client id: ${sandbox.devApp.clientId}`,
    `  OAuth secret:    ${sandbox.devApp.clientSecret}`,
    `  redirect URLs:   ${sandbox.devApp.redirectUris.join(', ')}`,
    `  authorize:       ${sandbox.baseUrl}/oauth/authorize?client_id=${sandbox.devApp.clientId}&redirect_uri=<url>&scope=${encodeURIComponent(APP_INSTALL_SCOPES.required.join(' '))}&optional_scope=${encodeURIComponent(APP_INSTALL_SCOPES.optional.join(' '))}`,
    `  admin API:       ${sandbox.baseUrl}/_sandbox/portals (no auth; loopback only)`,
    '',
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping the sandbox\n`);
  sandbox.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`sandbox: failed to stop cleanly: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
