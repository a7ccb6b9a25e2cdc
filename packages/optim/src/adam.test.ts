import { describe, it } from "vitest";
import { Adam } from "./adam.ts";
import { stepDecay } from "./schedules.ts";
import {
  expectClose,
  expectTrajectory,
  mlp,
  quadratic,
  refAdam,
  squareTrajectory,
  useCpuBackend,
} from "./test-helpers.ts";

describe("Adam", () => {
  useCpuBackend();

  // f(w) = w², w₀ = 1, lr 0.1. Step 1: g = 2, m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, w = 1 − 0.1·2/(2 + 1e-8).
  // Step 2: g = 1.8, m = 0.36, v = 0.007236, m̂ = 0.36/0.19, v̂ = 0.007236/0.001999, w ≈ 0.8004122.
  it("worked example with bias correction: 0.9000000005, 0.8004122287, 0.7015862729", () => {
    const first = 1 - (0.1 * 2) / (2 + 1e-8);
    const mHat = 0.36 / 0.19;
    const vHat = 0.007236 / 0.001999;
    const second = first - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
    expectClose(squareTrajectory(new Adam({ lr: 0.1 }), 3), [first, second, 0.70158627294603], 1e-9);
  });

  const variants = [
    { lr: 0.01 },
    { lr: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 1e-6 },
    { lr: 0.02, beta1: 0, beta2: 0.99, weightDecay: 0.1 },
  ];
  for (const [dtype, tol] of [
    ["float64", 1e-12],
    ["float32", 2e-5],
  ] as const) {
    for (const o of variants) {
      const label = JSON.stringify(o);
      it(`follows the float64 reference on a quadratic, ${label} (${dtype})`, () => {
        expectTrajectory(quadratic, new Adam(o), refAdam(o), { dtype, steps: 10, tol });
      });
      it(`follows the float64 reference on a 2-layer MLP, ${label} (${dtype})`, () => {
        expectTrajectory(mlp, new Adam(o), refAdam(o), { dtype, steps: 6, tol });
      });
    }
    it(`follows the reference with a step schedule (${dtype})`, () => {
      const lr = stepDecay({ initial: 0.05, rate: 0.5, stepSize: 2 });
      expectTrajectory(mlp, new Adam({ lr }), refAdam({ lr }), { dtype, steps: 6, tol });
    });
  }
});
