// The web demo end to end: Vite serves the page, Debian's Chromium opens it (WebGL2 on
// SwiftShader), trains on each backend through the page's own controls and reads the results from
// the page's data- attributes. Without Chromium or WebGL2 these tests fail; they never skip.
import { fileURLToPath } from "node:url";
import { type Browser, type Page, chromium } from "playwright";
import { type ViteDevServer, createServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const HERE = fileURLToPath(new URL(".", import.meta.url));
// The README's picture is refreshed only on request (AXON_UPDATE_SCREENSHOT=1), so a test run
// leaves the checkout as it was.
const SCREENSHOT = fileURLToPath(
  process.env.AXON_UPDATE_SCREENSHOT === "1"
    ? new URL("./screenshot.png", import.meta.url)
    : new URL("../../runs/web-demo/screenshot.png", import.meta.url),
);
/** Small enough for a software renderer: 540 training digits, 60 for validation, 500 to test. */
const TINY = "train=600&batch=32&test=500";

let server: ViteDevServer;
let browser: Browser;
let origin: string;
/** One page for every run: the digits are fetched once, as a person would use it. */
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await createServer({
    configFile: fileURLToPath(new URL("./vite.config.ts", import.meta.url)),
    root: HERE,
    logLevel: "warn",
    cacheDir: fileURLToPath(new URL("../../node_modules/.vite/demo-web-test", import.meta.url)),
    // No file watching: a source edited during the run must not reload the page.
    server: { host: "127.0.0.1", port: 0, hmr: false, watch: null },
  });
  await server.listen();
  origin = server.resolvedUrls?.local[0] ?? "";
  browser = await chromium.launch({
    executablePath: process.env.AXON_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless=new", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(`${origin}?${TINY}`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type Dataset = Record<string, string | undefined>;

const dataset = (): Promise<Dataset> =>
  page.evaluate(() => ({ ...(document.getElementById("demo") as HTMLElement).dataset }));

const numbers = (list: string | undefined): number[] => (list ? list.split(",").map(Number) : []);

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sets the backend and the epochs in the page's form and presses Start. */
async function start(backend: "webgl" | "cpu", epochs: number): Promise<void> {
  await page.selectOption("select[name=backend]", backend);
  await page.fill("input[name=epochs]", String(epochs));
  await page.click("#start");
}

/** Waits until the page has shown `steps` training steps while it is still training. */
async function waitForSteps(steps: number, timeout: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number((document.getElementById("demo") as HTMLElement).dataset.steps ?? 0) >= n,
    steps,
    { timeout, polling: 50 },
  );
}

/** Waits until the run ends and returns the page's data- attributes (the error, if any, in the message). */
async function finish(timeout: number): Promise<Dataset> {
  await page.waitForFunction(
    () =>
      ["done", "stopped", "error"].includes(
        (document.getElementById("demo") as HTMLElement).dataset.state ?? "",
      ),
    null,
    { timeout, polling: 200 },
  );
  const d = await dataset();
  expect(pageErrors).toEqual([]);
  expect(d.state, `the page reports: ${d.error}`).toBe("done");
  return d;
}

/** The loss fell and the accuracy rose well above chance (10 %). */
function expectLearned(d: Dataset, steps: number): void {
  const losses = numbers(d.losses);
  expect(losses.length).toBe(steps);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(mean(losses.slice(-5))).toBeLessThan(0.75 * mean(losses.slice(0, 5)));
  const validation = numbers(d.validationAccuracies);
  expect(validation.length).toBeGreaterThan(0);
  expect(validation.at(-1)).toBeGreaterThan(0.4);
  expect(Number(d.testAccuracy)).toBeGreaterThan(0.4);
}

describe("pnpm demo:web", () => {
  let webglLosses: number[] = [];
  let cpuLosses: number[] = [];

  it("serves the page cross-origin isolated", async () => {
    const response = await fetch(origin);
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(response.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    const d = await dataset();
    expect(d.state).toBe("idle");
    expect(d.crossOriginIsolated).toBe("true");
    expect(await page.textContent("#isolated")).toBe("true");
  });

  it("trains on WebGL: the loss falls, the accuracy rises, the renderer is shown", async () => {
    await start("webgl", 2);
    // Points arrive while training runs: the page answers between two steps.
    await waitForSteps(3, 60_000);
    expect((await dataset()).state).toBe("training");
    const d = await finish(90_000);
    expect(d.backend).toBe("webgl");
    expect(await page.textContent("#backend")).toBe("WebGL2");
    expect(d.renderer).toMatch(/\w{3,}/);
    expect(d.renderer).not.toMatch(/undefined/);
    expect(await page.textContent("#renderer")).toBe(d.renderer);
    expectLearned(d, 2 * 17);
    webglLosses = numbers(d.losses);
    await page.screenshot({ path: SCREENSHOT });
  }, 120_000);

  it("trains on the CPU backend too", async () => {
    await start("cpu", 2);
    const d = await finish(40_000);
    expect(d.backend).toBe("cpu");
    expect(await page.textContent("#backend")).toBe("CPU");
    expect(d.renderer).toMatch(/WebAssembly|JavaScript/);
    expectLearned(d, 2 * 17);
    cpuLosses = numbers(d.losses);
  }, 60_000);

  it("gives the same first losses on both backends (same seed, same digits)", () => {
    expect(webglLosses.length).toBeGreaterThan(3);
    expect(cpuLosses.length).toBeGreaterThan(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(webglLosses[i] - cpuLosses[i])).toBeLessThan(2e-3);
  });

  it("stops when Stop is pressed", async () => {
    await start("cpu", 50);
    await waitForSteps(3, 20_000);
    expect(await page.isEnabled("#start")).toBe(false);
    await page.click("#stop");
    await page.waitForFunction(
      () => (document.getElementById("demo") as HTMLElement).dataset.state === "stopped",
      null,
      { timeout: 10_000 },
    );
    const steps = Number((await dataset()).steps);
    expect(steps).toBeLessThan(50 * 17);
    await page.waitForTimeout(300);
    expect(Number((await dataset()).steps)).toBe(steps);
    expect(await page.isEnabled("#start")).toBe(true);
    expect(await page.textContent("#state")).toBe("stopped");
  }, 30_000);
});
