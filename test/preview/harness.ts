/**
 * End-to-end harness of the local preview: `npm start`'s own entry point (src/start.ts) in a child process,
 * every server on 127.0.0.1 port 0 with in-memory data, and Debian's Chromium driven headless by
 * playwright-core. A missing Chromium fails the suite with the fix, never skips it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts/preview');

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The preview's end-to-end tests need Debian's Chromium at ${CHROMIUM}: install it with ` +
        '`apt-get update && apt-get install -y chromium` (.ci/run does this). They are not skipped.',
    );
  }
}

export async function launchBrowser(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface RunningApp {
  readonly previewUrl: string;
  readonly sandboxUrl: string;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts src/start.ts as `npm start` does, on free ports with in-memory data; resolves when the preview is up. */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/start.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      SANDBOX_PORT: '0',
      PREVIEW_PORT: '0',
      SANDBOX_DATA: ':memory:',
      SQLITE_PATH: ':memory:',
      DATABASE_URL: '',
      HUBSPOT_CLIENT_ID: '',
      HUBSPOT_CLIENT_SECRET: '',
      CRM_MODE: 'sandbox',
      LOG_LEVEL: 'warn',
      PREVIEW: 'on',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const preview = /Local preview[^\n]*?(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
    const sandbox = /Sandbox CRM on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (preview && sandbox) return { previewUrl: preview, sandboxUrl: sandbox, output: () => output, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`npm start did not print the preview URL:\n${output}`);
}

/** Saves a full-page screenshot under test-artifacts/preview/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Reads a deal's properties straight from the sandbox CRM with the demo portal's static token. */
export async function crmDeal(
  sandboxUrl: string,
  dealId: string,
  properties: string[],
): Promise<Record<string, string | null>> {
  const res = await fetch(`${sandboxUrl}/crm/v3/objects/deals/${dealId}?properties=${properties.join(',')}`, {
    headers: { authorization: 'Bearer sandbox-demo-token' },
  });
  if (!res.ok) throw new Error(`sandbox answered ${res.status}`);
  return ((await res.json()) as { properties: Record<string, string | null> }).properties;
}
