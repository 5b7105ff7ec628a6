// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const outerLayers = ['**/infrastructure/**', '**/api/**', '**/projections/**'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // The domain is pure: no I/O, no clock, no randomness, no outer layers.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: outerLayers, message: 'domain/ must not import outer layers' }],
          paths: ['fastify', '@eventstore/db-client', 'better-sqlite3', 'node:fs', 'fs', 'node:crypto', 'crypto', 'uuid'].map((name) => ({
            name,
            message: 'domain/ holds no I/O, randomness or framework code: take it through a port',
          })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'time enters through the command (Clock port)' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'time enters through the command (Clock port)' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'randomness enters through a port' },
      ],
    },
  },
  {
    // Inner layers do not reach outwards: infrastructure and projections never import the API.
    files: ['infrastructure/**/*.ts', 'projections/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/api/**'], message: 'only api/ wires the edges' }] }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
