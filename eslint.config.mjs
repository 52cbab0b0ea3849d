// ESLint for LungCAM: typescript-eslint's recommended rules, the layering of scripts/lib/layers.mjs as
// no-restricted-imports (what each part of the tree may import), and the line limit for hand-written
// files. `npm run lint`; part of `npm test`.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { ENGINE_FLOORS, GENERATED, MAX_LINES } from './scripts/lib/layers.mjs';

// A new engine folder gets no layering rules until it has a floor: say so rather than leave it unguarded.
const unplaced = readdirSync(new URL('./kernels/engine/', import.meta.url), { withFileTypes: true })
  .filter((e) => e.isDirectory() && !ENGINE_FLOORS.includes(e.name))
  .map((e) => e.name);
if (unplaced.length > 0) {
  throw new Error(`kernels/engine/${unplaced.join(', kernels/engine/')}: give each a floor in ENGINE_FLOORS (scripts/lib/layers.mjs)`);
}

const NODE_GLOBALS = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    '__dirname',
    '__filename',
    'require',
    'module',
    'exports',
    'TextEncoder',
    'TextDecoder',
    'performance',
    'AbortController',
    'fetch',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

/** An error for imports matching any of `rules`' patterns (gitignore-style, on the import string), saying why. */
const forbid = (...rules) => ['error', { patterns: rules.map(([group, message]) => ({ group, message })) }];

const NO_VSCODE = [
  ['vscode', '**/extension/**', '**/webview/**'],
  'kernels/ runs outside VS Code (CLI, notebook kernel): no vscode, extension or webview import',
];
const BROWSER = [
  ['vscode', 'node:*', '**/kernels/engine/**', '**/kernels/client/**', '**/kernels/cli/**', '**/kernels/batch/**', '**/extension/**'],
  'the renderer runs in a browser: of LungCAM it imports only kernels/shared',
];
const HOST = [
  ['**/kernels/engine/*', '!**/kernels/engine/formats', '**/webview/**', '**/kernels/cli/**', '**/kernels/batch/**'],
  'the extension imports the engine only through kernels/engine/formats (its face without TensorFlow.js), plus kernels/shared and kernels/client',
];
const SHARED = [
  ['vscode', 'node:*', '@tensorflow/*', '**/engine/**', '**/client/**', '**/cli/**', '**/batch/**', '**/extension/**', '**/webview/**'],
  'kernels/shared is plain data and pure functions the engine, the extension and the renderer share: it imports no other part of LungCAM and no Node built-ins',
];

/**
 * The imports that run back up from engine folder `floor` (files `depth` folders below engine/): the
 * folders above it, the engine's faces, and accel/'s insides (outside accel/, only its face).
 */
function upwards(floor, depth) {
  const up = '../'.repeat(depth);
  const above = ENGINE_FLOORS.slice(ENGINE_FLOORS.indexOf(floor) + 1);
  const rules = above.map((f) => [
    [`${up}${f}`, `${up}${f}/*`],
    `engine/${floor} sits below engine/${f}: import downwards only (scripts/lib/layers.mjs)`,
  ]);
  rules.push([[`${up}index`, `${up}formats`], `engine/${floor} must not import the engine's faces: they import it`]);
  if (floor !== 'accel') rules.push([[`${up}accel/*`], 'outside accel/, the speed code is reached through its face (accel/index.ts)']);
  return rules;
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.bench/**', 'test-artifacts/**', '**/*.d.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // Messages from outside (Jupyter's wire protocol, tfjs internals) are untyped at the edge; tsc --strict guards the rest.
      '@typescript-eslint/no-explicit-any': 'off',
      // Flags `let x = init; try { x = … }` that TypeScript's definite assignment needs.
      'no-useless-assignment': 'off',
      'max-lines': ['error', { max: MAX_LINES }],
    },
  },
  { files: GENERATED, rules: { 'max-lines': 'off' } },
  { files: ['webview/**/*.ts'], rules: { 'no-restricted-imports': forbid(BROWSER) } },
  { files: ['extension/**/*.ts'], rules: { 'no-restricted-imports': forbid(HOST) } },
  {
    files: ['kernels/*.ts', 'kernels/{cli,batch,client}/**/*.ts', 'kernels/engine/*.ts'],
    rules: { 'no-restricted-imports': forbid(NO_VSCODE) },
  },
  { files: ['kernels/shared/**/*.ts'], rules: { 'no-restricted-imports': forbid(SHARED) } },
  ...ENGINE_FLOORS.flatMap((floor) =>
    [1, 2].map((depth) => ({
      files: [`kernels/engine/${floor}/${'*/'.repeat(depth - 1)}*.ts`],
      rules: { 'no-restricted-imports': forbid(NO_VSCODE, ...upwards(floor, depth)) },
    })),
  ),
  // Scripts in plain JavaScript run in Node (TypeScript files get their globals checked by tsc).
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: NODE_GLOBALS }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
