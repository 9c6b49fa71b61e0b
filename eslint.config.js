import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Node built-ins that do I/O or read the environment: the domain must not touch any of them.
const nodeModules = [
  'fs',
  'fs/promises',
  'path',
  'os',
  'http',
  'https',
  'net',
  'child_process',
  'crypto',
  'process',
  'worker_threads',
  'url',
  'stream',
  'events',
  'timers',
  'sqlite',
  'dns',
  'tls',
  'zlib',
  'util',
];

/**
 * The selectors that refuse what no-restricted-imports does not see: a dynamic `import('…')` and a type query
 * `typeof import('…')` whose specifier matches `forbidden` (a regex), with `message`.
 */
function importSyntax(forbidden, message) {
  const regex = forbidden.replaceAll('/', '\\/');
  return [
    { selector: `ImportExpression[source.value=/${regex}/]`, message },
    { selector: `TSImportType[argument.literal.value=/${regex}/]`, message },
  ];
}

/** The lint rules that keep src/domain pure; `forbidden` is a regex matching every import specifier it refuses. */
function domainPurity(files, forbidden) {
  const message = 'src/domain is pure: import only zod and files inside src/domain.';
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: forbidden, message }],
          paths: nodeModules
            .flatMap((m) => [m, `node:${m}`])
            .map((name) => ({
              name,
              message: 'src/domain is pure: no Node I/O or environment.',
            })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/domain is pure: the environment is parsed in src/config.ts.' },
        { name: 'fetch', message: 'src/domain is pure: no I/O.' },
        { name: 'setTimeout', message: 'src/domain is pure: no timers.' },
      ],
      'no-restricted-syntax': [
        'error',
        ...importSyntax(forbidden, message),
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'src/domain is pure: the caller passes "today" and "now".',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'src/domain is pure: the caller passes "today" and "now".',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'src/domain is pure: randomness comes from the caller.',
        },
      ],
    },
  };
}

// What the deal card may import: React, HubSpot's UI components, zod and relative files.
const CARD_PACKAGES = {
  regex: '^(?!react$|react/|@hubspot/ui-extensions($|/)|zod$|\\.).*',
  message: 'The card uses React, @hubspot/ui-extensions, zod and its own files only.',
};
const CARD_DIR = 'extensions/hubspot/src/app/cards';

/**
 * The card's production files import nothing outside the card folder (HubSpot bundles the folder alone):
 * a file `depth` folders below it climbs at most `depth` times, and never back up after going down. Files
 * deeper than the last depth listed keep its limit, so they cannot climb out either.
 */
