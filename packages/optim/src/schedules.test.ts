import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  constant,
  cosineDecay,
  exponentialDecay,
  inverseSqrtDecay,
  inverseTimeDecay,
  stepDecay,
} from "./schedules.ts";
import { NUM_RUNS, expectClose } from "./test-helpers.ts";

const at = (f: (s: number) => number, steps: number[]) => steps.map(f);

describe("learning-rate schedules", () => {
  it("constant", () => {
    expect(at(constant(0.1), [0, 1, 1000])).toEqual([0.1, 0.1, 0.1]);
  });

  it("inverseTimeDecay: α₀/(1 + decayRate·step/decaySteps), optionally in stairs", () => {
    expectClose(
      at(inverseTimeDecay({ initial: 0.2, decayRate: 1 }), [0, 1, 2, 3]),
      [0.2, 0.1, 0.2 / 3, 0.05],
      1e-15,
    );
    const stairs = inverseTimeDecay({ initial: 1, decayRate: 0.5, decaySteps: 10, staircase: true });
    expect(at(stairs, [0, 9, 10, 19, 20])).toEqual([1, 1, 1 / 1.5, 1 / 1.5, 0.5]);
    expect(inverseTimeDecay({ initial: 1, decayRate: 0.5, decaySteps: 10 })(5)).toBe(1 / 1.25);
  });

  it("exponentialDecay: α₀·0.95^step by default, α₀·rate^(step/decaySteps) in general", () => {
    expectClose(
      at(exponentialDecay({ initial: 0.1 }), [0, 1, 2, 10]),
      [0.1, 0.095, 0.09025, 0.1 * 0.95 ** 10],
      1e-15,
    );
    const slow = exponentialDecay({ initial: 1, rate: 0.5, decaySteps: 100 });
    expectClose(at(slow, [0, 50, 100, 200]), [1, Math.SQRT1_2, 0.5, 0.25], 1e-15);
    const stairs = exponentialDecay({ initial: 1, rate: 0.5, decaySteps: 100, staircase: true });
    expect(at(stairs, [0, 99, 100, 250])).toEqual([1, 1, 0.5, 0.25]);
  });

  it("inverseSqrtDecay: k·α₀/√(step + 1), the textbook k/√epoch·α₀ with epochs counted from 1", () => {
    expect(at(inverseSqrtDecay({ initial: 0.1 }), [0, 3, 8, 99])).toEqual([0.1, 0.05, 0.1 / 3, 0.01]);
    expect(inverseSqrtDecay({ initial: 0.1, k: 2 })(3)).toBe(0.1);
  });

  it("stepDecay: α₀·rate^⌊step/stepSize⌋", () => {
    expect(at(stepDecay({ initial: 0.1, stepSize: 10 }), [0, 9, 10, 25, 30])).toEqual([
      0.1, 0.1, 0.05, 0.025, 0.0125,
    ]);
    expect(at(stepDecay({ initial: 1, rate: 0.1, stepSize: 2 }), [0, 1, 2, 4])).toEqual([
      1,
      1,
      0.1,
      0.1 * 0.1,
    ]);
  });

  it("cosineDecay: from α₀ down to alpha·α₀ over decaySteps, then flat", () => {
    const f = cosineDecay({ initial: 1, decaySteps: 100 });
    expectClose(at(f, [0, 50, 100, 150]), [1, 0.5, 0, 0], 1e-15);
    expectClose([f(25)], [(1 + Math.cos(Math.PI / 4)) / 2], 1e-15);
    const floor = cosineDecay({ initial: 2, decaySteps: 10, alpha: 0.1 });
    expectClose(at(floor, [0, 5, 10, 20]), [2, 2 * (0.1 + 0.9 * 0.5), 0.2, 0.2], 1e-15);
  });

  it("cosineDecay with warmup: linear from warmupInitial (default 0) to α₀, then the cosine", () => {
    const f = cosineDecay({ initial: 1, decaySteps: 10, warmupSteps: 4 });
    expectClose(at(f, [0, 1, 2, 4, 9, 14, 20]), [0, 0.25, 0.5, 1, 0.5, 0, 0], 1e-15);
    const g = cosineDecay({ initial: 1, decaySteps: 10, warmupSteps: 2, warmupInitial: 0.2 });
    expectClose(at(g, [0, 1, 2]), [0.2, 0.6, 1], 1e-15);
  });

  it("decaying schedules never increase and stay within [final, initial]", () => {
    const schedules = [
      inverseTimeDecay({ initial: 0.3, decayRate: 0.7, decaySteps: 3 }),
      exponentialDecay({ initial: 0.3, rate: 0.9, decaySteps: 2, staircase: true }),
      inverseSqrtDecay({ initial: 0.3 }),
      stepDecay({ initial: 0.3, stepSize: 5 }),
      cosineDecay({ initial: 0.3, decaySteps: 50, alpha: 0.05 }),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100 }), (s, d) => {
        for (const f of schedules) {
          expect(f(s + d)).toBeLessThanOrEqual(f(s));
          expect(f(s)).toBeLessThanOrEqual(0.3);
          expect(f(s)).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("validate their options and their step", () => {
    expect(() => exponentialDecay({ initial: 0.1, rate: 1.5 })).toThrow(
      "exponentialDecay: rate must be in (0, 1], got 1.5",
    );
    expect(() => inverseTimeDecay({ initial: -1, decayRate: 1 })).toThrow(
      "inverseTimeDecay: initial must be a non-negative number, got -1",
    );
    expect(() => stepDecay({ initial: 1, stepSize: 0 })).toThrow(
      "stepDecay: stepSize must be a positive integer, got 0",
    );
    expect(() => cosineDecay({ initial: 1, decaySteps: 10, alpha: 2 })).toThrow(
      "cosineDecay: alpha must be in [0, 1], got 2",
    );
    expect(() => cosineDecay({ initial: 1, decaySteps: 10, warmupSteps: 1.5 })).toThrow(
      "cosineDecay: warmupSteps must be a non-negative integer, got 1.5",
    );
    expect(() => constant(0.1)(-1)).toThrow("constant: the step must be a non-negative number, got -1");
    expect(() => inverseSqrtDecay({ initial: 1 })(Number.NaN)).toThrow("inverseSqrtDecay: the step must be");
  });
});
