/**
 * Offline checks of the HubSpot project: our own zod schemas for hsproject.json and every -hsmeta.json
 * (HubSpot's parsing library silently skips a malformed one), then the library's parseProjectConfig,
 * getProjectMetadata and translate (skipValidation: no account needed); and the card's generated copy of the
 * contract, with the card typechecked against it.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { getProjectMetadata, parseProjectConfig } from '@hubspot/project-parsing-lib/projects';
import { translate } from '@hubspot/project-parsing-lib/translate';
import ts from 'typescript';
import { z } from 'zod';
import {
  ALLOWED_PACKAGES,
  CONTRACT_OUT_DIR,
  contractModules,
  importSpecifiers,
} from '../../scripts/card-contract.js';
import {
  deployConfigSchema,
  PLACEHOLDER_CONFIG,
  PROJECT_DIR,
  REPO_ROOT,
} from '../../scripts/hubspot-configure.js';
import { CUSTOM_OBJECT_SCOPES, REQUIRED_SCOPES } from '../../src/adapters/hubspot/oauth/scopes.js';
import { configuredProjectCopy, TEST_DEPLOYMENT } from './project-copy.js';

const uid = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
const https = z.url({ protocol: /^https$/ });
const scopes = z.array(z.string().regex(/^[a-z0-9._-]+$/));

const hsprojectSchema = z.strictObject({
  name: z.string().min(1),
  srcDir: z.literal('src'),
  platformVersion: z.literal('2026.03'),
});
const appMetaSchema = z.strictObject({
  uid,
  type: z.literal('app'),
  config: z.strictObject({
    name: z.string().min(1).max(200),
    description: z.string().min(1).max(8192),
    distribution: z.literal('marketplace'),
    auth: z.strictObject({
      type: z.literal('oauth'),
      redirectUrls: z.array(https).min(1),
      requiredScopes: scopes.min(1),
      optionalScopes: scopes,
      conditionallyRequiredScopes: scopes,
    }),
    permittedUrls: z.strictObject({
      fetch: z.array(https.refine((u) => new URL(u).origin === u, 'an origin')).min(1),
      iframe: z.array(https),
      img: z.array(https),
    }),
    support: z.strictObject({
      supportEmail: z.email(),
      documentationUrl: https,
      supportUrl: https,
      supportPhone: z.string().optional(),
    }),
  }),
});
const cardMetaSchema = z.strictObject({
  uid,
  type: z.literal('card'),
  config: z.strictObject({
    name: z.string().min(1),
    description: z.string().min(1),
    location: z.literal('crm.record.tab'),
    objectTypes: z.tuple([z.literal('deals')]),
    entrypoint: z.string().regex(/^\/app\/cards\/[\w.-]+\.(tsx|jsx|ts|js)$/),
  }),
});
const SCHEMAS: Record<string, z.ZodType> = { app: appMetaSchema, card: cardMetaSchema };

function hsMetaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules') return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return hsMetaFiles(path);
    return e.name.endsWith('-hsmeta.json') ? [path] : [];
  });
}

/** Every problem of every -hsmeta.json under srcDir, by our schemas ('' when all pass). */
function checkHsMeta(projectDir: string): string[] {
  const problems: string[] = [];
  for (const file of hsMetaFiles(join(projectDir, 'src'))) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      problems.push(`${file}: not JSON`);
      continue;
    }
    const type = z.object({ type: z.string() }).safeParse(json);
    const schema = type.success ? SCHEMAS[type.data.type] : undefined;
    if (!schema) {
      problems.push(`${file}: unknown or missing type`);
      continue;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) problems.push(`${file}: ${z.prettifyError(parsed.error)}`);
  }
  return problems;
}

let project: ReturnType<typeof configuredProjectCopy>;
beforeAll(() => {
  project = configuredProjectCopy();
});
afterAll(() => project.remove());

