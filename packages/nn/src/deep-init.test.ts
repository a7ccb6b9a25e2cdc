import { valueAndGrad } from "@axon/autograd";
import {
  type Tensor,
  div,
  moments,
  mul,
  randomNormal,
  relu,
  selu,
  sigmoid,
  sqrt,
  square,
  sum,
  tanh,
  tidy,
} from "@axon/core";
import { describe, expect, it } from "vitest";
import { randomNormal as normalInit } from "./init/basic.ts";
import type { Initializer } from "./init/initializer.ts";
import { glorotNormal, heNormal, lecunNormal } from "./init/variance-scaling.ts";
import { Dense } from "./layers/dense.ts";
import { Sequential } from "./sequential.ts";
import { useCpuBackend } from "./test-helpers.ts";

// The initialization study of examples/deep-init.ts at a small size: 20 layers of width 32.
const DEPTH = 20;
const WIDTH = 32;
const BATCH = 64;

interface LayerReport {
  mean: number;
  variance: number;
  gradNorm: number;
}

/**
 * Each layer's activation mean and variance on standard-normal inputs, and the norm of the
 * loss gradient with respect to its kernel. The loss projects each example's output on its own
 * random direction, so the norms show how gradients travel through depth rather than how the
 * examples' gradients cancel in a batch mean.
 */
function study(
  activation: (x: Tensor) => Tensor,
  init: (options: { seed: number }) => Initializer,
  seed: number,
): LayerReport[] {
  const model = new Sequential(
    Array.from(
      { length: DEPTH },
      (_, i) =>
        new Dense(WIDTH, WIDTH, {
          useBias: false,
          activation,
          kernelInitializer: init({ seed: seed * 100 + i }),
        }),
    ),
  );
  const x = randomNormal([BATCH, WIDTH], { seed: 1000 + seed });
  const directions = randomNormal([BATCH, WIDTH], { seed: 2000 + seed });
  const activations = tidy(() => {
    let h = x;
    return model.layers.map((layer) => {
      h = layer.call(h);
      const m = moments(h);
      return { mean: m.mean.dataSync()[0], variance: m.variance.dataSync()[0] };
    });
  });
  const [, grads] = valueAndGrad(() => div(sum(mul(model.call(x), directions)), BATCH), model.parameters())();
  return activations.map((a, i) => ({ ...a, gradNorm: sqrt(sum(square(grads[i]))).dataSync()[0] }));
}

const first = (r: LayerReport[]) => r[0];
const last = (r: LayerReport[]) => r[DEPTH - 1];
const spreadOf = (xs: number[]) => Math.max(...xs) / Math.min(...xs);

describe("a 20-layer network at initialization behaves as the theory says", () => {
  useCpuBackend();

  it("sigmoid with N(0, 1) weights: the first layer's gradient is orders of magnitude below the last one's", () => {
    const r = study(sigmoid, ({ seed }) => normalInit({ stddev: 1, seed }), 1);
    expect(first(r).gradNorm / last(r).gradNorm).toBeLessThan(1e-2);
    // Saturated units: most outputs sit near 0 or 1, a variance approaching the 0.25 of a coin flip.
    for (const l of r) expect(l.variance).toBeGreaterThan(0.1);
  });

  it("tanh with Glorot: gradients keep their size while the activation variance shrinks slowly", () => {
    const r = study(tanh, glorotNormal, 2);
    expect(spreadOf(r.map((l) => l.gradNorm))).toBeLessThan(4);
    const shrink = first(r).variance / last(r).variance;
    expect(shrink).toBeGreaterThan(3);
    expect(shrink).toBeLessThan(100);
    for (const l of r) expect(Math.abs(l.mean)).toBeLessThan(0.1);
  });

  it("ReLU with He: the first and last gradients are within a small factor; activations neither vanish nor explode", () => {
    const r = study(relu, heNormal, 3);
    const ratio = first(r).gradNorm / last(r).gradNorm;
    expect(ratio).toBeGreaterThan(0.2);
    expect(ratio).toBeLessThan(5);
    for (const l of r) {
      expect(l.variance).toBeGreaterThan(0.01);
      expect(l.variance).toBeLessThan(10);
    }
  });

  it("SELU with LeCun normal: self-normalizing, mean ≈ 0 and variance ≈ 1 through the depth", () => {
    const r = study(selu, lecunNormal, 4);
    for (const l of r) {
      expect(Math.abs(l.mean)).toBeLessThan(0.25);
      expect(l.variance).toBeGreaterThan(0.6);
      expect(l.variance).toBeLessThan(1.6);
    }
    const avgVariance = r.reduce((a, l) => a + l.variance, 0) / DEPTH;
    expect(Math.abs(avgVariance - 1)).toBeLessThan(0.2);
    expect(spreadOf(r.map((l) => l.gradNorm))).toBeLessThan(5);
  });
});
