/**
 * The layer rules of eslint.config.js fail when a forbidden import is planted (issue 11: "a test that plants a
 * forbidden import and sees lint fail"), and pass on the same file without it. ESLint runs on text given as
 * if it were a file of the layer, so nothing is written to the tree.
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

/** What `rule` says of `code` as if it were the file `filePath`. */
async function problems(filePath: string, code: string, rule = 'no-restricted-imports'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
}

jest.setTimeout(60_000);

test.each([
  ['src/ports/plan-store.ts', "import { createApp } from '../http/app.js';", /src\/ports imports only/],
  ['src/ports/plan-store.ts', "import express from 'express';", /src\/ports imports only/],
  [
    'functions/save-plan.ts',
    "import { HubSpotPlanStore } from '../src/adapters/hubspot/plan-store.js';",
    /functions\/ imports only/,
  ],
  ['functions/save-plan.ts', "import express from 'express';", /functions\/ imports only/],
  ['functions/save-plan.ts', "import { loadConfig } from '../src/config.js';", /functions\/ imports only/],
  [
    'src/http/webhooks.ts',
    "import { hubSpotTenant } from '../adapters/hubspot/tenant.js';",
    /src\/http imports only/,
  ],
  [
    'src/adapters/hubspot/plan-store.ts',
    "import { createApp } from '../../http/app.js';",
    /src\/adapters implements/,
  ],
  [
    'src/adapters/hubspot/plan-store.ts',
    "import { FUNCTIONS } from '../../../functions/index.js';",
    /src\/adapters implements/,
  ],
  ['src/adapters/db/open.ts', "import { loadConfig } from '../../config.js';", /src\/adapters implements/],
  ['src/domain/model.ts', "import { readFileSync } from 'node:fs';", /src\/domain is pure/],
  ['src/lib/logger.ts', "import type { Plan } from '../domain/model.js';", /src\/lib is generic/],
  ['src/main.ts', "import { createSandbox } from './sandbox/platform/server.js';", /composes the app only/],
  [
    'src/adapters/hubspot/transport.ts',
    "import { createBackend } from '../../main.js';",
    /src\/adapters implements/,
  ],
  [
    'src/contract/functions.ts',
    "import type { PlanStore } from '../ports/plan-store.js';",
    /src\/contract imports only/,
  ],
  [
    'src/contract/functions.ts',
    "import { FUNCTIONS } from '../../functions/index.js';",
    /src\/contract imports only/,
  ],
  ['src/contract/errors.ts', "import express from 'express';", /src\/contract imports only/],
  [
    'extensions/hubspot/src/app/cards/app/contract.ts',
    "import { CONTRACT } from '../../../../../../src/contract/index.js';",
    /card is bundled from its own folder/,
  ],
  [
    'extensions/hubspot/src/app/cards/app/components/Goals.tsx',
    "import { FUNCTIONS } from '../../../../../../../functions/index.js';",
    /card is bundled from its own folder/,
  ],
  [
    'extensions/hubspot/src/app/cards/MutualActionPlanCard.tsx',
    "import { x } from './app/../../cards-elsewhere.js';",
    /card is bundled from its own folder/,
  ],
])('%s may not %s', async (file, line, message) => {
  const found = await problems(file, `${line}\nexport const x = 1;\n`);
  expect(found).toContainEqual(expect.stringMatching(message));
});

test.each([
  ['src/ports/plan-store.ts', "import type { Plan } from '../domain/model.js';"],
  ['functions/save-plan.ts', "import type { PlanStore } from '../src/ports/plan-store.js';"],
  ['src/adapters/hubspot/plan-store.ts', "import type { PlanStore } from '../../ports/plan-store.js';"],
  ['src/contract/functions.ts', "import type { Plan } from '../domain/model.js';"],
  ['functions/save-plan.ts', "import { CONTRACT } from '../src/contract/index.js';"],
  [
    'extensions/hubspot/src/app/cards/app/components/Goals.tsx',
    "import type { Plan } from '../../generated/contract/src/domain/model.js';",
  ],
  [
    'extensions/hubspot/src/app/cards/test-utils/mocks.ts',
    "import { FUNCTIONS } from '../../../../../../functions/index.js';",
  ],
  [
    'extensions/hubspot/src/app/cards/__tests__/map-card.test.tsx',
    "import { MemoryPlanStore } from '../../../../../../src/adapters/memory/plan-store.js';",
  ],
])('%s may %s', async (file, line) => {
  expect(await problems(file, `${line}\nexport const x = 1;\n`)).toEqual([]);
});

// The sandbox and the local preview are programs of their own (issue 11): the sandbox imports only src/lib of
// the app; the preview src/lib, src/contract, src/domain and the sandbox (both stand in for HubSpot).
test.each([
  ['src/sandbox/platform/oauth.ts', "import { createApp } from '../../http/app.js';"],
  ['src/sandbox/main.ts', "import { loadConfig } from '../config.js';"],
  ['src/sandbox/crm/router.ts', "import { validatePlan } from '../../domain/validate.js';"],
  ['src/sandbox/crm/router.ts', "import { FUNCTIONS } from '../../../functions/index.js';"],
  ['src/sandbox/platform/app.ts', "import { PREVIEW_APP_ID } from '../../preview/server.js';"],
])('%s may not %s (a sandbox file)', async (file, line) => {
  const found = await problems(file, `${line}\nexport const x = 1;\n`);
  expect(found).toContainEqual(expect.stringMatching(/src\/sandbox is a program of its own/));
});

