import { valueAndGrad } from "@axon/autograd";
import { ShapeError, moments, randomNormal, sum, tensor, zeros } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { constant } from "../init/basic.ts";
import { Sequential } from "../sequential.ts";
import {
  NUM_RUNS,
  expectClose,
  expectGradOk,
  gradCheckLayer,
  spread,
  useCpuBackend,
  values,
} from "../test-helpers.ts";
import { BatchNorm } from "./batch-norm.ts";
import { Dense } from "./dense.ts";

describe("BatchNorm", () => {
  useCpuBackend();

  it("the worked example: means [3,5,6], variances [2,6,6], and the running statistics move toward them", () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [4, 8, 9],
    ]);
    const { mean, variance } = moments(x, 0);
    expectClose(mean, [3, 5, 6]);
    expectClose(variance, [2, 6, 6]);
    const bn = new BatchNorm(3, { momentum: 0.9 });
    const y = bn.call(x);
    // Column 0: (x − 3)/√(2 + 0.001).
    expectClose(
      values(y).filter((_, i) => i % 3 === 0),
      [-2, 1, 1].map((v) => v / Math.sqrt(2.001)),
    );
    // running = 0.9·running + 0.1·batch, from mean 0 and variance 1.
    expectClose(bn.movingMean.value, [0.3, 0.5, 0.6]);
    expectClose(bn.movingVariance.value, [0.9 + 0.2, 0.9 + 0.6, 0.9 + 0.6]);
  });

  it("training output has per-feature mean 0 and variance 1 before gamma and beta (dense and conv)", () => {
    const dense = randomNormal([64, 5], { mean: 3, stddev: 4, seed: 1 });
    const bnDense = new BatchNorm(5, { gammaInitializer: constant(2), betaInitializer: constant(-1) });
    // Undo gamma = 2 and beta = −1 to look at the normalized values.
    const z = bnDense.call(dense).add(1).div(2);
    const m = moments(z, 0);
    expectClose(m.mean, Array(5).fill(0), 1e-5);
    // σ²/(σ² + ε) with σ² ≈ 16 and ε = 0.001.
    expectClose(m.variance, Array(5).fill(1), 1e-3);

    // Conv mode: one mean and variance per channel over N, H and W (the effective mini-batch).
    const images = randomNormal([4, 6, 6, 3], { mean: -2, stddev: 0.5, seed: 2 });
    const y = new BatchNorm(3, { epsilon: 1e-6 }).call(images);
    const c = moments(y, [0, 1, 2]);
    expectClose(c.mean, [0, 0, 0], 1e-5);
    expectClose(c.variance, [1, 1, 1], 1e-3);
    // Not per (H, W) position: a single position's statistics across the batch differ from 0/1.
    const perPosition = moments(y, 0);
    expect(Math.max(...values(perPosition.mean).map(Math.abs))).toBeGreaterThan(0.1);
  });

  it("for any NHWC shape, each channel comes out with mean 0 and variance 1 over N, H and W", () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        ([n, h, w], c, seed, shift) => {
          fc.pre(n * h * w >= 2);
          const x = randomNormal([n, h, w, c], { seed, mean: shift, stddev: 3, dtype: "float64" });
          const bn = new BatchNorm(c, { epsilon: 1e-9, dtype: "float64" });
          const m = moments(bn.call(x), [0, 1, 2]);
          // Normalizing by √(σ² + ε) leaves variance σ²/(σ² + ε): exactly 1 only when ε ≪ σ².
          const batchVariance = values(moments(x, [0, 1, 2]).variance);
          expectClose(m.mean, Array(c).fill(0), 1e-6);
          expectClose(
            m.variance,
            batchVariance.map((v) => v / (v + 1e-9)),
            1e-9,
          );
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("evaluation uses the running statistics and does not update them", () => {
    const bn = new BatchNorm(2, { momentum: 0.5, epsilon: 1e-6 });
    bn.call(
      tensor([
        [0, 10],
        [4, 30],
      ]),
    );
    // batch mean [2, 20], variance [4, 100] → running mean [1, 10], variance [2.5, 50.5].
    expectClose(bn.movingMean.value, [1, 10]);
    expectClose(bn.movingVariance.value, [2.5, 50.5]);
    bn.eval();
    const y = bn.call(
      tensor([
        [1, 10],
        [3.5, 60.5],
      ]),
    );
    expectClose(y, [0, 0, 2.5 / Math.sqrt(2.5), 50.5 / Math.sqrt(50.5)], 1e-5);
    expectClose(bn.movingMean.value, [1, 10]);
  });

  it("works without gamma and beta (scale: false, center: false) and on another feature axis", () => {
    const plain = new BatchNorm(3, { scale: false, center: false });
    expect(plain.parameters()).toEqual([]);
    expect(plain.call(spread([4, 3], 1, "float32")).shape).toEqual([4, 3]);
    expect(new BatchNorm(3, { scale: false }).namedParameters().map(([n]) => n)).toEqual(["beta"]);
    expect(new BatchNorm(3, { center: false }).namedParameters().map(([n]) => n)).toEqual(["gamma"]);
    plain.eval();
    expect(plain.call(spread([4, 3], 1, "float32")).shape).toEqual([4, 3]);
    // Channels-first: axis 1 of [N, C, H, W].
    const first = new BatchNorm(2, { axis: 1, epsilon: 1e-6 });
    const y = first.call(randomNormal([3, 2, 4, 4], { mean: 5, seed: 4 }));
    expectClose(moments(y, [0, 2, 3]).mean, [0, 0], 1e-5);
    expect(first.movingMean.shape).toEqual([2]);
  });

  it("a layer before it may drop its bias; gradients reach gamma, beta and the kernel, not the running statistics", () => {
    const model = new Sequential([new Dense(3, 4, { useBias: false }), new BatchNorm(4)]);
    const x = spread([5, 3], 1, "float32");
    const before = values(model.buffers()[0].value);
    const [, grads] = valueAndGrad(() => sum(model.call(x).square()), model.parameters())();
    expect(grads.map((g) => g.shape)).toEqual([[3, 4], [4], [4]]);
    // One call, one update (the backward pass does not update again).
    const after = values(model.buffers()[0].value);
    expect(after).not.toEqual(before);
    model.call(x);
    const m = values(model.buffers()[0].value);
    for (const [i, a] of after.entries()) expect(m[i]).toBeCloseTo(0.99 * a + (a - 0.99 * before[i]), 5);
  });

  it("passes gradCheck in training and evaluation mode, dense and conv", () => {
    const trained = () => {
      const bn = new BatchNorm(3, { gammaInitializer: constant(1.5), betaInitializer: constant(0.2) });
      bn.movingMean.assign(tensor([0.1, -0.2, 0.3]));
      bn.movingVariance.assign(tensor([0.5, 2, 1.5]));
      return bn;
    };
    for (const mode of ["train", "eval"] as const) {
      expectGradOk(gradCheckLayer(trained, spread([4, 3]), mode));
      expectGradOk(gradCheckLayer(trained, spread([2, 3, 3, 3], 2), mode));
      expectGradOk(
        gradCheckLayer(() => new BatchNorm(3, { scale: false, center: false }), spread([4, 3], 3), mode),
      );
    }
  });

  it("explains a wrong feature count", () => {
    expect(() => new BatchNorm(4).call(zeros([2, 3]))).toThrow(
      new ShapeError("BatchNorm: x must have rank >= 2 and 4 features on axis -1, got shape [2,3]"),
    );
    expect(() => new BatchNorm(4, { momentum: 2 })).toThrow("momentum must be in [0, 1]");
  });
});
