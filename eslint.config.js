// typescript-eslint's recommended rules over src/ (what reviewers of a TypeScript project expect to
// hold), not the type-aware set: that one reruns the type checker, which `npm test` already does.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      // An unused argument named with a leading underscore is kept on purpose (express's 4-argument error handlers).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A handle assigned after the closures that release it are made (an unsubscribe, a timer) stays `let`.
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }],
      // Lines prettier cannot wrap (long strings, comments) are split by hand; a regex literal is left whole.
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
);
