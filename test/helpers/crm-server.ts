/**
 * Starts the sandbox CRM router alone on 127.0.0.1:0, behind a stand-in for the platform's auth middleware:
 * each bearer token maps to a caller (portal, tier, scopes), as real tokens do. Used by the CRM
 * integration tests until the platform shell exists, and afterwards for tests of the data plane alone.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client } from '@hubspot/api-client';
import type { CallerContext, PortalTier } from '../../src/sandbox/context.js';
import { openSandboxDb, type SandboxDb } from '../../src/sandbox/db.js';
import { createCrmRouter, createPortalCrm, migrateCrm, seedDemoPortal } from '../../src/sandbox/crm/index.js';
import { sendError } from '../../src/sandbox/errors.js';

export const ALL_SCOPES: readonly string[] = [
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.owners.read',
  'crm.objects.custom.read',
  'crm.objects.custom.write',
  'crm.schemas.custom.read',
  'crm.schemas.custom.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
];

export interface TokenGrant {
  portalId: number;
  tier: PortalTier;
  scopes?: readonly string[];
  /** Seed the demo data into this portal (default: standard objects only). */
  demo?: boolean;
}

export interface CrmTestServer {
  baseUrl: string;
  db: SandboxDb;
  /** The sandbox's clock, in ms; tests move it with `clock.now = ...`. */
  clock: { now: number };
  client(token: string, baseUrl?: string): Client;
  close(): Promise<void>;
}

export const FIXED_NOW = Date.UTC(2026, 10, 2, 9, 30, 0);

export async function startCrmServer(tokens: Record<string, TokenGrant>): Promise<CrmTestServer> {
  const db = openSandboxDb(':memory:');
  migrateCrm(db);
  const clock = { now: FIXED_NOW };
  for (const grant of Object.values(tokens)) {
    if (grant.demo) seedDemoPortal(db, grant.portalId, clock.now);
    else createPortalCrm(db, grant.portalId, clock.now);
  }
  const app = express();
  app.use((req, res, next) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const grant = token === undefined ? undefined : tokens[token];
    if (!grant) return sendError(res, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found.');
    const ctx: CallerContext = {
      portalId: grant.portalId,
      tier: grant.tier,
      scopes: new Set(grant.scopes ?? ALL_SCOPES),
    };
    res.locals.sandbox = ctx;
    next();
  });
  app.use(createCrmRouter({ db, now: () => clock.now }));
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    db,
    clock,
    // numberOfApiCallRetries 0: a test must see the first answer, not a retried one.
    client: (token, base = baseUrl) =>
      new Client({ accessToken: token, basePath: base, numberOfApiCallRetries: 0 }),
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((e) => {
          db.close();
          if (e) fail(e);
          else ok();
        });
      }),
  };
}

/** Plain HTTP for exact status and body checks. */
export async function call(
  server: { baseUrl: string },
  token: string,
  method: string,
  path: string,
  body?: unknown,
  // Bodies are HubSpot JSON that tests check field by field with expect(); typing each one adds nothing.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${server.baseUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
