// PREVIEW ONLY: builds the renderer with the simulated API into test-artifacts/preview.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = dirname(fileURLToPath(import.meta.url));
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: { outDir: resolve(here, '../../test-artifacts/preview'), emptyOutDir: true },
});
