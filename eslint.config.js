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

/** A relative import reaching one of these src folders (`dirs`) or top-level files (`entries`). */
const layerRegex = (dirs, entries) =>
  `^\\.{1,2}/(?:\\.\\./)*(?:${[...dirs.map((d) => `${d}/`), ...entries.map((e) => `${e}\\.js$`)].join('|')})`;

/** What each server layer may not import: everything drawn above it. */
const serverLayers = [
  {
    files: [`${server}/lib/**`],
    dirs: ['db', 'modules', 'http', 'realtime', 'delivery', 'housekeeping'],
    entries: ['config', 'app', 'app-services', 'main'],
    message: 'lib is the bottom layer.',
  },
  {
    files: [`${server}/db/**`],
    dirs: ['modules', 'http', 'realtime', 'delivery', 'housekeeping'],
    entries: ['app', 'app-services', 'main'],
    message: 'db sits below modules.',
  },
  {
    files: [`${server}/modules/**`],
    ignores: [`${server}/modules/**/*.routes.ts`],
    dirs: ['http', 'realtime', 'delivery', 'housekeeping'],
    entries: ['config', 'app', 'app-services', 'main'],
    packages: ['fastify', '@fastify/*', 'socket.io', 'socket.io-*'],
    message:
      'module logic is transport-free (only *.routes.ts use http/) and emits through the Broadcaster; it sits below delivery, housekeeping and app.',
  },
  {
    files: [`${server}/modules/**/*.routes.ts`],
    dirs: ['realtime', 'delivery', 'housekeeping'],
    entries: ['config', 'app', 'app-services', 'main'],
    packages: ['socket.io', 'socket.io-*'],
    message: 'routes are HTTP only: they emit through the Broadcaster and sit below delivery and app.',
  },
  {
    files: [`${server}/http/**`],
    dirs: ['realtime', 'delivery', 'housekeeping'],
    entries: ['app', 'app-services', 'main'],
    message: 'http, realtime, delivery and housekeeping are peers over modules; app.ts composes them.',
  },
  {
    files: [`${server}/realtime/**`],
    dirs: ['http', 'delivery', 'housekeeping'],
    entries: ['app', 'app-services', 'main'],
    message: 'http, realtime, delivery and housekeeping are peers over modules; app.ts composes them.',
  },
  {
    files: [`${server}/delivery/**`],
    dirs: ['http', 'realtime', 'housekeeping'],
    entries: ['app', 'app-services', 'main'],
    packages: ['socket.io', 'socket.io-*'],
    message: 'delivery goes through modules and the Broadcaster; app.ts composes it.',
  },
  {
    files: [`${server}/housekeeping/**`],
    dirs: ['http', 'realtime', 'delivery'],
    entries: ['app', 'app-services', 'main'],
    packages: ['socket.io', 'socket.io-*'],
    message: 'housekeeping goes through modules; app.ts composes it.',
  },
];

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
  // Server layers (docs/architecture.md): lib <- db <- modules <- (http, realtime, delivery,
  // housekeeping) <- app <- main. Each file is matched by exactly one entry below (a later
  // no-restricted-imports entry would replace, not extend, an earlier one).
  ...serverLayers.map(({ files, ignores, dirs, entries, packages = [], message }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(dirs.length + entries.length > 0 ? [{ regex: layerRegex(dirs, entries), message }] : []),
            ...(packages.length > 0 ? [{ group: packages, message }] : []),
            ...(files.some((f) => f.includes('/modules/'))
              ? [
                  {
                    regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)',
                    message: 'reach another module only through its index.ts.',
                  },
                ]
              : [{ regex: 'modules/[^/]+/(?!index\\.js$)[^/]+$', message: 'use the module index.' }]),
            {
              regex: '\\.routes\\.js$',
              message:
                'only app.ts registers routes (a barrel that re-exports routes, which import http/, makes cycles).',
            },
          ],
        },
      ],
    },
  })),
  forbid(
    [`${server}/config.ts`],
    [{ regex: '^\\.', message: 'config is parsed from the environment: it imports nothing of ours.' }],
  ),
  forbid(
    [`${server}/app.ts`, `${server}/app-services.ts`],
    [{ regex: '^\\./main\\.js$', message: 'main owns the process; app.ts never imports it.' }],
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
