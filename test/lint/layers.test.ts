/**
 * The layer rules of eslint.config.js fail when a forbidden import is planted (issue 11: "a test that plants a
 * forbidden import and sees lint fail"), and pass on the same file without it. ESLint runs on text given as
 * if it were a file of the layer, so nothing is written to the tree.
 */
import { jest } from '@jest/globals';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
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
])('%s may not %s', async (file, line, message) => {
  const found = await problems(file, `${line}\nexport const x = 1;\n`);
  expect(found).toContainEqual(expect.stringMatching(message));
});

test.each([
  ['src/ports/plan-store.ts', "import type { Plan } from '../domain/model.js';"],
  ['functions/save-plan.ts', "import type { PlanStore } from '../src/ports/plan-store.js';"],
  ['src/adapters/hubspot/plan-store.ts', "import type { PlanStore } from '../../ports/plan-store.js';"],
])('%s may %s', async (file, line) => {
  expect(await problems(file, `${line}\nexport const x = 1;\n`)).toEqual([]);
});
