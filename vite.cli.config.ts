/**
 * Builds the `ocm` CLI to plain JavaScript in out/cli/ (`npm run build:cli`; `npm pack` runs it), so an
 * installed CLI runs without TypeScript tooling. The sync worker is built beside the entry, where
 * worker-host.ts looks for `worker-entry.js`; npm packages stay external (installed with the CLI).
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export default defineConfig({
  build: {
    ssr: true,
    outDir: path('./out/cli'),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: false,
    rollupOptions: {
      input: { main: path('./src-main/hosts/cli/main.ts'), 'worker-entry': path('./src-main/sync/worker-entry.ts') },
      // Chunks beside the entries: worker-host finds worker-entry.js next to whichever file holds it.
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
});
