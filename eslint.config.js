// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { noTypeCycle } from './scripts/eslint-no-type-cycle.mjs';

const server = 'apps/server/src';
const web = 'apps/web/src';
const webFeatures = ['auth', 'conversations', 'messages', 'scheduling', 'media'];

/** Forbids importing a path pattern from a set of files, with the reason in the message. */
const forbid = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      'coverage/**',
      'bench/results/**',
      'apps/web/e2e/screenshots/**',
      // Static files served as they are (a classic script that must run before the app's modules).
      'apps/web/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  // No import cycles anywhere (a cycle is how barrels and layers quietly rot). The resolver maps
  // the `.js` of an ESM import to the `.ts` source, and resolves extensionless web imports.
  {
    files: ['apps/*/src/**/*.{ts,tsx}', 'packages/*/src/**/*.ts'],
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.json'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
        }),
      ],
    },
    plugins: { 'import-x': importX, herald: { rules: { 'no-type-cycle': noTypeCycle } } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // import-x skips type-only imports; a cycle closed by one is coupling all the same.
      'herald/no-type-cycle': 'error',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['scripts/**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/test/**/*.ts', 'bench/**/*.ts', 'vitest.config.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      'no-console': 'off',
    },
  },

  // Dependency direction (DESIGN section 3), enforced here rather than in prose.
  forbid(
    ['packages/shared/src/**'],
    [
      { group: ['@herald/*', '../../*'], message: 'shared is the contract: it imports nothing of ours.' },
      { group: ['node:*', 'pg', 'fastify', 'socket.io*'], message: 'shared has no I/O.' },
    ],
  ),
  // Every string and integer of the contract is built from the primitives in text.ts, so that the
  // NUL / control-character rule and the int4 bound cover every field at once.
  {
    files: ['packages/shared/src/**'],
    ignores: ['packages/shared/src/text.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='z'][property.name=/^(string|number|int|int32|bigint|coerce)$/]",
          message: 'Build strings and numbers from text.ts (lineText, nameText, multilineText, boundedInt, queryInt).',
        },
      ],
    },
  },
  forbid(
    ['packages/crypto/src/**'],
    [
      { group: ['@herald/crypto', '../../apps/*'], message: 'crypto depends on shared only.' },
      { group: ['node:*'], message: 'crypto runs in browsers too: use WebCrypto-compatible code.' },
    ],
  ),
  forbid(
    [`${server}/lib/**`],
    [
      {
        group: [
          '**/db/index.js',
          '**/modules/**',
          '**/http/**',
          '**/realtime/**',
          '**/dispatcher/**',
          '**/app.js',
          '**/main.js',
        ],
        message: 'lib is the bottom layer.',
      },
    ],
  ),
  forbid(
    [`${server}/db/**`],
    [
      {
        group: ['**/modules/**', '**/http/**', '**/realtime/**', '**/dispatcher/**', '**/app.js', '**/main.js'],
        message: 'db sits below modules.',
      },
    ],
  ),
  forbid(
    [`${server}/modules/**/!(*.routes).ts`],
    [
      {
        group: ['**/http/**', 'fastify', '@fastify/*'],
        message: 'module logic is transport-free; only *.routes.ts may use http/.',
      },
      {
        group: ['socket.io', '**/realtime/**'],
        message: 'modules emit through the Broadcaster interface, never socket.io.',
      },
      { group: ['**/dispatcher/**', '**/app.js', '**/main.js'], message: 'modules sit below dispatcher and app.' },
      { regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)', message: 'reach another module only through its index.ts.' },
    ],
  ),
  forbid(
    [`${server}/modules/**/*.routes.ts`],
    [
      {
        group: ['socket.io', '**/realtime/**'],
        message: 'modules emit through the Broadcaster interface, never socket.io.',
      },
      { group: ['**/dispatcher/**', '**/app.js', '**/main.js'], message: 'modules sit below dispatcher and app.' },
      { regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)', message: 'reach another module only through its index.ts.' },
    ],
  ),
  forbid(
    [`${server}/http/**`, `${server}/realtime/**`],
    [
      {
        group: ['**/dispatcher/**', '**/app.js', '**/main.js'],
        message: 'only app.ts and main.ts compose the dispatcher.',
      },
      { regex: 'modules/[^/]+/(?!index\\.js$)[^/]+$', message: 'use the module index.' },
    ],
  ),
  forbid(
    [`${server}/dispatcher/**`],
    [
      {
        group: ['**/http/**', '**/realtime/**', 'socket.io', '**/app.js', '**/main.js'],
        message: 'the dispatcher delivers through modules and the Broadcaster.',
      },
      { regex: 'modules/[^/]+/(?!index\\.js$)[^/]+$', message: 'use the module index.' },
    ],
  ),

  // ---- web app (apps/web) ----------------------------------------------------------------------
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: [`${web}/**/*.test.{ts,tsx}`, `${web}/test-support/**`, 'apps/web/e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-console': 'off',
    },
  },
  // Only the HTTP wrapper and the feature api modules talk to the network; components never do.
  {
    files: [`${web}/**/*.{ts,tsx}`],
    ignores: [`${web}/lib/http.ts`, `${web}/features/*/api.ts`, `${web}/**/*.test.{ts,tsx}`, `${web}/test-support/**`],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: "Call the feature's api.ts (which uses lib/http), never fetch directly." },
        { name: 'XMLHttpRequest', message: "Uploads go through the media feature's api.ts." },
      ],
    },
  },
  // Blob URLs carry their type into the browser (an SVG or HTML blob opened in a tab runs script in
  // Herald's origin): media gets them only through objectUrlFor, typed from the allow-list.
  {
    files: [`${web}/**/*.{ts,tsx}`],
    ignores: [`${web}/**/*.test.{ts,tsx}`, `${web}/test-support/**`],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'URL',
          property: 'createObjectURL',
          message: 'Use objectUrlFor (features/media/media-types.ts): blob URLs only with allow-listed types.',
        },
      ],
    },
  },
  // Web dependency direction (DESIGN section 3): no feature imports another; features never import
  // app/ (cross-feature flows are composed there); ui primitives and lib know no feature.
  ...webFeatures.map((feature) =>
    forbid(
      [`${web}/features/${feature}/**`],
      [
        {
          regex: `^(?:\\.\\./)+(?:features/)?(?:${webFeatures.filter((f) => f !== feature).join('|')})(?:/|$)`,
          message: 'features do not import each other: compose cross-feature flows in src/app/.',
        },
        { regex: '^(?:\\.\\./)+app(?:/|$)', message: 'features do not import app/; app/ imports features.' },
      ],
    ),
  ),
  forbid(
    [`${web}/components/**`, `${web}/lib/**`],
    [
      {
        regex: '^(?:\\.\\./)+(?:features|app)(?:/|$)',
        message: 'ui primitives and lib know nothing of features or app.',
      },
    ],
  ),
);
