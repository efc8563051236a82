import { defineConfig } from 'vitest/config'

// Unit tests of the front ends' pure logic (state modules, validation, the
// shared helpers): *.test.ts beside the code, in Node, no browser. The
// browser tests (tests/browser, Playwright) judge the whole.
export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'widget/src/**/*.test.ts', 'console/src/**/*.test.ts'],
    environment: 'node',
    passWithNoTests: false,
  },
})
