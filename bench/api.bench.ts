/**
 * `npm run bench:api`: the backend under load from a second process on 127.0.0.1, against the in-process
 * sandbox CRM with the real wiring (OAuth-installed portal, HubSpot PlanStore in custom-object mode).
 *
 * Scenarios: GET /healthz (baseline: the HTTP stack alone), get-plan and update-milestone on 30-milestone
 * plans, with the sandbox's latency fault at 0 ms and 50 ms. Printed per scenario: requests/s, p50 and p99
 * latency seen by the client, and the server's own time per request (Server-Timing `app`: the request's
 * time minus the time its CRM calls took, as the transport's onAttempt measured them).
 *
 * Our per-portal throttle (HubSpot's 100 per 10 s) and the sandbox's rate limits are lifted: this measures
 * the server, not HubSpot's quota. Workers edit one deal each, so update-milestone does not race itself.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/lib/logger.js';
import { dropSqliteExperimentalWarning } from '../src/lib/quiet-sqlite-warning.js';
import { hubSpotTenant } from '../src/adapters/hubspot/tenant.js';

dropSqliteExperimentalWarning();

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const MILESTONES = 30;

const { createSandbox } = await import('../src/sandbox/platform/server.js');
const { createBackend } = await import('../src/main.js');
const { listen } = await import('../src/lib/http-server.js');
const { invokeFunction, FUNCTIONS } = await import('../functions/index.js');

const dir = mkdtempSync(join(tmpdir(), 'map-bench-'));
const sandbox = await createSandbox({
  dataFile: ':memory:',
  rateLimit: { perTenSeconds: null, searchPerSecond: null },
});
const config = loadConfig({ CRM_MODE: 'sandbox', SQLITE_PATH: join(dir, 'app.sqlite'), LOG_LEVEL: 'silent' });
if (!config.ok) throw new Error(JSON.stringify(config.error));
const target: { app?: (req: never, res: never) => void } = {};
const server = await listen((req, res) => target.app?.(req as never, res as never), { port: 0 });
await fetch(`${sandbox.baseUrl}/_sandbox/oauth/apps`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    name: 'bench',
    clientId: config.value.hubspotClientId + '-bench',
    clientSecret: config.value.hubspotClientSecret,
    redirectUris: [`${server.url}/oauth/callback`],
  }),
});
const backend = await createBackend({
  config: { ...config.value, hubspotClientId: config.value.hubspotClientId + '-bench' },
  crm: { apiBase: sandbox.baseUrl, oauthBase: sandbox.baseUrl },
  logger: createLogger({ level: 'silent' }),
  publicBaseUrl: server.url,
  throttle: { perWindow: 1_000_000, windowMs: 10_000, searchPerSecond: 1_000_000 },
  scheduler: false,
});
target.app = backend.app as never;

// Install the demo portal through the OAuth flow, provisioning included.
const install = await fetch(`${server.url}/oauth/install`, { redirect: 'manual' });
const cookie = install.headers.getSetCookie()[0]?.split(';')[0] ?? '';
const authorize = new URL(install.headers.get('location') ?? '');
authorize.searchParams.set('auto', '1');
const consent = await fetch(authorize, { redirect: 'manual' });
const installed = await fetch(consent.headers.get('location') ?? '', { headers: { cookie } });
if (installed.status !== 200) throw new Error(`install failed: ${installed.status}`);
const portalId = sandbox.demoPortalId;
const token = (await backend.installations.getTokens(hubSpotTenant(portalId)))?.accessToken ?? '';

// One 30-milestone plan per worker.
const caller = { tenant: hubSpotTenant(portalId), userId: '1' };
const deals: { dealId: string; milestoneId: string }[] = [];
for (let w = 0; w < CONCURRENCY; w++) {
  const created = await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ properties: { dealname: `Bench deal ${w}` } }),
  });
  const dealId = ((await created.json()) as { id: string }).id;
  const edits = [
    { edit: 'addStakeholder', input: { id: 's1', side: 'seller', name: 'Sam Seller' } },
    ...Array.from({ length: MILESTONES }, (_, i) => ({
      edit: 'addMilestone',
      input: {
        id: `m${i}`,
        title: `Step ${i + 1}`,
        description: 'A step of the plan with a sentence of text.',
        dueDate: `2027-0${1 + (i % 6)}-1${i % 10}`,
        sellerOwnerId: 's1',
      },
    })),
  ];
  const saved = await invokeFunction(FUNCTIONS['save-plan'], backend.functions, caller, {
    dealId,
    baseVersion: 0,
    edits,
  });
  if (!saved.ok) throw new Error(`seeding failed: ${JSON.stringify(saved.error)}`);
  deals.push({ dealId, milestoneId: 'm1' });
}

const runLoad = (
  kind: string,
): Promise<{
  ms: number[];
  app: number[];
  crm: number[];
  errors: number;
  statuses: Record<string, number>;
  elapsedMs: number;
}> =>
  new Promise((resolve, reject) => {
    const spec = {
      baseUrl: server.url,
      kind,
      portalId,
      secret: config.value.hubspotClientSecret,
      concurrency: CONCURRENCY,
      durationMs: DURATION_MS,
      deals,
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/api-load.ts', JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as never) : reject(new Error(`load process exited ${code}`)),
    );
  });

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const f = (n: number): string => (Number.isNaN(n) ? '—' : n.toFixed(2));

const rows: string[][] = [];
for (const latencyMs of [0, 50]) {
  await fetch(`${sandbox.baseUrl}/_sandbox/portals/${portalId}/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs }),
  });
  for (const kind of ['healthz', 'get-plan', 'update-milestone']) {
    const r = await runLoad(kind);
    const rps = (r.ms.length / r.elapsedMs) * 1_000;
    const mean = (xs: number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
    rows.push([
      `${kind}`,
      `${latencyMs} ms`,
      f(rps),
      f(pct(r.ms, 50)),
      f(pct(r.ms, 99)),
      f(pct(r.app, 50)),
      f(pct(r.app, 99)),
      f(mean(r.crm)),
      String(r.errors),
      JSON.stringify(r.statuses),
    ]);
  }
}

const header = [
  'scenario',
  'CRM latency',
  'req/s',
  'p50 ms',
  'p99 ms',
  'server own p50 ms',
  'server own p99 ms',
  'CRM ms/req (mean)',
  'errors',
  'statuses',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
process.stdout.write(
  [
    `bench:api — ${CONCURRENCY} concurrent clients in a second process, ${DURATION_MS / 1000} s per scenario, ${MILESTONES}-milestone plans (custom-object mode), Node ${process.version}`,
    '',
    line(header),
    ...rows.map(line),
    '',
    'server own = Server-Timing app: total time minus the wall time with a CRM call in flight (transport onAttempt). healthz is the baseline (no CRM, no signature).',
    'The sandbox runs in the backend process: at 0 ms its own SQLite work is the CRM time and shares the event loop with the server.',
    '',
  ].join('\n'),
);

await server.close(1_000);
await backend.close();
await sandbox.close();