test.each([
  [
    'src/preview/hubspot-fetch-proxy.ts',
    "import { signedRequestHeaders } from '../adapters/hubspot/signature.js';",
  ],
  ['src/preview/server.ts', "import { HubSpotPlanStore } from '../adapters/hubspot/plan-store.js';"],
  ['src/preview/start.ts', "import { loadConfig } from '../config.js';"],
  ['src/preview/start.ts', "import { FUNCTIONS } from '../../functions/index.js';"],
  ['src/preview/browser/host/main.tsx', "import { createApp } from '../../../http/app.js';"],
  [
    'src/preview/browser/host/components/text.tsx',
    "import { FUNCTIONS } from '../../../../../functions/index.js';",
  ],
  ['src/preview/hubspot-fetch-proxy.test.ts', "import { createApp } from '../http/app.js';"],
])('%s may not %s (a preview file)', async (file, line) => {
  const found = await problems(file, `${line}\nexport const x = 1;\n`);
  expect(found).toContainEqual(expect.stringMatching(/src\/preview is a program of its own/));
});

test.each([
  ['src/sandbox/main.ts', "import { dropSqliteExperimentalWarning } from '../lib/quiet-sqlite-warning.js';"],
  ['src/sandbox/platform/admin.ts', "import { localOnly } from '../../lib/local-only.js';"],
  ['src/sandbox/platform/app.ts', "import { openSandboxDb } from '../db.js';"],
  ['src/preview/config.ts', "import { ok } from '../domain/result.js';"],
  ['src/preview/server.ts', "import { listen } from '../lib/http-server.js';"],
  ['src/preview/server.ts', "import type { FunctionName } from '../contract/index.js';"],
  ['src/preview/hubspot-fetch-proxy.ts', "import { requestStamps } from '../sandbox/platform/signing.js';"],
  ['src/preview/browser/host/main.tsx', "import { LIMITS } from '../../../domain/model.js';"],
  ['src/preview/browser/host/main.tsx', "import { api } from '../shared/protocol.js';"],
  // The one test that checks the preview's signatures against the app's verifier may import it.
  [
    'src/preview/hubspot-fetch-proxy.test.ts',
    "import { verifySignatureV3 } from '../adapters/hubspot/signature.js';",
  ],
])('%s may %s (a sandbox or preview file)', async (file, line) => {
  expect(await problems(file, `${line}\nexport const x = 1;\n`)).toEqual([]);
});

test('a dynamic import out of the sandbox or the preview fails lint too', async () => {
  const refusals = (filePath: string, code: string) => problems(filePath, code, 'no-restricted-syntax');
  expect(
    await refusals('src/sandbox/main.ts', "const m = await import('../http/app.js');\nexport { m };\n"),
  ).toContainEqual(expect.stringMatching(/src\/sandbox is a program of its own/));
  expect(
    await refusals('src/preview/start.ts', "const m = await import('../main.js');\nexport { m };\n"),
  ).toContainEqual(expect.stringMatching(/src\/preview is a program of its own/));
  expect(
    await refusals('src/sandbox/main.ts', "const m = await import('./platform/server.js');\nexport { m };\n"),
  ).toEqual([]);
});

// no-restricted-imports sees only static imports and re-exports: a dynamic `import('…')` or a type query
// `typeof import('…')` across a forbidden arrow is refused by the layer's no-restricted-syntax selectors.
test.each([
  [
    'functions/save-plan.ts',
    "export const f = () => import('../src/adapters/hubspot/tenant.js');",
    /functions\/ imports only/,
  ],
  [
    'functions/save-plan.ts',
    "export type T = typeof import('../src/adapters/hubspot/tenant.js');",
    /functions\/ imports only/,
  ],
  ['src/http/app.ts', "export const f = () => import('../adapters/db/open.js');", /src\/http imports only/],
  ['src/ports/plan-store.ts', "export const f = () => import('../http/app.js');", /src\/ports imports only/],
  [
    'src/contract/errors.ts',
    "export const f = () => import('../../functions/index.js');",
    /src\/contract imports only/,
  ],
  ['src/domain/model.ts', "export const f = () => import('node:fs');", /src\/domain is pure/],
  ['src/lib/logger.ts', "export type T = typeof import('../domain/model.js');", /src\/lib is generic/],
  ['src/main.ts', "export const f = () => import('./preview/start.js');", /composes the app only/],
  [
    'src/adapters/hubspot/plan-store.ts',
    "export const f = () => import('../../http/app.js');",
    /src\/adapters implements/,
  ],
])('%s may not %s (a dynamic import or a type query)', async (file, line, message) => {
  const found = await problems(file, `${line}\n`, 'no-restricted-syntax');
  expect(found).toContainEqual(expect.stringMatching(message));
});

// A file in a subfolder the layer does not have yet is held to the layer's rule (stricter there, never looser).
test.each([
  ['functions/sub/case.ts', /functions\/ imports only/],
  ['src/ports/sub/case.ts', /src\/ports imports only/],
  ['src/contract/sub/case.ts', /src\/contract imports only/],
  ['src/lib/sub/case.ts', /src\/lib is generic/],
  ['src/http/oauth/sub/case.ts', /src\/http imports only/],
  ['src/domain/templates/sub/case.ts', /src\/domain is pure/],
  ['src/preview/browser/host/components/a/b/case.tsx', /src\/preview is a program of its own/],
])('%s has its layer rule', async (file, message) => {
  const config = (await eslint.calculateConfigForFile(file)) as {
    rules?: Record<string, [unknown, { patterns?: { message: string }[] }?]>;
  };
  const patterns = config.rules?.['no-restricted-imports']?.[1]?.patterns ?? [];
  expect(patterns.map((p) => p.message)).toContainEqual(expect.stringMatching(message));
});

test('npm run layers finds no import the architecture does not allow (the same arrows, counted over the whole tree)', () => {
  const out = execFileSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/layer-report.ts'], {
    encoding: 'utf8',
  });
  expect(out).toContain('Imports docs/architecture.md does not allow: 0');
});
