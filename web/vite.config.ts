import { defineConfig } from 'vite'

// One build: the loader (fixed name, embedded by host sites) and the chat
// bundle it imports on demand (hashed name), plus the demo pages in public/.
// Library mode only so that Vite adds no module-preload helper to the loader
// (about 0.7 kB gzipped on every page view; the chat's chunks have no
// dependencies worth preloading).
export default defineConfig({
  base: './',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    sourcemap: false,
    assetsInlineLimit: 0,
    copyPublicDir: true,
    lib: { entry: { loader: 'widget/src/loader.ts' }, formats: ['es'] },
    rolldownOptions: {
      preserveEntrySignatures: 'exports-only',
      output: {
        // Library mode keeps whitespace by default; this is an app's bundle.
        minify: true,
        format: 'es',
        entryFileNames: 'widget/[name].js',
        chunkFileNames: 'widget/[name]-[hash].js',
        assetFileNames: 'widget/[name]-[hash][extname]',
      },
    },
  },
})
