import { describe, it } from "vitest";
import { RMSProp } from "./rmsprop.ts";
import { inverseTimeDecay } from "./schedules.ts";
import {
  expectClose,
  expectTrajectory,
  mlp,
  quadratic,
  refRMSProp,
  squareTrajectory,
  useCpuBackend,
} from "./test-helpers.ts";

describe("RMSProp", () => {
  useCpuBackend();

  // f(w) = w², w₀ = 1, lr 0.1, β 0.9: s₁ = 0.1·4 = 0.4, w₁ = 1 − 0.1·2/(√0.4 + 1e-8) ≈ 1 − 0.1·√10.
  it("worked example: s = βs + (1−β)g², w₁ ≈ 1 − 0.1·√10, then 0.4988706…", () => {
    const first = 1 - 0.2 / (Math.sqrt(0.4) + 1e-8);
    expectClose(
      squareTrajectory(new RMSProp({ lr: 0.1 }), 3),
      [first, 0.498870613507054, 0.36918056029155977],
      1e-12,
    );
  });

  const variants = [
    { lr: 0.01 },
    { lr: 0.05, beta: 0.5, epsilon: 1e-3 },
    { lr: 0.02, beta: 0.95, weightDecay: 0.1 },
  ];
  for (const [dtype, tol] of [
    ["float64", 1e-12],
    ["float32", 2e-5],
  ] as const) {
    for (const o of variants) {
      const label = JSON.stringify(o);
      it(`follows the float64 reference on a quadratic, ${label} (${dtype})`, () => {
        expectTrajectory(quadratic, new RMSProp(o), refRMSProp(o), { dtype, steps: 8, tol });
      });
      it(`follows the float64 reference on a 2-layer MLP, ${label} (${dtype})`, () => {
        expectTrajectory(mlp, new RMSProp(o), refRMSProp(o), { dtype, steps: 6, tol });
      });
    }
    it(`follows the reference with an inverse-time schedule (${dtype})`, () => {
      const lr = inverseTimeDecay({ initial: 0.05, decayRate: 0.5 });
      expectTrajectory(mlp, new RMSProp({ lr }), refRMSProp({ lr }), { dtype, steps: 6, tol });
    });
  }
});
