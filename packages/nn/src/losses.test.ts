import { gradCheck } from "@axon/autograd";
import {
  ShapeError,
  type Tensor,
  ValueError,
  logSoftmax,
  oneHot,
  randomNormal,
  randomUniform,
  sigmoid,
  tensor,
} from "@axon/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  binaryCrossEntropy,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  softmaxCrossEntropy,
} from "./losses.ts";
import { NUM_RUNS, expectClose, expectGradOk, spread, t, useCpuBackend, values } from "./test-helpers.ts";

const one = (x: Tensor) => values(x)[0];

describe("regression losses", () => {
  useCpuBackend();
  let pred: Tensor;
  let target: Tensor;
  beforeAll(() => {
    pred = tensor([
      [1, 2],
      [3, 4],
    ]);
    target = tensor([
      [1.5, 2],
      [0, 6],
    ]);
  });

  it("meanSquaredError, meanAbsoluteError and huber match their formulas and reductions", () => {
    expect(one(meanSquaredError(pred, target))).toBeCloseTo((0.25 + 0 + 9 + 4) / 4, 6);
    expect(one(meanSquaredError(pred, target, { reduction: "sum" }))).toBeCloseTo(13.25, 5);
    expectClose(meanSquaredError(pred, target, { reduction: "none" }), [0.25, 0, 9, 4]);
    expect(one(meanAbsoluteError(pred, target))).toBeCloseTo((0.5 + 0 + 3 + 2) / 4, 6);
    // ½e² within delta = 1, delta·(|e| − ½delta) beyond.
    expectClose(huber(pred, target, { reduction: "none" }), [0.125, 0, 2.5, 1.5]);
    expectClose(huber(pred, target, { delta: 2.5, reduction: "none" }), [0.125, 0, 2.5 * (3 - 1.25), 2]);
  });

  it("weights line up with the leading axes; 'mean' divides by the number of elements", () => {
    expectClose(
      meanSquaredError(pred, target, { weights: tensor([1, 0]), reduction: "none" }),
      [0.25, 0, 0, 0],
    );
    expect(one(meanSquaredError(pred, target, { weights: tensor([2, 1]) }))).toBeCloseTo((0.5 + 13) / 4, 5);
    expect(one(meanSquaredError(pred, target, { weights: 3, reduction: "sum" }))).toBeCloseTo(39.75, 4);
    expect(() => meanSquaredError(pred, target, { weights: tensor([1, 2, 3]) })).toThrow(
      "meanSquaredError: weights of shape [3] do not line up with the losses of shape [2,2]",
    );
  });

  it("refuses shapes that would broadcast by accident and unknown reductions", () => {
    expect(() => meanSquaredError(tensor([[1], [2]]), tensor([1, 2]))).toThrow(
      new ShapeError("meanSquaredError: predictions and targets must have the same shape, got [2,1] and [2]"),
    );
    expect(() => meanSquaredError(pred, target, { reduction: "avg" as never })).toThrow(
      new ValueError("meanSquaredError: reduction must be 'mean', 'sum' or 'none', got the string 'avg'"),
    );
  });
});

describe("binaryCrossEntropy", () => {
  useCpuBackend();

  it("from probabilities and from logits agree with the formula", () => {
    const logits = tensor([-3, -0.5, 0.2, 4]);
    const y = tensor([0, 1, 1, 0]);
    const p = values(sigmoid(logits));
    const expected = p.map(
      (pi, i) => -([0, 1, 1, 0][i] * Math.log(pi) + (1 - [0, 1, 1, 0][i]) * Math.log(1 - pi)),
    );
    expectClose(binaryCrossEntropy(logits, y, { fromLogits: true, reduction: "none" }), expected, 1e-5);
    expectClose(binaryCrossEntropy(sigmoid(logits), y, { reduction: "none" }), expected, 1e-4);
    expect(one(binaryCrossEntropy(logits, y, { fromLogits: true }))).toBeCloseTo(
      expected.reduce((a, b) => a + b) / 4,
      5,
    );
  });

  it("is finite for extreme logits and for probabilities of exactly 0 and 1", () => {
    const big = binaryCrossEntropy(tensor([1000, -1000]), tensor([0, 1]), {
      fromLogits: true,
      reduction: "none",
    });
    expectClose(big, [1000, 1000]);
    const clipped = values(binaryCrossEntropy(tensor([0, 1]), tensor([1, 0]), { reduction: "none" }));
    expect(clipped.every(Number.isFinite)).toBe(true);
    expect(clipped[0]).toBeGreaterThan(10);
  });

  it("smooths labels toward ½", () => {
    const z = tensor([2]);
    const smoothed = one(binaryCrossEntropy(z, tensor([1]), { fromLogits: true, labelSmoothing: 0.2 }));
    expect(smoothed).toBeCloseTo(one(binaryCrossEntropy(z, tensor([0.9]), { fromLogits: true })), 6);
  });
});

