import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// Cross-origin isolation makes SharedArrayBuffer (shared WebAssembly memory) available to the page.
const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** The web demo: `pnpm demo:web` serves it; the workspace packages are used from their TypeScript sources. */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  // Its own cache of pre-bundled dependencies, apart from vitest's.
  cacheDir: fileURLToPath(new URL("../../node_modules/.vite/demo-web", import.meta.url)),
  server: { headers: ISOLATION },
  preview: { headers: ISOLATION },
  build: { target: "es2022" },
});
