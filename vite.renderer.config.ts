/**
 * Builds the renderer alone for browser mode (`npx vite build -c vite.renderer.config.ts`).
 * Electron builds the same renderer through electron.vite.config.ts; both emit a self-contained
 * bundle (codicons font included) so the strict CSP (`'self'` only) holds with no CDN.
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./src-renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    // Inline nothing: `data:` fonts are allowed by the CSP but separate files cache better.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    // One bundle for a local app: loaded from disk or loopback, so splitting buys nothing.
    chunkSizeWarningLimit: 1000,
  },
});
