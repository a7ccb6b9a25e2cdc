import { type Tensor, ShapeError, ValueError, tidy } from "@axon/core";
import { describe, expect, it } from "vitest";
import { t, useCpuBackend } from "../test-helpers.ts";
import {
  type Metric,
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  meanAbsoluteError,
  meanSquaredError,
  resolve,
  sparseCategoricalAccuracy,
  topKAccuracy,
} from "./metrics.ts";

/** [total, count] of a metric on one batch. */
const batch = (m: Metric, pred: Tensor, y: Tensor): number[] =>
  tidy(() => Array.from(m.batch(pred, y).dataSync() as Float32Array));

describe("metrics on hand-worked batches", () => {
  useCpuBackend();

  // Four examples, three classes; argmax per row: 1, 0, 2, and 0 for the last (a tie goes to the first).
  const logits = () =>
    t(
      [
        0.1,
        0.7,
        0.2, // argmax 1
        0.5,
        0.3,
        0.2, // argmax 0
        0.1,
        0.2,
        0.7, // argmax 2
        0.4,
        0.4,
        0.2, // tie between 0 and 1: argmax takes the first, 0
      ],
      [4, 3],
    );

  it("categorical accuracy with sparse int labels and with one-hot labels", () => {
    const labels = t([1, 1, 2, 0], [4], "int32"); // right, wrong, right, right (tie → 0)
    expect(batch(categoricalAccuracy(), logits(), labels)).toEqual([3, 4]);
    const oneHot = t([0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0], [4, 3]);
    expect(batch(categoricalAccuracy(), logits(), oneHot)).toEqual([3, 4]);
    expect(batch(sparseCategoricalAccuracy(), logits(), labels)).toEqual([3, 4]);
    expect(() => batch(sparseCategoricalAccuracy(), logits(), oneHot)).toThrow(ShapeError);
    expect(() => batch(categoricalAccuracy(), logits(), t([1, 1], [2], "int32"))).toThrow(
      /labels \[2\] fit neither class indices \(\[4,3\] without its last axis\) nor one-hot labels/,
    );
  });

  it("top-k: fewer than k classes strictly above the true one; ties count as inside", () => {
    const labels = t([2, 2, 0, 1], [4], "int32");
    // Row 0: true 0.2, above it 0.7 → rank 2. Row 1: true 0.2, above 0.5 and 0.3 → rank 3.
    // Row 2: true 0.1, above 0.2 and 0.7 → rank 3. Row 3: true 0.4, above it nothing (0.4 ties) → rank 1.
    expect(batch(topKAccuracy(1), logits(), labels)).toEqual([1, 4]);
    expect(batch(topKAccuracy(2), logits(), labels)).toEqual([2, 4]);
    expect(batch(topKAccuracy(3), logits(), labels)).toEqual([4, 4]);
    expect(topKAccuracy(3).name).toBe("top3Accuracy");
    expect(() => topKAccuracy(0)).toThrow(ValueError);
  });

  it("binary accuracy: threshold 0.5 on probabilities, 0 on logits, [N, 1] against [N]", () => {
    const probs = t([0.9, 0.4, 0.6, 0.1, 0.5], [5]);
    const labels = t([1, 0, 0, 0, 1], [5], "int32"); // right, right, wrong, right, wrong (0.5 is not > 0.5)
    expect(batch(binaryAccuracy(), probs, labels)).toEqual([3, 5]);
    expect(batch(binaryAccuracy(), t([0.9, 0.4, 0.6, 0.1, 0.5], [5, 1]), labels)).toEqual([3, 5]);
    const logitsB = t([2, -1, 0.5, -3, 0.1], [5]);
    expect(batch(binaryAccuracy({ threshold: 0 }), logitsB, t([1, 0, 0, 0, 1], [5]))).toEqual([4, 5]);
    // Multi-label: every element counts.
    expect(batch(binaryAccuracy(), t([0.8, 0.2, 0.3, 0.7], [2, 2]), t([1, 1, 0, 1], [2, 2]))).toEqual([3, 4]);
  });

  it("'accuracy' picks categorical or binary from the shapes", () => {
    expect(batch(accuracy(), logits(), t([1, 1, 2, 0], [4], "int32"))).toEqual([3, 4]);
    expect(batch(accuracy(), t([0.9, 0.4, 0.6], [3, 1]), t([1, 0, 0], [3]))).toEqual([2, 3]);
    expect(batch(accuracy(), t([0.9, 0.4, 0.6], [3]), t([1, 0, 0], [3]))).toEqual([2, 3]);
    // One-hot classes 1, 0, 2, 0 against predictions 1, 0, 2, 0.
    expect(batch(accuracy(), logits(), t([0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0], [4, 3]))).toEqual([4, 4]);
  });

  it("mean squared and absolute error over every element", () => {
    const pred = t([1, 2, 3, 4], [2, 2]);
    const target = t([1, 0, 4, 4], [2, 2]);
    expect(batch(meanSquaredError(), pred, target)).toEqual([5, 4]); // 0 + 4 + 1 + 0
    expect(batch(meanAbsoluteError(), pred, target)).toEqual([3, 4]);
  });

  it("names resolve to metrics; unknown names are refused", () => {
    expect(resolve("accuracy").name).toBe("accuracy");
    expect(resolve("top5Accuracy").name).toBe("top5Accuracy");
    expect(resolve("mse").higherIsBetter).toBe(false);
    expect(() => resolve("f1" as never)).toThrow(/unknown metric 'f1'/);
  });
});