test('hsproject.json and every -hsmeta.json pass our schemas, and the card entry point exists', () => {
  expect(
    hsprojectSchema.parse(JSON.parse(readFileSync(join(project.dir, 'hsproject.json'), 'utf8'))),
  ).toBeTruthy();
  const files = hsMetaFiles(join(project.dir, 'src')).map((f) => f.slice(project.dir.length));
  expect(files.sort()).toEqual(['/src/app/app-hsmeta.json', '/src/app/cards/mutual-action-plan-hsmeta.json']);
  expect(checkHsMeta(project.dir)).toEqual([]);
  const card = cardMetaSchema.parse(
    JSON.parse(readFileSync(join(project.dir, 'src/app/cards/mutual-action-plan-hsmeta.json'), 'utf8')),
  );
  expect(existsSync(join(project.dir, 'src', card.config.entrypoint))).toBe(true);
});

test('the app asks for the scopes /oauth/install asks for, custom objects optional, and may fetch only the backend', () => {
  const app = appMetaSchema.parse(
    JSON.parse(readFileSync(join(project.dir, 'src/app/app-hsmeta.json'), 'utf8')),
  );
  expect(app.config.auth.requiredScopes).toEqual([...REQUIRED_SCOPES]);
  expect(app.config.auth.optionalScopes).toEqual([...CUSTOM_OBJECT_SCOPES]);
  expect(app.config.auth.requiredScopes.filter((s) => s.includes('custom'))).toEqual([]);
  expect(app.config.permittedUrls.fetch).toEqual([TEST_DEPLOYMENT.PUBLIC_BASE_URL]);
  expect(app.config.auth.redirectUrls).toEqual([`${TEST_DEPLOYMENT.PUBLIC_BASE_URL}/oauth/callback`]);
  expect(readFileSync(join(project.dir, 'src/app/cards/generated/backend-config.ts'), 'utf8')).toContain(
    `origin: "${TEST_DEPLOYMENT.PUBLIC_BASE_URL}"`,
  );
});

test('HubSpot’s parsing library reads the project and translates every -hsmeta.json, skipping none', async () => {
  const config = parseProjectConfig(project.dir);
  expect(config).toMatchObject({ name: 'mutual-action-plan', srcDir: 'src', platformVersion: '2026.03' });
  const srcDir = join(project.dir, config.srcDir);
  const metadata = await getProjectMetadata(srcDir);
  expect(metadata.hsMetaFiles).toHaveLength(2);
  const { intermediateRepresentation, skippedHsMetaFiles } = await translate(
    { projectSourceDir: srcDir, platformVersion: config.platformVersion },
    { skipValidation: true },
  );
  expect(skippedHsMetaFiles).toEqual([]);
  const nodes = Object.values(intermediateRepresentation.intermediateNodesIndexedByUid);
  expect(nodes.map((n) => n.uid).sort()).toEqual(['mutual_action_plan', 'mutual_action_plan_deal_card']);
});

test('a malformed -hsmeta.json fails our check, even where the parsing library would only skip it', async () => {
  const broken = configuredProjectCopy();
  try {
    writeFileSync(
      join(broken.dir, 'src/app/cards/mutual-action-plan-hsmeta.json'),
      '{"uid": "x", "type": "card", ',
    );
    expect(checkHsMeta(broken.dir)).toEqual([expect.stringContaining('not JSON')]);
    const { intermediateRepresentation } = await translate(
      { projectSourceDir: join(broken.dir, 'src'), platformVersion: '2026.03' },
      { skipValidation: true },
    );
    expect(Object.keys(intermediateRepresentation.intermediateNodesIndexedByUid)).not.toContain(
      'mutual_action_plan_deal_card',
    );
  } finally {
    broken.remove();
  }
});

test('configure refuses origins hubspot.fetch cannot call, and placeholders name a host that cannot exist', () => {
  const env = { ...TEST_DEPLOYMENT };
  expect(deployConfigSchema.safeParse(env).success).toBe(true);
  expect(deployConfigSchema.safeParse({ ...env, PUBLIC_BASE_URL: 'http://map.example.com' }).success).toBe(
    false,
  );
  expect(deployConfigSchema.safeParse({ ...env, PUBLIC_BASE_URL: 'https://localhost:3000' }).success).toBe(
    false,
  );
  expect(
    deployConfigSchema.safeParse({ ...env, PUBLIC_BASE_URL: 'https://map.example.com/api' }).success,
  ).toBe(false);
  expect(deployConfigSchema.safeParse({ ...env, APP_SUPPORT_EMAIL: '' }).success).toBe(false);
  expect(new URL(PLACEHOLDER_CONFIG.PUBLIC_BASE_URL).hostname.endsWith('.invalid')).toBe(true);
});

