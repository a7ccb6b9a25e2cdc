// The worker pool in a real browser: Vite serves browser-test/ to headless Chromium once with the
// cross-origin isolation headers (two threads: Web Workers on shared memory) and once without (one
// thread, and info() says why). Without Chromium these tests fail; they never skip.
import type { Browser } from "playwright";
import { afterAll, describe, expect, it } from "vitest";
import type { PoolCheck, PoolPage } from "../../browser-test/checks.ts";
import { type ServedPage, launchChromium, servePage } from "../../browser-test/serve.ts";

let browser: Browser | null = null;

afterAll(async () => {
  await browser?.close();
});

/** Serves the page, opens it and runs its check, on the page's thread or in a worker of it. */
async function checkPage(isolated: boolean, where: "page" | "worker" = "page"): Promise<PoolCheck> {
  // launched here, not in beforeAll, so that a missing Chromium fails each test instead of skipping it
  browser ??= await launchChromium();
  let served: ServedPage | null = null;
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    served = await servePage(isolated);
    await page.goto(served.url);
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 20_000 });
    const result = await page.evaluate(
      (w) => (window as unknown as PoolPage).axonPool[w === "page" ? "checkPool" : "checkPoolInWorker"](),
      where,
    );
    expect(errors).toEqual([]);
    return result;
  } finally {
    await page.close();
    await served?.close();
  }
}

/** Two threads, idle workers until the first yield, then workers on every case, with one thread's bits. */
function expectThreaded(r: PoolCheck): void {
  expect(r.crossOriginIsolated).toBe(true);
  expect(r.threads).toBe(2);
  expect(r.threadsNote).toBeNull();
  // Workers start only once the page yields; until then their share ran on the page's thread.
  expect(r.readyBeforeYield).toBe(0);
  expect(r.workerJobsBeforeYield).toBe(0);
  expect(r.workersReady).toBe(true);
  for (const [name, diff] of Object.entries(r.differences)) expect(diff, name).toBeNull();
  expect(r.heapBytes[1]).toBeGreaterThan(r.heapBytes[0]);
  expect(Object.keys(r.workerJobs).length).toBe(5);
  for (const [name, jobs] of Object.entries(r.workerJobs)) expect(jobs, name).toBeGreaterThan(0);
}

describe("worker pool in Chromium", () => {
  it("runs on Web Workers in a cross-origin isolated page, with the same bits as one thread", async () => {
    expectThreaded(await checkPage(true));
  }, 40_000);

  it("runs inside a dedicated worker too (nested workers, blocking waits)", async () => {
    expectThreaded(await checkPage(true, "worker"));
  }, 40_000);

  it("falls back to one thread without the isolation headers and names them in info()", async () => {
    const r = await checkPage(false);
    expect(r.crossOriginIsolated).toBe(false);
    expect(r.threads).toBe(1);
    expect(r.threadsNote).toContain("Cross-Origin-Opener-Policy: same-origin");
    expect(r.threadsNote).toContain("Cross-Origin-Embedder-Policy: require-corp");
    expect(r.workersReady).toBe(false);
    for (const [name, diff] of Object.entries(r.differences)) expect(diff, name).toBeNull();
    for (const jobs of Object.values(r.workerJobs)) expect(jobs).toBe(0);
  }, 40_000);
});
