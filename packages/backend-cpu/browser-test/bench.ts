// Times an n×n float32 matmul on one and two threads in headless Chromium (cross-origin isolated
// page, Web Workers): `npx tsx packages/backend-cpu/browser-test/bench.ts [reps]`. Prints a
// Markdown table for bench/RESULTS.md.
import os from "node:os";
import type { PoolPage } from "./checks.ts";
import { launchChromium, servePage } from "./serve.ts";

const SIZES = [256, 512, 1024];
const reps = Number(process.argv[2] ?? 15);

const served = await servePage(true);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(served.url);
  await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 20_000 });
  const agent = await page.evaluate(() => navigator.userAgent);
  const check = await page.evaluate(() => (window as unknown as PoolPage).axonPool.checkPool());
  const timings = await page.evaluate(
    ([sizes, r]) => (window as unknown as PoolPage).axonPool.benchMatmul(sizes, r),
    [SIZES, reps] as const,
  );
  console.log(
    `machine: ${os.availableParallelism()} cores, ${os.cpus()[0]?.model}, ${os.platform()} ${os.arch()}`,
  );
  console.log(`browser: ${agent}`);
  console.log(`check: ${JSON.stringify(check)}`);
  console.log(`${reps} runs each, interleaved: median (fastest) ms\n`);
  console.log(
    "| n | 1 thread ms | 1 thread GFLOP/s | 2 threads ms | 2 threads GFLOP/s | speed-up (median) | speed-up (fastest) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const n of SIZES) {
    const one = timings.find((t) => t.n === n && t.threads === 1);
    const two = timings.find((t) => t.n === n && t.threads === 2);
    if (!one || !two) throw new Error(`bench: no timing for n=${n}`);
    console.log(
      `| ${n} | ${one.ms.toFixed(2)} (${one.minMs.toFixed(2)}) | ${one.gflops.toFixed(1)} | ${two.ms.toFixed(2)} (${two.minMs.toFixed(2)}) | ${two.gflops.toFixed(1)} | ${(one.ms / two.ms).toFixed(2)} | ${(one.minMs / two.minMs).toFixed(2)} |`,
    );
  }
  console.log(
    `\nload average at the end (1, 5, 15 min): ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(", ")}`,
  );
} finally {
  await browser.close();
  await served.close();
}
