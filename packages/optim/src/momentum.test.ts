import { describe, it } from "vitest";
import { Momentum } from "./momentum.ts";
import { cosineDecay } from "./schedules.ts";
import {
  expectClose,
  expectTrajectory,
  mlp,
  quadratic,
  refMomentum,
  squareTrajectory,
  useCpuBackend,
} from "./test-helpers.ts";

describe("Momentum", () => {
  useCpuBackend();

  // f(w) = w², w₀ = 1, lr 0.1, β 0.9; g = 2w.
  it("worked example, classic: v = βv + g → v 2, 3.4, 3.98 and w 0.8, 0.46, 0.062", () => {
    expectClose(squareTrajectory(new Momentum({ lr: 0.1 }), 3), [0.8, 0.46, 0.062], 1e-14);
  });

  it("worked example, Nesterov: step along g + βv → 1 − 0.1·3.8 = 0.62, then 0.62 − 0.1·3.976 = 0.2224", () => {
    expectClose(squareTrajectory(new Momentum({ lr: 0.1, nesterov: true }), 2), [0.62, 0.2224], 1e-14);
  });

  it("worked example, ewa: v = βv + (1−β)g → v 0.2, 0.376 and w 0.98, 0.9424", () => {
    expectClose(squareTrajectory(new Momentum({ lr: 0.1, dampening: "ewa" }), 2), [0.98, 0.9424], 1e-14);
  });

  const variants = [
    { lr: 0.05, beta: 0.9 },
    { lr: 0.05, beta: 0.8, nesterov: true },
    { lr: 0.3, beta: 0.9, dampening: "ewa" as const },
    { lr: 0.3, beta: 0.7, dampening: "ewa" as const, nesterov: true, weightDecay: 0.01 },
  ];
  for (const [dtype, tol] of [
    ["float64", 1e-12],
    ["float32", 2e-5],
  ] as const) {
    for (const o of variants) {
      const label = JSON.stringify(o);
      it(`follows the float64 reference on a quadratic, ${label} (${dtype})`, () => {
        expectTrajectory(quadratic, new Momentum(o), refMomentum(o), { dtype, steps: 8, tol });
      });
      it(`follows the float64 reference on a 2-layer MLP, ${label} (${dtype})`, () => {
        expectTrajectory(mlp, new Momentum(o), refMomentum(o), { dtype, steps: 6, tol });
      });
    }
    it(`follows the reference with a cosine schedule (${dtype})`, () => {
      const lr = cosineDecay({ initial: 0.2, decaySteps: 5, warmupSteps: 2 });
      expectTrajectory(mlp, new Momentum({ lr }), refMomentum({ lr }), { dtype, steps: 8, tol });
    });
  }
});