test('the card’s package.json pins the versions this repository is tested with', () => {
  const card = z
    .object({ dependencies: z.record(z.string(), z.string()) })
    .parse(
      JSON.parse(readFileSync(join(REPO_ROOT, 'extensions/hubspot/src/app/cards/package.json'), 'utf8')),
    );
  const installed = (name: string): string =>
    z
      .object({ version: z.string() })
      .parse(JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'))).version;
  for (const [name, version] of Object.entries(card.dependencies))
    expect(`${name}@${version}`).toBe(`${name}@${installed(name)}`);
  for (const name of ALLOWED_PACKAGES) expect(Object.keys(card.dependencies)).toContain(name);
});

test('hubspot.config.yml at the repository root holds no credential', () => {
  const text = readFileSync(join(REPO_ROOT, 'hubspot.config.yml'), 'utf8');
  expect(text).not.toMatch(/^\s*(personalAccessKey|accessToken|apiKey|clientSecret|refreshToken|auth)\s*:/im);
  expect(text).not.toMatch(/^\s*-?\s*accountId\s*:/im);
});

/** Every file under `dir`, as posix paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'));
}

test('the card’s copy of the contract is generated from src/contract alone and imports only zod and itself', () => {
  const copyDir = join(project.dir, relative(PROJECT_DIR, CONTRACT_OUT_DIR));
  const files = filesUnder(copyDir).sort();
  // src/contract and the domain modules it imports, nothing of functions/, the ports or the adapters.
  expect(files).toEqual(contractModules(REPO_ROOT));
  expect(files).toContain('src/contract/index.ts');
  expect(files.filter((f) => !/^src\/(contract|domain)\//.test(f))).toEqual([]);
  const packages = new Set<string>();
  const unresolved: string[] = [];
  for (const file of files) {
    const path = join(copyDir, file);
    const source = readFileSync(path, 'utf8');
    expect(source).toBe(
      `// GENERATED by \`npm run card:contract\` from ${file}. Do not edit: change the source and run it again.\n` +
        readFileSync(join(REPO_ROOT, file), 'utf8'),
    );
    for (const specifier of importSpecifiers(source)) {
      if (!specifier.startsWith('.')) packages.add(specifier);
      else {
        // Every relative import resolves to a file of the copy.
        const target = relative(copyDir, join(dirname(path), specifier.replace(/\.js$/, '.ts')));
        if (!files.includes(target.split(sep).join('/'))) unresolved.push(`${file}: ${specifier}`);
      }
    }
  }
  expect([...packages]).toEqual([...ALLOWED_PACKAGES]);
  expect(unresolved).toEqual([]);
});

test('the card’s production code typechecks against the generated copy alone: nothing outside its folder, no Node types', () => {
  const cardsDir = join(project.dir, 'src/app/cards');
  const configFile = join(project.dir, 'tsconfig.json');
  const { config } = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, project.dir, { types: [] }, configFile);
  expect(parsed.errors).toEqual([]);
  // The tests and the test doubles run in the root Jest and may use the backend; the card HubSpot bundles may not.
  const production = parsed.fileNames.filter((f) => !/[\\/](__tests__|test-utils)[\\/]/.test(f));
  expect(production).toContainEqual(expect.stringMatching(/MutualActionPlanCard\.tsx$/));
  const program = ts.createProgram(production, parsed.options);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(problems).toEqual([]);
  const outside = program
    .getSourceFiles()
    .map((f) => f.fileName)
    .filter((f) => !f.includes('/node_modules/') && !f.startsWith(cardsDir.split(sep).join('/')));
  expect(outside).toEqual([]);
  expect(program.getSourceFiles().filter((f) => f.fileName.includes('/@types/node/'))).toEqual([]);
}, 60_000);
