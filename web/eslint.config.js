import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: globals.browser },
    rules: {
      // Text from visitors, advisors and the server is never parsed as HTML.
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Use textContent (dom.ts h()).' },
        { property: 'outerHTML', message: 'Use textContent (dom.ts h()).' },
        { object: 'document', property: 'write', message: 'Never.' },
        { object: 'localStorage', message: 'Nothing chat-related may be stored on the device.' },
        { object: 'sessionStorage', message: 'Nothing chat-related may be stored on the device.' },
        { object: 'document', property: 'cookie', message: 'The widget sets no cookie.' },
        { object: 'history', property: 'pushState', message: 'No chat state in the history.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: 'Use textContent.' },
        { selector: "Identifier[name='indexedDB']", message: 'Nothing may be stored on the device.' },
      ],
      // noUncheckedIndexedAccess is on: indexes known to exist are asserted.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['*.js'],
    languageOptions: { globals: globals.node },
  },
)
