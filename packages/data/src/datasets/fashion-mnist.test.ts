import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classCounts } from "../dataset.ts";
import { DataError } from "../errors.ts";
import { encodeIdx, writeIdx } from "../idx.ts";
import { useTempDir } from "../test-helpers.ts";
import { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_DIR, fashionMnist } from "./fashion-mnist.ts";

const dir = useTempDir("fashion");

/** A small copy of the data set's files: `n` images of 28×28 per split. */
function writeFiles(into: string, n: { train: number; test: number }, gzip = true): void {
  mkdirSync(into, { recursive: true });
  const ext = gzip ? ".gz" : "";
  for (const [split, prefix] of [
    ["train", "train"],
    ["test", "t10k"],
  ] as const) {
    const count = n[split];
    const images = Uint8Array.from({ length: count * 784 }, (_, i) => (i * 7) % 256);
    const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
    writeIdx(join(into, `${prefix}-images-idx3-ubyte${ext}`), { data: images, shape: [count, 28, 28] });
    writeIdx(join(into, `${prefix}-labels-idx1-ubyte${ext}`), { data: labels, shape: [count] });
  }
}

describe("fashionMnist on the installed files", () => {
  // Not skipped when the files are missing: the error then says what to install.
  it(`loads 60,000 + 10,000 labelled 28×28 images from ${FASHION_MNIST_DIR}`, () => {
    const { train, test } = fashionMnist({ featureShape: [784] });
    expect(train.shape).toEqual([60000, 784]);
    expect(test.shape).toEqual([10000, 784]);
    expect(train.labelShape).toEqual([60000]);
    expect(test.labelShape).toEqual([10000]);
    expect(train.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
    expect(train.numClasses).toBe(10);
    // the published data set is balanced: 6,000 and 1,000 of each class
    expect(classCounts(train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    for (const d of [train, test]) {
      let min = 1;
      let max = 0;
      for (const v of d.x) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect([min, max]).toEqual([0, 1]);
    }
  });
});

describe("fashionMnist({ dir })", () => {
  it("reads gzipped or plain files from another directory, in the asked shape and scale", () => {
    writeFiles(join(dir(), "gz"), { train: 20, test: 10 });
    writeFiles(join(dir(), "plain"), { train: 20, test: 10 }, false);
    for (const sub of ["gz", "plain"]) {
      const { train, test } = fashionMnist({
        dir: join(dir(), sub),
        scale: false,
        featureShape: [28, 28, 1],
      });
      expect(train.shape).toEqual([20, 28, 28, 1]);
      expect(test.shape).toEqual([10, 28, 28, 1]);
      expect(Array.from(train.y.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      expect(Array.from(train.x.subarray(0, 3))).toEqual([0, 7, 14]);
    }
  });

  it("says what to install or pass when the directory or a file is missing", () => {
    const missing = join(dir(), "nowhere");
    expect(() => fashionMnist({ dir: missing })).toThrow(DataError);
    expect(() => fashionMnist({ dir: missing })).toThrow(`no data directory ${missing}`);
    expect(() => fashionMnist({ dir: missing })).toThrow("train-images-idx3-ubyte.gz");
    expect(() => fashionMnist({ dir: missing })).toThrow("apt-get install dataset-fashion-mnist");
    const partial = join(dir(), "partial");
    writeFiles(partial, { train: 2, test: 2 });
    rmSync(join(partial, "t10k-labels-idx1-ubyte.gz"));
    expect(() => fashionMnist({ dir: partial })).toThrow(`${partial} has no t10k-labels-idx1-ubyte.gz`);
  });

  it("refuses files that do not fit together", () => {
    const d = join(dir(), "mismatch");
    writeFiles(d, { train: 5, test: 5 });
    writeIdx(join(d, "train-labels-idx1-ubyte.gz"), { data: new Uint8Array(4), shape: [4] });
    expect(() => fashionMnist({ dir: d })).toThrow(/holds 5 images but .* holds 4 labels/);
    writeIdx(join(d, "train-labels-idx1-ubyte.gz"), { data: Uint8Array.from([0, 1, 2, 10, 3]), shape: [5] });
    expect(() => fashionMnist({ dir: d })).toThrow(/label 3 is 10, expected 0\.\.9/);
    writeIdx(join(d, "train-images-idx3-ubyte.gz"), {
      data: new Uint8Array(5 * 32 * 32),
      shape: [5, 32, 32],
    });
    expect(() => fashionMnist({ dir: d })).toThrow(/uint8 images \[N,28,28\], found uint8 \[5,32,32\]/);
    const gz = join(d, "t10k-images-idx3-ubyte.gz");
    const noise = Uint8Array.from({ length: 5 * 784 }, (_, i) => (i * 2654435761) >>> 24);
    const bytes = encodeIdx({ data: noise, shape: [5, 28, 28] }, { gzip: true });
    writeFileSync(gz, bytes.subarray(0, bytes.length >> 1));
    writeIdx(join(d, "train-images-idx3-ubyte.gz"), { data: new Uint8Array(5 * 784), shape: [5, 28, 28] });
    writeIdx(join(d, "train-labels-idx1-ubyte.gz"), { data: new Uint8Array(5), shape: [5] });
    expect(() => fashionMnist({ dir: d })).toThrow(new RegExp(`${gz}.*truncated or corrupt`));
  });
});
