import { defineConfig } from 'vite'

// The advisor console: a second build into web/dist/console (run after the
// widget's build, which empties web/dist).
export default defineConfig({
  root: 'console',
  base: './',
  publicDir: false,
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 700,
  },
})
