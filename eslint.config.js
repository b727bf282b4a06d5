// Lint enforces the layering of DESIGN.md §1: shared is pure, core never sees electron,
// only main/preload may import electron, and the renderer reaches the app only through shared.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = { group: ['node:*'], message: 'shared/ is pure TypeScript: no node:* imports.' };
const electronOnly = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly, { name: 'react', message: 'shared/ has no UI.' }],
        patterns: [nodeBuiltins, { group: ['fs', 'net', 'path', 'os', 'crypto', 'events', 'http', 'ws'], message: 'shared/ has no Node imports.' },
          { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing of ours.' }],
      }],
    },
  },
  {
    files: ['electron/core/**', 'electron/headless/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly],
        patterns: [{ group: ['**/renderer/**', '**/electron/main/**', '**/electron/preload/**'], message: 'core/headless must not depend on UI or Electron shell code.' }],
      }],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly],
        patterns: [nodeBuiltins, { group: ['**/electron/**'], message: 'The renderer talks to the app only through shared/contract and a transport.' }],
      }],
    },
  },
);
