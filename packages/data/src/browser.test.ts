// @axon/data/browser: the same MNIST digits as mnist() without Node, and nothing in its import
// graph that needs Node (checked by bundling it for the browser).
import { readFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DataError, mnist } from "@axon/data";
import { loadMnist, mnistFromDigitFiles } from "@axon/data/browser";
import { build } from "vite";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const digitsDir = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
const paths = Array.from({ length: 10 }, (_, d) => join(digitsDir, `${d}.json`));
const texts = paths.map((p) => readFileSync(p, "utf8"));

/** A fetch that serves the digit files from disk, and 404 for anything else. */
const diskFetch = (async (url: string | URL) => {
  const i = paths.indexOf(String(url));
  return i < 0 ? new Response("not found", { status: 404, statusText: "Not Found" }) : new Response(texts[i]);
}) as typeof fetch;

describe("@axon/data/browser", () => {
  it("loadMnist and mnistFromDigitFiles give exactly the data set of mnist()", async () => {
    const expected = mnist({ featureShape: [784] });
    const loaded = await loadMnist(paths, { featureShape: [784], fetch: diskFetch });
    const parsed = mnistFromDigitFiles(
      texts.map((t) => JSON.parse(t)),
      { featureShape: [784] },
    );
    for (const got of [loaded, parsed]) {
      expect(got.shape).toEqual([10_000, 784]);
      expect(got.shape).toEqual(expected.shape);
      expect(got.numClasses).toBe(10);
      expect(got.classNames).toEqual(expected.classNames);
      expect(Buffer.from(got.y.buffer).equals(Buffer.from(expected.y.buffer))).toBe(true);
      expect(Buffer.from(got.x.buffer).equals(Buffer.from(expected.x.buffer))).toBe(true);
    }
  });

  it("names the digit, the address and the problem when a file is missing or wrong", async () => {
    const missing = [...paths];
    missing[3] = "/nowhere/3.json";
    await expect(loadMnist(missing, { fetch: diskFetch })).rejects.toThrow(
      new DataError("loadMnist: cannot load digit 3 from /nowhere/3.json: HTTP 404 Not Found"),
    );
    await expect(loadMnist(paths.slice(0, 9), { fetch: diskFetch })).rejects.toThrow(
      /loadMnist: urls must list the ten digit files 0\.json … 9\.json .*got 9 entries/,
    );
    const files: unknown[] = texts.map(() => ({ data: new Array(784).fill(0) }));
    files[7] = { data: [...new Array(783).fill(0), 2] };
    expect(() => mnistFromDigitFiles(files)).toThrow(
      /mnistFromDigitFiles: digit 7 \(file 7\) pixel 783 is 2, expected a number in \[0, 1\]/,
    );
    files[7] = { data: [0.5] };
    expect(() => mnistFromDigitFiles(files)).toThrow(/digit 7 .*784 pixels per image, found 1 values/);
  });

  it("bundles for the browser without any Node module", async () => {
    const nodeImports: string[] = [];
    await build({
      configFile: false,
      logLevel: "silent",
      root: fileURLToPath(new URL(".", import.meta.url)),
      plugins: [
        {
          name: "no-node-modules",
          enforce: "pre",
          resolveId(id, importer) {
            const bare = id.replace(/^node:/, "");
            if (id.startsWith("node:") || builtinModules.includes(bare))
              nodeImports.push(`${importer} → ${id}`);
            return null;
          },
        },
      ],
      build: {
        write: false,
        lib: { entry: require.resolve("@axon/data/browser"), formats: ["es"] },
      },
    });
    expect(nodeImports).toEqual([]);
  });
});
