// Lint: @eslint/js + typescript-eslint (type-aware) + Prettier's compatibility config, and the
// import boundaries that keep the architecture (docs/design.md, "Layers"):
//  - the function's pure core imports no HTTP client, no AWS SDK and no adapter;
//  - lib/, local/, bench/ and bin/ import from the function only its contract modules.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** The function's modules that others may import: types, codes, contract constants, validation. */
const CONTRACT_MODULES = ['types', 'codes', 'contract', 'validation', 'log-events'];

/** Pure modules of the function (decisions only, every effect behind a port). */
const CORE_FILES = ['lambda/snapshot/core-api.ts', 'lambda/snapshot/event.ts', 'lambda/snapshot/core/**/*.ts'];

const ADAPTERS = [
  '**/atlas',
  '**/atlas/**',
  '**/notify/**',
  '**/credentials',
  '**/scheduler',
  '**/publisher',
  '**/index',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      'coverage/',
      'dist/',
      'bench/.out/',
      '**/*.cjs',
      'lambda/shims/',
      'jest.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['eslint.config.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: CORE_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['axios', 'axios/*'], message: 'The core talks to Atlas through the AtlasApi port only.' },
            { group: ['@aws-sdk/*'], message: 'The core reaches AWS through ports (publisher, scheduler) only.' },
            { group: ['node:http', 'node:https', 'http', 'https'], message: 'No I/O in the core.' },
            { group: ADAPTERS, message: 'The core depends on ports, never on an adapter.' },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/**/*.ts', 'local/**/*.ts', 'bench/**/*.ts', 'bin/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/lambda/snapshot/*', ...CONTRACT_MODULES.map((m) => `!**/lambda/snapshot/${m}`)],
              message: `Import from the function only its contract modules (${CONTRACT_MODULES.join(', ')}).`,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lambda/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['local/**/*.ts', 'bench/**/*.ts', 'bin/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests read JSON off the wire (simulator answers, SNS bodies) and assert on its shape with
    // expect(); typing every fixture would only restate the assertions. Jest's mocks are passed
    // unbound to expect() by design.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Stubs of async ports are async without awaiting anything; JSON fixtures may be `any`.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  prettier,
);
