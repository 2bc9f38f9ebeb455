// Lint rules: typescript-eslint's recommended set plus Ordo's own bans (ambient time, `export *`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ambientTime = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Read the time from an injected Clock (src/clock/), not Date.now().' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read the time from an injected Clock (src/clock/), not new Date().' },
  { selector: "CallExpression[callee.object.name='DateTime'][callee.property.name=/^(now|local)$/]", message: 'Read the time from an injected Clock; DateTime.now()/local() use the process clock and zone.' },
];

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
    ignores: ['src/clock/**'],
    rules: {
      'no-restricted-syntax': ['error', ...ambientTime, { selector: 'ExportAllDeclaration', message: 'Export names explicitly; no export *.' }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
