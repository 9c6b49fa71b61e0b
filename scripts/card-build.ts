/**
 * `npm run card:build [projectDir]` builds the deal card's production bundle offline, the way HubSpot's
 * build does (buildSingleExtension from @hubspot/ui-extensions-dev-server: Vite, one minified IIFE with
 * React and @remote-ui/react left to the worker), and prints its size as JSON. projectDir defaults to
 * extensions/hubspot (configure it first: npm run hubspot:configure; `precard:build` writes the card's copy of
 * the contract, scripts/card-contract.ts). CI runs it through test/extension/card-bundle.test.ts, in its own
 * process so that Vite never shares a Jest worker.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCardBundle, type CardBuild } from '../src/preview/card-build.js';
import { PROJECT_DIR, REPO_ROOT } from './hubspot-configure.js';

export const BUDGET_BYTES = 250 * 1024;
export type { CardBuild };

export const buildCard = (projectDir: string): Promise<CardBuild> =>
  buildCardBundle(join(projectDir, 'src/app/cards'), join(projectDir, 'dist'));

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const projectDir = resolve(process.argv[2] ?? join(REPO_ROOT, PROJECT_DIR));
  const build = await buildCard(projectDir);
  console.log(
    JSON.stringify({ ...build, kb: Math.round(build.bytes / 102.4) / 10, budgetKb: BUDGET_BYTES / 1024 }),
  );
  if (build.bytes >= BUDGET_BYTES) process.exitCode = 1;
}
