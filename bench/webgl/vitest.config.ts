import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { playwright } from "@vitest/browser-playwright";
import type { BrowserCommand } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * WebGL vs CPU in one headless Chromium page, on demand (not part of `pnpm test`):
 *
 *     npx vitest run --config bench/webgl/vitest.config.ts                 # SwiftShader
 *     AXON_BENCH_RENDERER=llvmpipe npx vitest run --config bench/webgl/vitest.config.ts
 *
 * Each run appends its table to bench/RESULTS.md (AXON_BENCH_WRITE=0 prints it only;
 * AXON_BENCH_ONLY=webgl times WebGL alone and writes nothing). A file name filter runs one bench:
 *
 *     npx vitest run --config bench/webgl/vitest.config.ts webgl-vs-cpu
 *     npx vitest run --config bench/webgl/vitest.config.ts host-eval
 */

const executablePath = process.env.AXON_CHROMIUM ?? "/usr/bin/chromium";
const renderer = process.env.AXON_BENCH_RENDERER ?? "swiftshader";

/** Chromium's flags per software renderer: SwiftShader (built in) or Mesa's llvmpipe through EGL. */
const RENDERER_FLAGS: Record<string, string[]> = {
  swiftshader: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
  llvmpipe: ["--use-angle=gl-egl", "--ignore-gpu-blocklist"],
};
const flags = RENDERER_FLAGS[renderer];
if (!flags) throw new Error(`AXON_BENCH_RENDERER must be one of ${Object.keys(RENDERER_FLAGS).join(", ")}`);

const RESULTS = fileURLToPath(new URL("../RESULTS.md", import.meta.url));

function chromiumVersion(): string {
  try {
    const out = execFileSync(executablePath, ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return out.trim().replace(/\s+built on.*$/, "");
  } catch {
    return "unknown";
  }
}

/**
 * Appends a run's table to bench/RESULTS.md under `title`, with the command (`filter` names the
 * bench file), the date and the machine (never rewrites).
 */
const appendBenchResults: BrowserCommand<
  [table: string, gpu: string, userAgent: string, title?: string, filter?: string]
> = (_ctx, table, gpu, userAgent, title = "WebGL vs CPU", filter = "") => {
  const cpus = os.cpus();
  const command =
    (renderer === "swiftshader" ? "" : `AXON_BENCH_RENDERER=${renderer} `) +
    `npx vitest run --config bench/webgl/vitest.config.ts${filter ? ` ${filter}` : ""}`;
  const section = [
    "",
    `## ${title} in headless Chromium (${renderer})`,
    "",
    `- command: \`${command}\``,
    `- date: ${new Date().toISOString()}`,
    `- machine: ${os.availableParallelism?.() ?? cpus.length} CPUs (nproc), ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} when the table was written`,
    `- browser: ${chromiumVersion()} (flags ${flags.join(" ")}); ${userAgent}`,
    `- WebGL renderer: ${gpu}`,
    "",
    table,
    "",
  ].join("\n");
  if (process.env.AXON_BENCH_WRITE === "0") {
    console.log(section);
    return "printed";
  }
  const header = existsSync(RESULTS)
    ? ""
    : "# Benchmark results\n\nEach run appends a section; entries are never rewritten.\n";
  appendFileSync(RESULTS, header + section);
  console.log(section);
  return "bench/RESULTS.md";
};

export default defineConfig({
  // The repository root, so that the include below and the packages' sources resolve from it.
  root: fileURLToPath(new URL("../..", import.meta.url)),
  // Cross-origin isolation, so that the CPU backend may use SharedArrayBuffer and worker threads
  // in the page as it would in an isolated web app.
  server: {
    headers: {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    },
  },
  test: {
    include: ["bench/webgl/*.browser-bench.ts"],
    // AXON_BENCH_ONLY=webgl times WebGL alone (nothing is written): for working on kernels.
    provide: { benchOnly: process.env.AXON_BENCH_ONLY ?? "" },
    testTimeout: 900_000,
    hookTimeout: 120_000,
    browser: {
      enabled: true,
      provider: playwright({
        launchOptions: {
          executablePath,
          args: [
            "--no-sandbox",
            "--headless=new",
            ...flags,
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      }),
      headless: true,
      instances: [{ browser: "chromium" }],
      screenshotFailures: false,
      commands: { appendBenchResults },
    },
  },
});
