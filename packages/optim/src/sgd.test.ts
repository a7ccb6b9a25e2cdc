import { describe, expect, it } from "vitest";
import { exponentialDecay } from "./schedules.ts";
import { SGD } from "./sgd.ts";
import {
  expectClose,
  expectTrajectory,
  mlp,
  quadratic,
  refSGD,
  squareTrajectory,
  useCpuBackend,
} from "./test-helpers.ts";

describe("SGD", () => {
  useCpuBackend();

  it("worked example: f(w) = w², w₀ = 1, lr 0.1 gives w = 1 − 0.1·2w each step: 0.8, 0.64, 0.512", () => {
    expectClose(squareTrajectory(new SGD({ lr: 0.1 }), 3), [0.8, 0.64, 0.512], 1e-15);
  });

  it("weight decay adds wd·W to the gradient: f(w) = w², wd 0.5, lr 0.1 gives w₁ = 1 − 0.1·(2 + 0.5) = 0.75", () => {
    expectClose(squareTrajectory(new SGD({ lr: 0.1, weightDecay: 0.5 }), 2), [0.75, 0.5625], 1e-15);
  });

  for (const [dtype, tol] of [
    ["float64", 1e-12],
    ["float32", 2e-5],
  ] as const) {
    it(`follows the float64 reference on a quadratic (${dtype})`, () => {
      expectTrajectory(quadratic, new SGD({ lr: 0.1 }), refSGD({ lr: 0.1 }), { dtype, steps: 8, tol });
    });

    it(`follows the float64 reference on a 2-layer MLP, with weight decay and a schedule (${dtype})`, () => {
      const lr = exponentialDecay({ initial: 0.5, rate: 0.9 });
      expectTrajectory(mlp, new SGD({ lr, weightDecay: 0.01 }), refSGD({ lr, weightDecay: 0.01 }), {
        dtype,
        steps: 6,
        tol,
      });
    });
  }

  it("a schedule is called with the number of updates already made (0 for the first)", () => {
    const seen: number[] = [];
    const opt = new SGD({
      lr: (step) => {
        seen.push(step);
        return 0.1;
      },
    });
    squareTrajectory(opt, 3);
    expect(seen).toEqual([0, 1, 2]);
    expect(opt.stepCount).toBe(3);
  });
});
