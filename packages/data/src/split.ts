import { ValueError } from "@axon/core";
import { type Dataset, sizeOfDataset, subset } from "./dataset.ts";
import { derivedKey, shuffledIndices } from "./shuffle.ts";

export interface SplitOptions {
  /** Which examples are held out depends only on the seed (default 0). */
  readonly seed?: number;
  /** Hold out the same fraction of every class (needs class indices); default false. */
  readonly stratify?: boolean;
}

/**
 * Positions of the held-out and the kept examples, each in increasing order: round(fraction · N)
 * held out, chosen by a seeded shuffle; with `stratify`, each class gives its share (largest
 * remainders settle the rounding so the total is still round(fraction · N)).
 */
export function splitIndices(
  data: Dataset,
  fraction: number,
  options: SplitOptions & { readonly op?: string; readonly name?: string } = {},
): { held: Int32Array; kept: Int32Array } {
  const op = options.op ?? "splitIndices";
  const name = options.name ?? "fraction";
  const n = sizeOfDataset(data);
  if (typeof fraction !== "number" || !(fraction > 0 && fraction < 1))
    throw new ValueError(`${op}: ${name} must be a number strictly between 0 and 1, got ${fraction}`);
  const heldCount = Math.round(fraction * n);
  if (heldCount === 0 || heldCount === n)
    throw new ValueError(
      `${op}: ${name} ${fraction} of ${n} examples leaves one part empty (${heldCount} held out); use more examples or another fraction`,
    );
  const order = shuffledIndices(n, derivedKey(options.seed ?? 0, 0, 1, op));
  const isHeld = new Uint8Array(n);
  if (options.stratify) {
    const { y } = data;
    if (!(y instanceof Int32Array) || data.labelShape.length !== 1)
      throw new ValueError(`${op}: stratify needs class indices (y an Int32Array of shape [N])`);
    const counts = new Map<number, number>();
    for (const c of y) counts.set(c, (counts.get(c) ?? 0) + 1);
    const classes = [...counts.keys()].sort((a, b) => a - b);
    const quota = new Map<number, number>();
    let given = 0;
    for (const c of classes) {
      const q = Math.floor(fraction * counts.get(c)!);
      quota.set(c, q);
      given += q;
    }
    const byRemainder = [...classes].sort(
      (a, b) =>
        fraction * counts.get(b)! - quota.get(b)! - (fraction * counts.get(a)! - quota.get(a)!) || a - b,
    );
    for (let i = 0; given < heldCount; i++, given++) {
      const c = byRemainder[i % byRemainder.length];
      quota.set(c, quota.get(c)! + 1);
    }
    for (const k of order) {
      const q = quota.get(y[k])!;
      if (q > 0) {
        isHeld[k] = 1;
        quota.set(y[k], q - 1);
      }
    }
  } else {
    for (let i = 0; i < heldCount; i++) isHeld[order[i]] = 1;
  }
  const held = new Int32Array(heldCount);
  const kept = new Int32Array(n - heldCount);
  let h = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (isHeld[i]) held[h++] = i;
    else kept[k++] = i;
  }
  return { held, kept };
}

/** Holds out `validationFraction` of the examples for validation; the rest is for training. */
export function trainValidationSplit(
  data: Dataset,
  options: SplitOptions & { readonly validationFraction: number },
): { train: Dataset; validation: Dataset } {
  const { held, kept } = splitIndices(data, options?.validationFraction, {
    ...options,
    op: "trainValidationSplit",
    name: "validationFraction",
  });
  return { train: subset(data, kept), validation: subset(data, held) };
}

/** Holds out `testFraction` of the examples as a test set; the rest is for training. */
export function trainTestSplit(
  data: Dataset,
  options: SplitOptions & { readonly testFraction: number },
): { train: Dataset; test: Dataset } {
  const { held, kept } = splitIndices(data, options?.testFraction, {
    ...options,
    op: "trainTestSplit",
    name: "testFraction",
  });
  return { train: subset(data, kept), test: subset(data, held) };
}
