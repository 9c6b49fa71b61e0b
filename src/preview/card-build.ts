/**
 * The deal card's production bundle for the preview, built the way HubSpot builds it: buildSingleExtension
 * from @hubspot/ui-extensions-dev-server (Vite, one minified IIFE, react and @remote-ui/react left to the
 * worker's globals), from the card's own folder, into the card's git-ignored dist/. The preview then serves
 * that file unchanged. A fresh clone has no generated backend-config.ts yet: the HubSpot project's configure
 * script writes its placeholder first (the preview maps the permitted origin to the local backend anyway).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { err, ok, type Result } from '../domain/result.js';
import { CARDS_DIR, DEFAULT_CARD_BUNDLE, REPO_ROOT } from './card-project.js';

const run = promisify(execFile);
export const CARD_ENTRY = join(CARDS_DIR, 'MutualActionPlanCard.tsx');
const BACKEND_CONFIG = join(CARDS_DIR, 'generated/backend-config.ts');

export async function buildDealCard(): Promise<Result<string, string>> {
  try {
    if (!existsSync(BACKEND_CONFIG)) {
      await run(process.execPath, ['--import', 'tsx', 'scripts/hubspot-configure.ts', '--placeholder-if-missing'], {
        cwd: REPO_ROOT,
        timeout: 60_000,
      });
    }
    const { buildSingleExtension } = await import('@hubspot/ui-extensions-dev-server/build');
    await buildSingleExtension({
      file: CARD_ENTRY,
      outputDir: join(CARDS_DIR, 'dist'),
      root: CARDS_DIR,
      minify: true,
      logLevel: 'silent',
    });
  } catch (error) {
    // The preview still starts and says why the card is missing; the detail is for the log.
    return err(error instanceof Error ? error.message : String(error));
  }
  return existsSync(DEFAULT_CARD_BUNDLE) ? ok(DEFAULT_CARD_BUNDLE) : err(`the build wrote no ${DEFAULT_CARD_BUNDLE}`);
}
