/**
 * Builds the card's production bundle offline (scripts/card-build.ts, in a child process: Vite must not
 * share a Jest worker with the card tests), prints its size and holds it under the 250 KB budget.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { REPO_ROOT } from '../../scripts/hubspot-configure.js';
import { configuredProjectCopy, TEST_DEPLOYMENT } from './project-copy.js';

const BUDGET_BYTES = 250 * 1024;
const buildSchema = z.object({
  file: z.string(),
  bytes: z.number(),
  kb: z.number(),
  warnings: z.array(z.string()),
});

test('the card bundle builds offline from its own folder, under 250 KB minified', () => {
  const project = configuredProjectCopy();
  try {
    const out = execFileSync(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'),
        join(REPO_ROOT, 'scripts/card-build.ts'),
        project.dir,
      ],
      { encoding: 'utf8', timeout: 110_000 },
    );
    const build = buildSchema.parse(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
    console.log(`card bundle: ${build.kb} KB minified (budget ${BUDGET_BYTES / 1024} KB)`);
    const code = readFileSync(build.file, 'utf8');

    expect(build.bytes).toBeLessThan(BUDGET_BYTES);
    // No import reaches outside the card folder (the build warns about each one), and no require().
    expect(
      build.warnings.filter((w) => /outside of the extension directory|require statements/i.test(w)),
    ).toEqual([]);
    // React and @remote-ui/react come from the worker, not the bundle.
    expect(code).toMatch(/\}\)\(React,\s*RemoteUI\)/);
    expect(code).not.toContain('react-reconciler');
    // The contract's function table (src/contract/functions.ts, summaries and all) is imported for its types
    // only and stays out of the bundle.
    expect(code).not.toContain('Applies a batch of plan edits');
    // The configured origin is baked in.
    expect(code).toContain(TEST_DEPLOYMENT.PUBLIC_BASE_URL);
  } finally {
    project.remove();
  }
}, 120_000);
