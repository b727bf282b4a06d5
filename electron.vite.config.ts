// One build for the three Electron targets. The renderer output (out/renderer) is
// also what `heartwire web` serves to browsers, so the UI is built exactly once.
//   main     out/main/index.js     ESM (package.json "type": "module"); npm deps stay external
//   preload  out/preload/index.cjs one CJS file for the sandbox: requires only 'electron'
//   renderer out/renderer/         React app (owned by the renderer)
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * A sandboxed preload runs without Node's module loader: `require` knows only 'electron'
 * (and a few polyfills). Fail the build if anything else is left as an import, or if the
 * output is split into chunks, rather than ship a preload that breaks at window load.
 */
function sandboxedPreloadGuard(): Plugin {
  return {
    name: 'heartwire:sandboxed-preload-guard',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((f) => f.type === 'chunk');
      if (chunks.length !== 1) this.error(`sandboxed preload must be one file, got ${chunks.map((c) => c.fileName).join(', ')}`);
      for (const chunk of chunks) {
        const imports = [...chunk.imports, ...chunk.dynamicImports].filter((id) => id !== 'electron');
        if (imports.length > 0) this.error(`sandboxed preload may require only 'electron', found: ${imports.join(', ')}`);
      }
    },
  };
}

/**
 * The renderer's <meta> CSP (script-src 'self') would block the inline React-refresh
 * preamble of the dev server. In `electron-vite dev` main sends a dev variant of the
 * policy as a header instead (electron/main/window.ts), so drop the meta tag there only.
 */
function devServerWithoutMetaCsp(): Plugin {
  return {
    name: 'heartwire:dev-server-without-meta-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(/<meta\s+http-equiv=["']Content-Security-Policy["'][^>]*>\s*/i, '');
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve(root, 'electron/main/index.ts'), formats: ['es'], fileName: () => 'index.js' },
      // The engine (electron/core, shared) is bundled in; npm dependencies (ws, zod,
      // prom-client) stay external and ship in node_modules of the packaged app.
      externalizeDeps: true,
    },
  },
  preload: {
    plugins: [sandboxedPreloadGuard()],
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve(root, 'electron/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
      // Sandbox: bundle everything (electron-vite docs: disable externalizeDeps for sandboxed preloads).
      externalizeDeps: false,
      rolldownOptions: { output: { codeSplitting: false } },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react(), devServerWithoutMetaCsp()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // Served to browsers by `heartwire web` as well: ship it minified. HEARTWIRE_NO_MINIFY=1
      // keeps names readable in CPU profiles (`npm run bench -- --only ui --profile DIR`).
      minify: !process.env.HEARTWIRE_NO_MINIFY,
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
