/**
 * Builds the console into dist/web, which the server serves at `/` (src/http/http-console.ts).
 * In development, `npm run dev:web` serves it with hot reload and proxies the API to a running
 * `atrium serve` on 127.0.0.1:8080 (or ATRIUM_API_URL).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.ATRIUM_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: here,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': api, '/healthz': api, '/readyz': api } },
});
