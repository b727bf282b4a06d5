// The e2e suite serves the built renderer: build it first when stale (shared with the UI benchmark).
export { ROOT, ensureRendererBuilt } from '../../helpers/renderer-build';
