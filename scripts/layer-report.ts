/**
 * `npx tsx scripts/layer-report.ts [checkout]`: every production import between layers, counted by arrow, and
 * the ones docs/architecture.md does not allow — on this checkout, or on another (an older commit checked out
 * with `git worktree add`), so the layering can be compared before and after a change. Test files, test
 * helpers and generated copies are left out; lint (eslint.config.js) enforces the same arrows on every file.
 *
 * Older checkouts had src/server (now src/http), src/server/backend.ts as the composition root and src/main.ts
 * as npm start's program (now src/start.ts), and the contract in functions/contract.ts: each is counted as the
 * layer it has become.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';

type Layer =
  | 'domain'
  | 'contract'
  | 'ports'
  | 'functions'
  | 'adapters'
  | 'http'
  | 'main'
  | 'start'
  | 'config'
  | 'lib'
  | 'sandbox'
  | 'preview';

/** What each layer may import (besides itself and packages). */
const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  domain: [],
  contract: ['domain'],
  ports: ['domain'],
  functions: ['domain', 'contract', 'ports'],
  adapters: ['domain', 'ports', 'lib'],
  http: ['functions', 'contract', 'ports', 'domain', 'lib'],
  main: ['domain', 'contract', 'ports', 'functions', 'adapters', 'http', 'config', 'lib'],
  config: ['domain', 'lib', 'adapters'],
  start: ['main', 'config', 'lib', 'sandbox', 'preview', 'http', 'domain'],
  lib: [],
  sandbox: ['lib'],
  preview: ['lib', 'contract', 'domain', 'sandbox'],
};

const root = resolve(process.argv[2] ?? '.');
const legacy = !existsSync(join(root, 'src/start.ts'));

function layerOf(file: string): Layer | undefined {
  if (file === 'functions/contract.ts' || file.startsWith('src/contract/')) return 'contract';
  if (file.startsWith('functions/')) return 'functions';
  if (legacy && file === 'src/main.ts') return 'start';
  if (file === 'src/start.ts') return 'start';
  if (file === 'src/main.ts' || file === 'src/server/backend.ts') return 'main';
  if (file === 'src/config.ts') return 'config';
  if (file.startsWith('src/server/') || file.startsWith('src/http/')) return 'http';
  if (
    file.startsWith('src/lib/') ||
    /^src\/(logger|local-only|require-node|quiet-sqlite-warning)\.ts$/.test(file)
  )
    return 'lib';
  const top = /^src\/(domain|ports|adapters|sandbox|preview)\//.exec(file)?.[1];
  return top as Layer | undefined;
}

const isProduction = (file: string): boolean =>
  /\.tsx?$/.test(file) &&
  !/\.(test|e2e\.test)\.tsx?$/.test(file) &&
  !/(test-factories|arbitraries)\.ts$/.test(file) &&
  !file.includes('/browser/');

function filesUnder(folder: string): string[] {
  const dir = join(root, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => posix.join(folder, f.split('\\').join('/')))
    .filter(isProduction);
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

const arrows = new Map<string, number>();
const forbidden: string[] = [];
for (const file of [...filesUnder('src'), ...filesUnder('functions')]) {
  const from = layerOf(file);
  if (!from) continue;
  const source = readFileSync(join(root, file), 'utf8');
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? '';
    const target = relative(root, resolve(dirname(join(root, file)), spec))
      .split('\\')
      .join('/');
    const to = layerOf(target.replace(/\.js$/, '.ts'));
    if (!to || to === from) continue;
    const key = `${from} → ${to}`;
    arrows.set(key, (arrows.get(key) ?? 0) + 1);
    if (!ALLOWED[from].includes(to)) forbidden.push(`${file} → ${spec}  (${key})`);
  }
}

process.stdout.write(
  `Layer report of ${root}${legacy ? ' (older layout, mapped to today’s layers)' : ''}\n\n`,
);
for (const [key, n] of [...arrows].sort((a, b) => b[1] - a[1]))
  process.stdout.write(`  ${String(n).padStart(4)}  ${key}\n`);
process.stdout.write(`\nImports docs/architecture.md does not allow: ${forbidden.length}\n`);
for (const line of forbidden) process.stdout.write(`  ${line}\n`);
