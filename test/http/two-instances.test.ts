/**
 * Two real backend processes (`tsx src/start.ts`) on one PostgreSQL database, against one sandbox CRM, with
 * 200 parallel edits of one deal spread over both (issue 10, item 2; docs/security.md). Every edit answered
 * 200 must be in the plan afterwards, and every other answer must be a version conflict: the per-deal
 * advisory lock, held from the version check to the commit, makes the two instances one writer per deal.
 *
 * The edits are save-plan calls as a card makes them: each of 20 clients keeps the version of its last
 * answer (the new version, or the current one a conflict names) and adds one uniquely named item per call.
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { signedRequestHeaders, withCallerQuery } from '../../src/adapters/hubspot/signature.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DB = `mapt_two_${process.pid}_${randomBytes(3).toString('hex')}`;
const CLIENT_ID = `two-instances-${process.pid}`;
const CLIENT_SECRET = 'two-instances-test-secret';
const EDITS = 200;
const CLIENTS = 20;

jest.setTimeout(180_000);

let sandbox: Sandbox;
const instances: { url: string; child: ChildProcess; output: string[] }[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function startInstance(port: number): Promise<{ url: string; child: ChildProcess; output: string[] }> {
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/start.ts'], {
    env: {
      PATH: process.env.PATH,
      CRM_MODE: 'sandbox',
      PORT: String(port),
      PUBLIC_BASE_URL: url,
      HUBSPOT_API_BASE: sandbox.baseUrl,
      HUBSPOT_OAUTH_BASE: sandbox.baseUrl,
      HUBSPOT_CLIENT_ID: CLIENT_ID,
      HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DB}`,
      HUBSPOT_REQUESTS_PER_10S: '100000',
      LOG_LEVEL: 'warn',
      PREVIEW: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`instance on ${port} exited: ${output.join('')}`);
    const ready = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child, output };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`instance on ${port} did not start: ${output.join('')}`);
}

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  sandbox = await createSandbox({ dataFile: ':memory:', rateLimit: { perTenSeconds: null } });
  const ports = [await freePort(), await freePort()];
  const registered = await fetch(`${sandbox.baseUrl}/_sandbox/oauth/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'two instances',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: ports.map((p) => `http://127.0.0.1:${p}/oauth/callback`),
    }),
  });
  expect(registered.status).toBe(201);
  // One after the other: both run the migrations on the shared database.
  for (const port of ports) instances.push(await startInstance(port));
});

afterAll(async () => {
  await Promise.all(
    instances.map(
      (i) =>
        new Promise<void>((resolve) => {
          if (i.child.exitCode !== null) return resolve();
          i.child.once('exit', () => resolve());
          i.child.kill('SIGTERM');
        }),
    ),
  );
  await sandbox?.close();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
});

/** Installs a portal through instance 0's OAuth flow (the browser's cookies carried along). */
async function installPortal(portalId: number): Promise<number> {
  const base = instances[0]!.url;
  const install = await fetch(`${base}/oauth/install`, { redirect: 'manual' });
  const cookie = (install.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const authorize = new URL(install.headers.get('location') ?? '');
  authorize.searchParams.set('auto', '1');
  authorize.searchParams.set('portal_id', String(portalId));
  const consent = await fetch(authorize, { redirect: 'manual' });
  const callback = await fetch(consent.headers.get('location') ?? '', {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
  const html = await callback.text();
  const id = /HubSpot account <strong>(\d+)<\/strong>/.exec(html)?.[1];
  if (callback.status !== 200 || id === undefined)
    throw new Error(`install failed: ${callback.status} ${html.slice(0, 300)}`);
  return Number(id);
}

let n = 0;
async function call(
  instance: number,
  portalId: number,
  fn: string,
  input: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = withCallerQuery(`${instances[instance]!.url}/api/${fn}`, { portalId, userId: 9 });
  const body = Buffer.from(JSON.stringify(input));
  const headers = {
    'content-type': 'application/json',
    ...signedRequestHeaders({
      method: 'POST',
      url,
      rawBody: body,
      clientSecret: CLIENT_SECRET,
      now: Date.now() + (++n % 1000),
    }),
  };
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test(`${EDITS} parallel edits of one deal over two instances: every 200 is in the plan, every other answer is a conflict`, async () => {
  const portal = await fetch(`${sandbox.baseUrl}/_sandbox/portals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tier: 'enterprise' }),
  });
  expect(portal.status).toBe(201);
  const { id, token } = (await portal.json()) as { id: number; token: string };
  const portalId = await installPortal(id);
  const deal = await fetch(`${sandbox.baseUrl}/crm/v3/objects/deals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ properties: { dealname: 'Two instances' } }),
  });
  expect(deal.status).toBe(201);
  const dealId = ((await deal.json()) as { id: string }).id;
  const start = await call(0, portalId, 'apply-template', {
    dealId,
    baseVersion: 0,
    templateId: 'smb-quick-close',
    targetCloseDate: '2027-06-25',
  });
  expect(start.status).toBe(200);
  const v0 = start.body.version as number;

  const answers: { i: number; status: number; code?: string; message?: string }[] = [];
  let next = 0;
  async function client(c: number): Promise<void> {
    let version = v0;
    while (next < EDITS) {
      const i = next++;
      const edit =
        i % 2 === 0
          ? {
              edit: 'addMilestone',
              input: { id: `e-${i}`, title: `Edit ${i}`, dueDate: '2027-03-01', visibility: 'internal' },
            }
          : { edit: 'addStakeholder', input: { id: `p-${i}`, side: 'buyer', name: `Person ${i}` } };
      const res = await call((c + i) % 2, portalId, 'save-plan', {
        dealId,
        baseVersion: version,
        edits: [edit],
      });
      const error = res.body.error as
        { code?: string; message?: string; currentVersion?: number } | undefined;
      answers.push({
        i,
        status: res.status,
        ...(error?.code === undefined ? {} : { code: error.code }),
        ...(error?.code === 'VERSION_CONFLICT' || error?.message === undefined
          ? {}
          : { message: error.message }),
      });
      if (res.status === 200) version = res.body.version as number;
      else if (error?.currentVersion !== undefined) version = error.currentVersion;
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

  const unexpected = answers.filter((a) => a.status !== 200 && a.code !== 'VERSION_CONFLICT');
  expect(unexpected).toEqual([]);
  const acknowledged = answers.filter((a) => a.status === 200).map((a) => a.i);
  const conflicts = answers.filter((a) => a.status === 409).map((a) => a.i);
  expect(acknowledged.length + conflicts.length).toBe(EDITS);
  expect(acknowledged.length).toBeGreaterThan(1);

  const final = await call(1, portalId, 'get-plan', { dealId });
  expect(final.status).toBe(200);
  const plan = final.body.plan as { milestones: { id: string }[]; stakeholders: { id: string }[] };
  const present = new Set([...plan.milestones.map((m) => m.id), ...plan.stakeholders.map((s) => s.id)]);
  const itemOf = (i: number): string => (i % 2 === 0 ? `e-${i}` : `p-${i}`);
  expect(acknowledged.filter((i) => !present.has(itemOf(i)))).toEqual([]);
  expect(conflicts.filter((i) => present.has(itemOf(i)))).toEqual([]);
  expect(final.body.version).toBe(v0 + acknowledged.length);
  process.stdout.write(
    `two instances: ${acknowledged.length} edits acknowledged, ${conflicts.length} conflicts, final version ${String(final.body.version)}\n`,
  );
});