describe("softmaxCrossEntropy", () => {
  useCpuBackend();
  let logits: Tensor;
  beforeAll(() => {
    logits = tensor([
      [2, 1, 0.1],
      [0.5, 2.5, -1],
    ]);
  });

  it("sparse int32 labels and one-hot labels give −log softmax of the true class", () => {
    const row = (z: number[], k: number) => Math.log(z.reduce((a, v) => a + Math.exp(v), 0)) - z[k];
    const expected = [row([2, 1, 0.1], 0), row([0.5, 2.5, -1], 2)];
    const sparse = tensor([0, 2], [2], "int32");
    expectClose(softmaxCrossEntropy(logits, sparse, { reduction: "none" }), expected);
    const oneHot = tensor([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expectClose(softmaxCrossEntropy(logits, oneHot, { reduction: "none" }), expected);
    expect(one(softmaxCrossEntropy(logits, sparse))).toBeCloseTo((expected[0] + expected[1]) / 2, 5);
    expect(one(softmaxCrossEntropy(logits, sparse, { reduction: "sum" }))).toBeCloseTo(
      expected[0] + expected[1],
      5,
    );
    expectClose(softmaxCrossEntropy(logits, sparse, { weights: tensor([0, 2]), reduction: "none" }), [
      0,
      2 * expected[1],
    ]);
  });

  it("never overflows: huge logits give exact finite losses", () => {
    const z = tensor([
      [1000, 0, -1000],
      [-1e30, 1e30, 0],
    ]);
    expectClose(softmaxCrossEntropy(z, tensor([1, 1], [2], "int32"), { reduction: "none" }), [1000, 0]);
  });

  it("label smoothing mixes the labels with the uniform distribution", () => {
    const sparse = tensor([0, 2], [2], "int32");
    const s = 0.3;
    const soft = tensor([
      [1 - s + s / 3, s / 3, s / 3],
      [s / 3, s / 3, 1 - s + s / 3],
    ]);
    expectClose(
      softmaxCrossEntropy(logits, sparse, { labelSmoothing: s, reduction: "none" }),
      values(softmaxCrossEntropy(logits, soft, { reduction: "none" })),
    );
  });

  it("an out-of-range sparse label gives NaN for its example; wrong shapes are refused", () => {
    const l = values(softmaxCrossEntropy(logits, tensor([3, 1], [2], "int32"), { reduction: "none" }));
    expect(Number.isNaN(l[0])).toBe(true);
    expect(Number.isFinite(l[1])).toBe(true);
    expect(() => softmaxCrossEntropy(logits, tensor([0, 1, 2], [3], "int32"))).toThrow(
      "softmaxCrossEntropy: sparse int32 labels must have shape [2] (logits [2,3] without the class axis), got [3]",
    );
    expect(() =>
      softmaxCrossEntropy(
        logits,
        tensor([
          [1, 0],
          [0, 1],
        ]),
      ),
    ).toThrow("logits and one-hot labels must have the same shape, got [2,3] and [2,2]");
  });
});

describe("softmaxCrossEntropy properties", () => {
  useCpuBackend();

  it("sparse and one-hot labels agree, losses are −log softmax of the label, and never negative", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: 0.1, max: 50, noNaN: true }),
        (n, c, seed, scale) => {
          const z = randomNormal([n, c], { seed, stddev: scale, dtype: "float64" });
          const labels = randomUniform([n], { minval: 0, maxval: c, dtype: "int32", seed: seed + 1 });
          const sparse = values(softmaxCrossEntropy(z, labels, { reduction: "none" }));
          const dense = values(
            softmaxCrossEntropy(z, oneHot(labels, c, 1, 0, "float64"), { reduction: "none" }),
          );
          const logp = values(logSoftmax(z));
          const ls = values(labels);
          sparse.forEach((l, i) => {
            expect(l).toBeGreaterThanOrEqual(0);
            expect(Math.abs(l - dense[i])).toBeLessThan(1e-9 * (1 + l));
            expect(Math.abs(l + logp[i * c + ls[i]])).toBeLessThan(1e-9 * (1 + l));
          });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("losses pass gradCheck (float64)", () => {
  useCpuBackend();
  let a: Tensor;
  let b: Tensor;
  let probs: Tensor;
  let labels01: Tensor;
  let soft: Tensor;
  beforeAll(() => {
    a = spread([3, 4], 1);
    b = spread([3, 4], 2);
    probs = t(values(sigmoid(a)), [3, 4], "float64");
    labels01 = t([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0], [3, 4], "float64");
    soft = t(values(sigmoid(b).div(sigmoid(b).sum(-1, true))), [3, 4], "float64");
  });

  it("regression losses, with respect to predictions and targets", () => {
    for (const reduction of ["mean", "sum", "none"] as const) {
      expectGradOk(gradCheck((p, q) => meanSquaredError(p, q, { reduction }), [a, b]));
      expectGradOk(gradCheck((p, q) => meanAbsoluteError(p, q, { reduction }), [a, b]));
      expectGradOk(gradCheck((p, q) => huber(p, q, { reduction, delta: 0.5 }), [a, b]));
    }
    expectGradOk(
      gradCheck((p, q, w) => meanSquaredError(p, q, { weights: w }), [a, b, t([1, 2, 0.5], [3], "float64")]),
    );
  });

  it("binary cross-entropy from logits and from probabilities, with label smoothing", () => {
    expectGradOk(gradCheck((z, y) => binaryCrossEntropy(z, y, { fromLogits: true }), [a, labels01]));
    expectGradOk(gradCheck((p, y) => binaryCrossEntropy(p, y, { reduction: "none" }), [probs, labels01]));
    expectGradOk(
      gradCheck((z) => binaryCrossEntropy(z, labels01, { fromLogits: true, labelSmoothing: 0.1 }), [a]),
    );
  });

  it("softmax cross-entropy with sparse, one-hot and soft labels", () => {
    const sparse = tensor([3, 0, 2], [3], "int32");
    expectGradOk(gradCheck((z) => softmaxCrossEntropy(z, sparse), [a]));
    expectGradOk(
      gradCheck((z) => softmaxCrossEntropy(z, sparse, { labelSmoothing: 0.2, reduction: "none" }), [a]),
    );
    expectGradOk(gradCheck((z, y) => softmaxCrossEntropy(z, y, { reduction: "sum" }), [a, soft]));
  });
});
