import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright";
import { createServer } from "vite";

/** The headers that make a page cross-origin isolated (shared memory for the worker pool). */
export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** A served test page: its address and how to stop the server. */
export interface ServedPage {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves this folder's page with Vite on a free port, with or without the isolation headers. */
export async function servePage(isolated: boolean): Promise<ServedPage> {
  const server = await createServer({
    configFile: false,
    root: fileURLToPath(new URL(".", import.meta.url)),
    logLevel: "warn",
    cacheDir: fileURLToPath(new URL("../../../node_modules/.vite/backend-cpu-browser-test", import.meta.url)),
    // No file watching: a source edited during a run must not reload the page.
    server: {
      host: "127.0.0.1",
      port: 0,
      hmr: false,
      watch: null,
      headers: isolated ? ISOLATION_HEADERS : {},
    },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error("servePage: Vite did not report the address it listens on");
  return { url, close: () => server.close() };
}

/** Debian's Chromium (or AXON_CHROMIUM), headless; playwright never downloads a browser here. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.AXON_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless=new"],
  });
}
