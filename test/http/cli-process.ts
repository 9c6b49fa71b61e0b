/**
 * The CLI (`npm run cli`) as an operator runs it: in its own process, on the installation database of a
 * backend that runs against the sandbox (its portals installed through the real OAuth flow).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { systemClock } from '../../src/ports/clock.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/platform/server.js';
import { SANDBOX_CLIENT_SECRET, startSandboxBackend, type SandboxBackend } from './sandbox-backend.js';

const run = promisify(execFile);

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliSetup {
  readonly sandbox: Sandbox;
  readonly b: SandboxBackend;
  /** Runs `scripts/cli.ts` with these arguments and the backend's configuration; never throws on a failure. */
  run(...args: string[]): Promise<CliOutcome>;
  close(): Promise<void>;
}

export async function startCli(): Promise<CliSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'map-cli-'));
  const sandbox = await createSandbox({ dataFile: ':memory:', rateLimit: { perTenSeconds: null } });
  const b = await startSandboxBackend(sandbox, { clock: systemClock, sqlitePath: join(dir, 'app.sqlite') });
  return {
    sandbox,
    b,
    async run(...args) {
      try {
        const { stdout, stderr } = await run(
          process.execPath,
          ['node_modules/tsx/dist/cli.mjs', 'scripts/cli.ts', ...args],
          {
            env: {
              PATH: process.env.PATH,
              CRM_MODE: 'sandbox',
              SQLITE_PATH: join(dir, 'app.sqlite'),
              HUBSPOT_API_BASE: sandbox.baseUrl,
              HUBSPOT_OAUTH_BASE: sandbox.baseUrl,
              HUBSPOT_CLIENT_ID: b.clientId,
              HUBSPOT_CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
              LOG_LEVEL: 'silent',
            },
          },
        );
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    },
    async close() {
      await b.h.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
