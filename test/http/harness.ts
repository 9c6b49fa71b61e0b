/**
 * Starts the real backend (createBackend: the wiring main.ts uses) on 127.0.0.1:0 with an in-memory SQLite
 * installation store, and calls it the way hubspot.fetch does: the caller appended to the query, the
 * request signed with the client secret (v3).
 */
import { hubSpotTenant } from '../../src/adapters/hubspot/tenant.js';
import { Writable } from 'node:stream';
import type { ThrottleSettings } from '../../src/adapters/hubspot/throttle.js';
import { TokenCipher } from '../../src/adapters/db/token-cipher.js';
import { openBackendDatabase, type BackendDatabase } from '../../src/adapters/db/open.js';
import { MemoryPlanStore } from '../../src/adapters/memory/plan-store.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import type { AccountInfo } from '../../src/ports/account-info.js';
import type { Clock } from '../../src/ports/clock.js';
import type { InstallationStore } from '../../src/ports/installation-store.js';
import type { ProvisionTenant } from '../../src/ports/provisioning.js';
import { createBackend, type Backend, type SchedulerOptions } from '../../src/main.js';
import { listen, type RunningServer } from '../../src/lib/http-server.js';
import {
  signedRequestHeaders,
  withCallerQuery,
  type SignedCaller,
} from '../../src/adapters/hubspot/signature.js';

