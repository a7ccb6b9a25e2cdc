import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

/**
 * The WebGL tests on Mesa's llvmpipe instead of SwiftShader (about 3× faster, and a second shader
 * compiler that simplifies float algebra differently). Needs Debian's `libegl1 libegl-mesa0
 * libgl1-mesa-dri`. From the repository root:
 *
 *     npx vitest run --config packages/backend-webgl/vitest.llvmpipe.config.ts
 */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    name: "webgl-llvmpipe",
    include: ["packages/backend-webgl/src/**/*.browser.test.ts"],
    testTimeout: 120_000,
    browser: {
      enabled: true,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.AXON_CHROMIUM ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--headless=new",
            "--use-angle=gl-egl",
            "--ignore-gpu-blocklist",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--js-flags=--expose-gc",
          ],
        },
      }),
      headless: true,
      instances: [{ browser: "chromium" }],
      screenshotFailures: false,
      fileParallelism: false,
    },
  },
});
