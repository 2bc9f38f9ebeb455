// Lint rules: typescript-eslint's recommended set plus Ordo's own bans (ambient time, `export *`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ambientTime = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Read the time from an injected Clock (src/clock/), not Date.now().' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read the time from an injected Clock (src/clock/), not new Date().' },
  { selector: "CallExpression[callee.object.name='DateTime'][callee.property.name=/^(now|local)$/]", message: 'Read the time from an injected Clock; DateTime.now()/local() use the process clock and zone.' },
];

// The import direction (README, "Architecture"): domain -> domain + ports; ports -> domain types;
// application (src/app) -> domain + ports; adapters -> ports, errors and domain types; only the
// entry points (src/index.ts, src/app/index.ts, src/adapters/*.ts, src/testing, the hub facade)
// and the runtime (src/runtime, the composition root: its embedded defaults) import an adapter. A domain module's index.ts is domain too: it re-exports no application code. Paths are matched on the import specifier.
const DOMAIN = ['clock', 'orders', 'approval', 'routing', 'sync', 'tasks', 'ops', 'customers', 'intake', 'money', 'model', 'errors', 'ids'];
const group = (names) => names.flatMap((name) => [`../${name}/*`, `../../${name}/*`, `../../../${name}/*`, `../${name}`, `../../${name}`, `../../../${name}`]);
const ban = (names, message, extra = {}) => ({ group: group(names), message, ...extra });
const IO_DRIVERS = { group: ['pg', 'better-sqlite3', 'amqplib', 'node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:https', 'node:child_process', 'fs', 'net', 'http', 'child_process'], message: 'Domain modules do no I/O: read and write through a port from the application layer (src/app).' };
const layer = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Full-width characters are real data in comments and examples (e.g. a U+3000 space in a phone).
      'no-irregular-whitespace': ['error', { skipComments: true, skipStrings: true, skipTemplates: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/clock/**', 'src/index.ts', 'src/errors/entry.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...ambientTime, { selector: 'ExportAllDeclaration', message: 'Export names explicitly in a module index; only the entries (src/index.ts, src/errors/entry.ts) gather module indexes with export *.' }],
    },
  },
  {
    // The entries gather module indexes, each name written once in its index; they read no time.
    files: ['src/index.ts', 'src/errors/entry.ts'],
    rules: { 'no-restricted-syntax': ['error', ...ambientTime] },
  },
  layer(
    DOMAIN.map((name) => `src/${name}/**/*.ts`),
    [ban(['app', 'adapters', 'hub', 'runtime', 'testing'], 'Domain modules import only other domain modules and ports; the application layer (src/app) calls them and the runtime (src/runtime) composes them, never the reverse: no task worker, no runtime.'), IO_DRIVERS],
  ),
  layer(['src/ports/**/*.ts'], [ban(['app', 'adapters', 'hub', 'runtime', 'testing'], 'Ports are interfaces over domain types; they import no application code or adapter.')]),
  layer(['src/app/**/*.ts'], [ban(['adapters', 'hub', 'runtime', 'testing'], 'The application layer reaches storage and transports through ports, never an adapter; the runtime composes it, not the reverse.')]),
  layer(
    ['src/adapters/storage/**/*.ts', 'src/adapters/transport/**/*.ts', 'src/adapters/http/**/*.ts', 'src/adapters/metrics/**/*.ts', 'src/adapters/carrier/**/*.ts'],
    [
      ban(['app', 'hub', 'runtime', 'testing'], 'Adapters implement ports; they import no application code.'),
      ban(DOMAIN.filter((name) => name !== 'errors'), 'Adapters use domain types only (import type), never domain logic.', { allowTypeImports: true }),
    ],
  ),
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