/** A clock tests move by hand; sleep resolves at once. */
export class TestClock implements Clock {
  constructor(public ms = Date.UTC(2026, 10, 16, 9, 30)) {}
  now(): number {
    return this.ms;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

export interface HarnessOptions {
  /** 'hubspot': the real HubSpot PlanStore over the transport (with crmBase a sandbox); default in memory. */
  readonly plans?: MemoryPlanStore | 'hubspot';
  readonly provision?: ProvisionTenant;
  readonly clock?: Clock;
  readonly env?: Record<string, string>;
  /** The sandbox (or any HubSpot stand-in) for OAuth; default an unused local address. */
  readonly crmBase?: string;
  readonly newId?: () => string;
  /** The installation database file (default in memory); a CLI run in another process can share it. */
  readonly sqlitePath?: string;
  /** The per-portal CRM request budget (default HubSpot's); suites that make many calls lift it. */
  readonly throttle?: ThrottleSettings;
  /** A store shared with another harness (two instances on one database); the harness does not close it. */
  readonly installations?: InstallationStore;
  /** The CRM's account details (time zone); default HubSpot's over the transport. */
  readonly accounts?: AccountInfo;
  /**
   * The daily scheduler, with the run ledger of the harness's database (or `scheduler.ledger` beside a given
   * `installations`); default not started.
   */
  readonly scheduler?: SchedulerOptions;
}

export interface Harness {
  readonly url: string;
  readonly backend: Backend;
  readonly installations: InstallationStore;
  /** The in-memory store (a fresh unused one when the harness runs the HubSpot store). */
  readonly plans: MemoryPlanStore;
  readonly config: Config;
  /** Every log line, parsed. */
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export const PORTAL_A = 1001;
export const PORTAL_B = 2002;
export const USER = 77;

export function testConfig(env: Record<string, string> = {}): Config {
  const config = loadConfig({ CRM_MODE: 'sandbox', LOG_LEVEL: 'info', ...env });
  if (!config.ok) throw new Error(JSON.stringify(config.error));
  return config.value;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const config = testConfig(options.env);
  const clock = options.clock ?? new TestClock();
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  // The backend's database with every store in it (the next-change index too, which a CLI run in another
  // process then sees), unless a store shared with another harness is given.
  const database: BackendDatabase | undefined = options.installations
    ? undefined
    : await openBackendDatabase({
        sqlitePath: options.sqlitePath ?? ':memory:',
        cipher: new TokenCipher(config.tokenEncryptionKeys),
        clock,
      });
  const installations = options.installations ?? database!.installations;
  const plans = options.plans === 'hubspot' ? undefined : (options.plans ?? new MemoryPlanStore());
  // The server listens first: the backend needs its URL (the OAuth redirect URI).
  const target: { app?: Backend['app'] } = {};
  const running: RunningServer = await listen(
    (req, res) => {
      void target.app?.(req, res);
    },
    { port: 0 },
  );
  const crmBase = options.crmBase ?? 'http://127.0.0.1:9';
  const backend = await createBackend({
    config,
    crm: { apiBase: crmBase, oauthBase: crmBase },
    logger,
    publicBaseUrl: running.url,
    clock,
    installations,
    ...(database ? { schedule: database.schedule } : {}),
    ...(plans ? { plans, lifecycle: plans } : {}),
    ...(options.provision ? { provision: options.provision } : {}),
    ...(options.newId ? { newId: options.newId } : {}),
    ...(options.throttle ? { throttle: options.throttle } : {}),
    ...(options.accounts ? { accounts: options.accounts } : {}),
    scheduler: options.scheduler
      ? { ...(database ? { ledger: database.runs } : {}), ...options.scheduler }
      : false,
  });
  target.app = backend.app;
  return {
    url: running.url,
    backend,
    installations,
    plans: plans ?? new MemoryPlanStore(),
    config,
    logs,
    close: async () => {
      await running.close(100);
      await backend.close();
      await database?.close();
    },
  };
}

/** Installs a portal directly in the store (tests that are not about OAuth). */
export async function installPortal(h: Harness, portalId: number): Promise<void> {
  await h.installations.install({
    tenant: hubSpotTenant(portalId),
    appId: '42',
    scopes: ['oauth'],
    storageMode: 'custom_object',
    tokens: {
      accessToken: `at-${portalId}`,
      refreshToken: `rt-${portalId}`,
      expiresAt: Date.UTC(2030, 0, 1),
    },
  });
}

export interface CallOptions {
  readonly caller?: SignedCaller;
  readonly secret?: string;
  /** Timestamp to sign with (ms); default the harness clock's now. */
  readonly signedAt?: number;
  readonly rawBody?: Buffer | string;
  readonly headers?: Record<string, string>;
  readonly path?: string;
  /** Changes the request after signing it. */
  readonly tamper?: (req: { url: string; body: Buffer; headers: Record<string, string> }) => void;
  readonly now?: number;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields they assert on
  readonly body: any;
}

/** POSTs to /api/<fn> as hubspot.fetch would. */
export async function callFunction(
  h: Harness,
  fn: string,
  input: unknown,
  options: CallOptions = {},
): Promise<CallResult> {
  const caller = options.caller ?? {
    portalId: PORTAL_A,
    userId: USER,
    appId: 42,
    userEmail: 'rep+a@seller.example',
  };
  const url = withCallerQuery(`${h.url}${options.path ?? `/api/${fn}`}`, caller);
  const body =
    options.rawBody === undefined ? Buffer.from(JSON.stringify(input)) : Buffer.from(options.rawBody);
  return signedPost(h, url, body, options);
}

const lastStamp = new WeakMap<Harness, number>();

/**
 * The timestamp HubSpot would put on a new request sent at `now`. HubSpot stamps each request as it sends it,
 * and the server accepts a signature once; a test clock stands still, so requests a test sends within one
 * frozen millisecond get the next free milliseconds (the window accepts up to 5 minutes ahead). A test that
 * means to repeat a request sends the same bytes and headers again, or signs with an explicit `signedAt`.
 */
function freshStamp(h: Harness, now: number): number {
  const last = lastStamp.get(h);
  const stamp = last !== undefined && now <= last && last - now < 60_000 ? last + 1 : now;
  lastStamp.set(h, stamp);
  return stamp;
}

export async function signedPost(
  h: Harness,
  url: string,
  body: Buffer,
  options: CallOptions = {},
): Promise<CallResult> {
  const now = options.signedAt ?? freshStamp(h, options.now ?? h.backend.functions.clock.now());
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...signedRequestHeaders({
      method: 'POST',
      url,
      rawBody: body,
      clientSecret: options.secret ?? h.config.hubspotClientSecret,
      now,
    }),
    ...options.headers,
  };
  const req = { url, body, headers };
  options.tamper?.(req);
  const response = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}
