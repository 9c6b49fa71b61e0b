/**
 * The deal card's production bundle, built the way HubSpot builds it: buildSingleExtension from
 * @hubspot/ui-extensions-dev-server (Vite, one minified IIFE, react and @remote-ui/react left to the worker's
 * globals), from the card's own folder. One build function serves `npm run card:build` (CI's size check) and
 * the preview, which serves the file unchanged from the card's git-ignored dist/. A fresh clone has no
 * generated backend-config.ts yet: the HubSpot project's configure script writes its placeholder first (the
 * preview maps the permitted origin to the local backend anyway).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { err, ok, type Result } from '../domain/result.js';
import { CARDS_DIR, DEFAULT_CARD_BUNDLE, REPO_ROOT } from './card-project.js';

const run = promisify(execFile);
export const CARD_ENTRY_FILE = 'MutualActionPlanCard.tsx';
const BACKEND_CONFIG = join(CARDS_DIR, 'generated/backend-config.ts');

export interface CardBuild {
  readonly file: string;
  readonly bytes: number;
  /** What the build warned about (imports from outside the card folder, require calls, ...). */
  readonly warnings: string[];
}

/** Builds the card in `cardsDir` into `outputDir` and says which file it wrote and how large it is. */
export async function buildCardBundle(cardsDir: string, outputDir: string): Promise<CardBuild> {
  const warnings: string[] = [];
  const warn = console.warn;
  const info = console.info;
  // The build's plugins report through the console; keep what they say, print nothing else.
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  console.info = () => undefined;
  try {
    const { buildSingleExtension } = await import('@hubspot/ui-extensions-dev-server/build');
    await buildSingleExtension({
      file: join(cardsDir, CARD_ENTRY_FILE),
      outputDir,
      root: cardsDir,
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

/** The preview's build of the real card, into the card's dist/; a failure is reported, not thrown. */
export async function buildDealCard(): Promise<Result<string, string>> {
  try {
    if (!existsSync(BACKEND_CONFIG)) {
      await run(
        process.execPath,
        ['--import', 'tsx', 'scripts/hubspot-configure.ts', '--placeholder-if-missing'],
        {
          cwd: REPO_ROOT,
          timeout: 60_000,
        },
      );
    }
    await buildCardBundle(CARDS_DIR, join(CARDS_DIR, 'dist'));
  } catch (error) {
    // The preview still starts and says why the card is missing; the detail is for the log.
    return err(error instanceof Error ? error.message : String(error));
  }
  return existsSync(DEFAULT_CARD_BUNDLE)
    ? ok(DEFAULT_CARD_BUNDLE)
    : err(`the build wrote no ${DEFAULT_CARD_BUNDLE}`);
}