function cardFiles(depth, deeper = false) {
  const dirs = '/*'.repeat(depth) + (deeper ? '/**' : '');
  return {
    files: [`${CARD_DIR}${dirs}/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            CARD_PACKAGES,
            {
              regex: `^(\\.\\./){${depth + 1},}|^\\./\\.\\.(/|$)|[^./]/\\.\\.(/|$)`,
              message:
                'The card is bundled from its own folder: it imports nothing outside extensions/hubspot/src/app/cards (only its tests and test-utils may).',
            },
          ],
        },
      ],
    },
  };
}

/**
 * A layer rule (docs/architecture.md has the arrows): files of `files` may import nothing that matches
 * `forbidden`, a regex over the import specifier, whether statically, with `import('…')` or in a type query.
 * Tests of a layer follow the same rule unless listed apart.
 */
function layer(files, forbidden, message) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: forbidden, message }] }],
      'no-restricted-syntax': ['error', ...importSyntax(forbidden, message)],
    },
  };
}

/**
 * A program of its own (the sandbox, the local preview): its files import packages, each other, and of the rest
 * of src only the folders in `allowed`. A relative import leaves the program when it climbs more "../" than its
 * file is deep, so there is one layer per depth (files up to five folders deep; deeper ones keep the fifth
 * depth's rule, which refuses more than it should rather than less).
 */
function program(root, extensions, allowed, message) {
  return [0, 1, 2, 3, 4, 5].map((depth) =>
    layer(
      [`${root}/${'*/'.repeat(depth)}${depth === 5 ? '**/' : ''}*.${extensions}`],
      `^(\\.\\./){${depth + 1}}(?!(${allowed.join('|')})/)`,
      message,
    ),
  );
}

/** Why an import in src/http is refused: the arrows of docs/architecture.md for the HTTP layer. */
const HTTP_LAYER =
  'src/http imports only express, express-rate-limit, zod, Node built-ins, functions/, src/contract, src/ports, src/domain and src/lib: adapters reach it through ports, wired in src/main.ts.';

/**
 * What src/http may import, as a `forbidden` regex for `layer`: packages express, express-rate-limit and zod,
 * Node built-ins, its own files (`own`: the regex of a relative path inside src/http), and from `src` (the
 * regex of the relative path to src/) the contract, ports, domain and lib, and functions/ one level above.
 */
const HTTP_IMPORTS = (own, src) =>
  `^(?!(express|express-rate-limit|zod)$|node:|${own}|${src}(contract|ports|domain|lib)/|${src}\\.\\./functions/).*`;

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'coverage/**',
      'dist/**',
      'extensions/**/dist/**',
      // The card's copy of src/contract and src/domain (linted there), the per-deployment config: generated.
      'extensions/hubspot/src/app/cards/generated/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  // The domain is pure: it imports only zod and other files of src/domain. No SDKs, no express, no
  // pino, no Node I/O, no config, and no clock (the caller passes "today"). Files directly in src/domain
  // may not climb out with "../"; files one folder deeper may climb once.
  domainPurity(['src/domain/*.ts'], '^(?!zod$|\\./).*'),
  domainPurity(['src/domain/*/**/*.ts'], '^(?!zod$|\\./|\\.\\./(?!\\.\\.)).*'),
  // Property tests of the domain also import fast-check, and share their arbitraries through
  // src/domain/arbitraries.ts (imported by tests only). Everything else they import stays as pure as the domain.
  domainPurity(['src/domain/*.test.ts', 'src/domain/arbitraries.ts'], '^(?!zod$|fast-check$|\\./).*'),
  domainPurity(['src/domain/*/**/*.test.ts'], '^(?!zod$|fast-check$|\\./|\\.\\./(?!\\.\\.)).*'),
  // Ports are interfaces over the domain: they import zod, the domain and each other, nothing else.
  layer(
    ['src/ports/**/*.ts'],
    '^(?!zod$|\\./|\\.\\./domain/).*',
    'src/ports imports only zod, src/domain and other ports.',
  ),
  // The contract (each function's name and schemas, the error codes) is built from domain schemas only: the
  // card's generated copy starts here, so nothing of the backend may come along.
  layer(
    ['src/contract/**/*.ts'],
    '^(?!zod$|\\./|\\.\\./domain/).*',
    'src/contract imports only zod, src/domain and other contract files.',
  ),
  // The use cases (functions/) take ports, the domain and the contract: no express, SDK, adapter or config.
  layer(
    ['functions/**/*.ts'],
    '^(?!zod$|\\./|\\.\\./src/(domain|ports|contract)/).*',
    'functions/ imports only zod, src/domain, src/contract, src/ports and other functions.',
  ),
  // The HTTP layer is express over the use cases: it parses, calls functions/ and maps their results. It
  // imports the use cases, the contract, the ports, the domain and src/lib, and no adapter (the composition
  // root, src/main.ts, gives it the CRM's through ports). Files one folder deeper may climb once more.
  layer(['src/http/*.ts'], HTTP_IMPORTS('\\./', '\\.\\./'), HTTP_LAYER),
  layer(['src/http/*/**/*.ts'], HTTP_IMPORTS('\\./|\\.\\./(?!\\.\\.)', '\\.\\./\\.\\./'), HTTP_LAYER),
  // Adapters implement ports: they never reach into the HTTP layer, the use cases, the sandbox, the preview or
  // the configuration (the composition root passes them what they need).
  layer(
    ['src/adapters/**/*.ts'],
    '^(\\.\\./)+(http|server|sandbox|preview|config|main|start)(/|\\.js$)|^(\\.\\./){3,}functions/',
    'src/adapters implements src/ports over the domain: it does not import src/http, functions, the sandbox, the preview, the config or the composition root.',
  ),
  // Generic helpers any program may use (Node check, loopback check, logger, listen): they know nothing of the app.
  layer(
    ['src/lib/**/*.ts'],
    '^\\.\\./',
    'src/lib is generic: it imports packages, Node and other files of src/lib only.',
  ),
  // The composition root wires the app; the sandbox and the preview are programs of their own (src/start.ts
  // starts them beside the backend in development).
  layer(
    ['src/main.ts'],
    '^\\./(sandbox|preview)/',
    'src/main.ts composes the app only: the sandbox and the preview are separate programs (src/start.ts runs them).',
  ),
  // The sandbox is a program of its own, a stand-in for HubSpot: of the app it imports only the generic helpers
  // of src/lib (Node check, loopback check, logger, listen, the SQLite warning filter).
  ...program(
    'src/sandbox',
    'ts',
    ['lib'],
    'src/sandbox is a program of its own: it imports only packages, its own files and src/lib.',
  ),
  // The local preview is a program of its own: it imports what a client of the app would (src/contract,
  // src/domain), the generic helpers of src/lib, and the sandbox (both stand in for HubSpot).
  ...program(
    'src/preview',
    '{ts,tsx}',
    ['lib', 'contract', 'domain', 'sandbox'],
    'src/preview is a program of its own: it imports only packages, its own files, src/lib, src/contract, src/domain and src/sandbox.',
  ),
  // Except the proxy's test, which checks that what the preview signs passes the app's own verifier of the v3
  // signature (src/adapters/hubspot/signature.ts): a test, not part of the program.
  layer(
    ['src/preview/hubspot-fetch-proxy.test.ts'],
    '^\\.\\./(?!(lib|contract|domain|sandbox)/|adapters/hubspot/signature\\.js$)',
    'src/preview is a program of its own: its tests import only packages, its own files, src/lib, src/contract, src/domain, src/sandbox and the app’s signature verifier.',
  ),
  // The deal card runs in HubSpot's worker and draws only @hubspot/ui-extensions components: no DOM, no
  // Node, no other UI library, and nothing from outside its folder.
  {
    files: ['extensions/hubspot/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [CARD_PACKAGES] }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'fetch', 'localStorage'],
    },
  },
  cardFiles(0),
  cardFiles(1),
  cardFiles(2),
  cardFiles(3, true),
  // The card's tests and test doubles run in the root Jest, never in HubSpot: they may import the backend
  // (the fake backend runs the real functions on the memory store).
  {
    files: ['extensions/**/test-utils/**', 'extensions/**/__tests__/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [CARD_PACKAGES] }] },
  },
  {
    files: [
      '**/*.test.ts',
      '**/*.test.tsx',
      'test/**/*.ts',
      'bench/**/*.ts',
      'extensions/hubspot/src/app/cards/test-utils/**',
    ],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
