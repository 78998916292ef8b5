import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web app is built into web/dist and served by the Nest server at /. In development
 * (`npm run dev -w web`), Vite serves it and forwards /api to a server on API_URL (default :3000).
 */
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // scripts/bench-web.mjs reads the manifest to measure what each page loads.
    manifest: true,
    sourcemap: false,
    target: 'es2022',
  },
  server: {
    proxy: { '/api': { target: process.env.API_URL ?? 'http://localhost:3000', changeOrigin: false } },
  },
});
