/**
 * `npm run card:build [projectDir]` builds the deal card's production bundle offline, the way HubSpot's
 * build does (buildSingleExtension from @hubspot/ui-extensions-dev-server: Vite, one minified IIFE with
 * React and @remote-ui/react left to the worker), and prints its size as JSON. projectDir defaults to
 * extensions/hubspot (configure it first: npm run hubspot:configure). CI runs it through
 * test/extension/card-bundle.test.ts, in its own process so that Vite never shares a Jest worker.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSingleExtension } from '@hubspot/ui-extensions-dev-server/build';
import { PROJECT_DIR, REPO_ROOT } from './hubspot-configure.js';

export const CARD_ENTRY = 'src/app/cards/MutualActionPlanCard.tsx';
export const BUDGET_BYTES = 250 * 1024;

export interface CardBuild {
  readonly file: string;
  readonly bytes: number;
  /** What the build warned about (imports from outside the card folder, require calls, ...). */
  readonly warnings: string[];
}

export async function buildCard(projectDir: string): Promise<CardBuild> {
  const root = join(projectDir, 'src/app/cards');
  const outputDir = join(projectDir, 'dist');
  const warnings: string[] = [];
  const warn = console.warn;
  const info = console.info;
  // The build's plugins report through the console; keep what they say, print nothing else.
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  console.info = () => undefined;
  try {
    await buildSingleExtension({
      file: join(projectDir, CARD_ENTRY),
      outputDir,
      root,
      minify: true,
      logLevel: 'silent',
    });
  } finally {
    console.warn = warn;
    console.info = info;
  }
  const name = readdirSync(outputDir).find((f) => f.endsWith('.js'));
  if (name === undefined) throw new Error(`The build wrote no .js file to ${outputDir}.`);
  const file = join(outputDir, name);
  return { file, bytes: statSync(file).size, warnings };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const projectDir = resolve(process.argv[2] ?? join(REPO_ROOT, PROJECT_DIR));
  const build = await buildCard(projectDir);
  console.log(
    JSON.stringify({ ...build, kb: Math.round(build.bytes / 102.4) / 10, budgetKb: BUDGET_BYTES / 1024 }),
  );
  if (build.bytes >= BUDGET_BYTES) process.exitCode = 1;
}
