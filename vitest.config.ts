import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

// AXON_TEST_REPORT=path adds a JSON report (read by .ci/run for its totals line).
const report = process.env.AXON_TEST_REPORT;

/** Tests that need a real WebGL2 context run in headless Chromium (the browser project below). */
const BROWSER_TESTS = "packages/backend-webgl/src/**/*.browser.test.ts";

// Debian's Chromium (`apt-get install chromium`); playwright never downloads a browser here.
// SwiftShader gives WebGL2 with EXT_color_buffer_float on machines without a GPU.
const chromium = playwright({
  launchOptions: {
    executablePath: process.env.AXON_CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--headless=new",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      // the engine tests call gc() to show that unreachable tensors are released
      "--js-flags=--expose-gc",
    ],
  },
});

export default defineConfig({
  test: {
    testTimeout: 60_000,
    reporters: report ? ["default", ["json", { outputFile: report }]] : ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["packages/*/src/**/*.test.ts", "examples/**/*.test.ts"],
          exclude: ["**/node_modules/**", BROWSER_TESTS],
          // The memory tests call gc() to show that unreachable tensors are released.
          execArgv: ["--expose-gc"],
        },
      },
      {
        extends: true,
        test: {
          name: "webgl",
          include: [BROWSER_TESTS],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            provider: chromium,
            headless: true,
            instances: [{ browser: "chromium" }],
            screenshotFailures: false,
            // Software rendering: one page, one WebGL context, files one after another.
            fileParallelism: false,
          },
        },
      },
    ],
  },
});
