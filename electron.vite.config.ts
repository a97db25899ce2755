import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import rendererConfig from './vite.renderer.config';

// The desktop build: Electron main (ESM) with the sync worker beside it (worker-host.ts looks for
// worker-entry.js next to itself), the sandboxed preload (CommonJS, as sandboxed preloads must
// be) and the renderer (the same React workbench browser mode serves).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/hosts/electron/main.ts'),
          'worker-entry': resolve(__dirname, 'src-main/sync/worker-entry.ts'),
        },
        // Chunks beside the entries: worker-host finds worker-entry.js next to whichever file holds it.
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: resolve(__dirname, 'src-main/hosts/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: { ...rendererConfig.build, rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') } },
  },
});
