import { describe, expect, it } from "vitest";
import { Adam } from "./adam.ts";
import { AdamW } from "./adamw.ts";
import { exponentialDecay } from "./schedules.ts";
import {
  expectClose,
  expectTrajectory,
  mlp,
  quadratic,
  refAdam,
  squareTrajectory,
  useCpuBackend,
} from "./test-helpers.ts";

describe("AdamW", () => {
  useCpuBackend();

  // f(w) = w², w₀ = 1, lr 0.1, wd 0.5: w₁ = 1 − 0.1·0.5·1 − 0.1·2/(2 + 1e-8) ≈ 0.85 (the decay skips m and v).
  it("worked example: decoupled decay shrinks W by lr·wd·W on top of Adam's step", () => {
    const got = squareTrajectory(new AdamW({ lr: 0.1, weightDecay: 0.5 }), 3);
    expectClose(got, [1 - 0.05 - 0.2 / (2 + 1e-8), 0.7082484433597452, 0.5749739307415966], 1e-9);
  });

  it("with weightDecay 0 it is Adam", () => {
    expect(squareTrajectory(new AdamW({ lr: 0.1, weightDecay: 0 }), 4)).toEqual(
      squareTrajectory(new Adam({ lr: 0.1 }), 4),
    );
  });

  it("defaults to weightDecay 0.01", () => {
    expect(new AdamW().stateDict().hyper.weightDecay).toBe(0.01);
  });

  const variants = [
    { lr: 0.01 },
    { lr: 0.05, weightDecay: 0.2, beta1: 0.8, beta2: 0.95 },
    { lr: exponentialDecay({ initial: 0.05, rate: 0.8 }), weightDecay: 0.1 },
  ];
  for (const [dtype, tol] of [
    ["float64", 1e-12],
    ["float32", 2e-5],
  ] as const) {
    for (const [i, o] of variants.entries()) {
      it(`follows the float64 reference on a quadratic, variant ${i} (${dtype})`, () => {
        const ref = refAdam({ weightDecay: 0.01, ...o, decoupled: true });
        expectTrajectory(quadratic, new AdamW(o), ref, { dtype, steps: 10, tol });
      });
      it(`follows the float64 reference on a 2-layer MLP, variant ${i} (${dtype})`, () => {
        const ref = refAdam({ weightDecay: 0.01, ...o, decoupled: true });
        expectTrajectory(mlp, new AdamW(o), ref, { dtype, steps: 6, tol });
      });
    }
  }
});
