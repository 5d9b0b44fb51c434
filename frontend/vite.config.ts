/// <reference types="vitest/config" />
// Build and dev-server setup: the backend (Daphne on :5001) serves dist/ at "/", so the app uses
// absolute paths and the dev server proxies every backend prefix to it.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const BACKEND = process.env.MAM_BACKEND_URL ?? 'http://localhost:5001';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: BACKEND, changeOrigin: false },
      '/thumbnails': { target: BACKEND, changeOrigin: false },
      '/admin': { target: BACKEND, changeOrigin: false },
      '/static': { target: BACKEND, changeOrigin: false },
      '/ws': { target: BACKEND, ws: true, changeOrigin: false },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
