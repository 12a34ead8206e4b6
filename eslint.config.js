// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const server = 'apps/server/src';

/** Forbids importing a path pattern from a set of files, with the reason in the message. */
const forbid = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**', 'bench/results/**'] },
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
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
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
);
