import { defineConfig } from 'vite'

// One build: the loader (fixed name, embedded by host sites) and the chat
// bundle it imports on demand (hashed name), plus the demo pages in public/.
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
    rolldownOptions: {
      input: { loader: 'widget/src/loader.ts' },
      preserveEntrySignatures: 'exports-only',
      output: {
        format: 'es',
        entryFileNames: 'widget/[name].js',
        chunkFileNames: 'widget/[name]-[hash].js',
        assetFileNames: 'widget/[name]-[hash][extname]',
      },
    },
  },
})
