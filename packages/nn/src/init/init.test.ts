import { DTypeError, type Tensor, ValueError, matmul, transpose } from "@axon/core";
import { describe, expect, it } from "vitest";
import { expectClose, useCpuBackend, values } from "../test-helpers.ts";
import { constant, ones, randomNormal, randomUniform, truncatedNormal, zeros } from "./basic.ts";
import { computeFans } from "./fans.ts";
import type { Initializer } from "./initializer.ts";
import { orthogonal } from "./orthogonal.ts";
import {
  TRUNCATED_NORMAL_STDDEV,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  varianceScaling,
  xavierUniform,
} from "./variance-scaling.ts";

function stats(t: Tensor): { mean: number; variance: number; maxAbs: number } {
  const v = values(t);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, variance, maxAbs: Math.max(...v.map(Math.abs)) };
}

/** The sample mean and variance of a large draw agree with the formula within about 5 standard errors. */
function expectMoments(t: Tensor, variance: number, mean = 0): void {
  const s = stats(t);
  const n = t.size;
  expect(Math.abs(s.mean - mean), `mean ${s.mean} vs ${mean}`).toBeLessThan(5 * Math.sqrt(variance / n));
  expect(Math.abs(s.variance / variance - 1), `variance ${s.variance} vs ${variance}`).toBeLessThan(
    5 * Math.sqrt(2 / n),
  );
}

const DENSE = [240, 160];
const CONV = [5, 5, 48, 40];

describe("computeFans", () => {
  it("uses [in, out] for dense kernels and includes the receptive field for conv kernels", () => {
    expect(computeFans([784, 256])).toEqual({ fanIn: 784, fanOut: 256 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(computeFans([2, 3, 3, 4, 5])).toEqual({ fanIn: 72, fanOut: 90 });
    expect(computeFans([10])).toEqual({ fanIn: 10, fanOut: 10 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(() => computeFans([2, -1])).toThrow(ValueError);
  });
});

describe("variance-scaling initializers", () => {
  useCpuBackend();

  const cases: [string, Initializer, (fanIn: number, fanOut: number) => number, boolean][] = [
    ["glorotNormal", glorotNormal({ seed: 1 }), (i, o) => 2 / (i + o), false],
    ["glorotUniform", glorotUniform({ seed: 2 }), (i, o) => 2 / (i + o), true],
    ["heNormal", heNormal({ seed: 3 }), (i) => 2 / i, false],
    ["heUniform", heUniform({ seed: 4 }), (i) => 2 / i, true],
    ["lecunNormal", lecunNormal({ seed: 5 }), (i) => 1 / i, false],
    ["lecunUniform", lecunUniform({ seed: 6 }), (i) => 1 / i, true],
    [
      "fanOut, untruncated",
      varianceScaling({ scale: 3, mode: "fanOut", distribution: "untruncatedNormal", seed: 7 }),
      (_, o) => 3 / o,
      false,
    ],
    [
      "fanOut, uniform",
      varianceScaling({ scale: 0.5, mode: "fanOut", distribution: "uniform", seed: 8 }),
      (_, o) => 0.5 / o,
      true,
    ],
    ["fanAvg, truncated", varianceScaling({ mode: "fanAvg", seed: 9 }), (i, o) => 2 / (i + o), false],
  ];

  for (const [name, init, formula, uniform] of cases) {
    it(`${name}: the sample variance of dense and conv draws is the formula's`, () => {
      for (const shape of [DENSE, CONV]) {
        const { fanIn, fanOut } = computeFans(shape);
        const variance = formula(fanIn, fanOut);
        const w = init(shape);
        expect(w.shape).toEqual(shape);
        expectMoments(w, variance);
        const { maxAbs } = stats(w);
        if (uniform) {
          // U[−√(3σ²), √(3σ²)]: within the limit, and reaching close to it.
          expect(maxAbs).toBeLessThanOrEqual(Math.sqrt(3 * variance) * (1 + 1e-6));
          expect(maxAbs).toBeGreaterThan(Math.sqrt(3 * variance) * 0.99);
        } else if (!name.includes("untruncated")) {
          // Truncated at two standard deviations of the normal it was drawn from.
          expect(maxAbs).toBeLessThanOrEqual((2 * Math.sqrt(variance)) / TRUNCATED_NORMAL_STDDEV + 1e-6);
        } else expect(maxAbs).toBeGreaterThan((2 * Math.sqrt(variance)) / TRUNCATED_NORMAL_STDDEV);
      }
    });
  }

  it("the truncation constant is the standard deviation of a unit normal cut at ±2", () => {
    // Var = 1 − 2·φ(2)·2 / (Φ(2) − Φ(−2)), with φ(2) = e^{−2}/√(2π) and Φ(2) − Φ(−2) = erf(√2).
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    const mass = 0.9544997361036416;
    expect(Math.sqrt(1 - (4 * phi2) / mass)).toBeCloseTo(TRUNCATED_NORMAL_STDDEV, 12);
  });

  it("is seeded: the same seed gives the same weights; a call's seed takes precedence", () => {
    expect(values(heNormal({ seed: 1 })([4, 4]))).toEqual(values(heNormal({ seed: 1 })([4, 4])));
    expect(values(heNormal()([4, 4], "float32", { seed: 5 }))).toEqual(
      values(heNormal({ seed: 9 })([4, 4], "float32", { seed: 5 })),
    );
    expect(values(heNormal({ seed: 1 })([4, 4]))).not.toEqual(values(heNormal({ seed: 2 })([4, 4])));
    expect(xavierUniform).toBe(glorotUniform);
    expect(heNormal().description).toBe("varianceScaling(2, fanIn, truncatedNormal)");
    expect(heNormal()([2, 2], "float64").dtype).toBe("float64");
  });

  it("explains bad options and dtypes", () => {
    expect(() => varianceScaling({ mode: "fanMiddle" as never })).toThrow(
      "varianceScaling: mode must be one of fanIn, fanOut, fanAvg, got 'fanMiddle'",
    );
    expect(() => varianceScaling({ distribution: "normal" as never })).toThrow("distribution must be one of");
    expect(() => varianceScaling({ scale: 0 })).toThrow("scale must be positive");
    expect(() => heNormal()([2, 2], "int32")).toThrow(
      new DTypeError("varianceScaling: dtype must be float32 or float64, got int32"),
    );
  });
});

describe("basic initializers", () => {
  useCpuBackend();

  it("zeros, ones and constant fill the shape", () => {
    expect(values(zeros()([2, 2]))).toEqual([0, 0, 0, 0]);
    expect(values(ones()([3], "int32"))).toEqual([1, 1, 1]);
    expect(values(constant(0.25)([2]))).toEqual([0.25, 0.25]);
    expect(() => constant(Number.NaN)).toThrow("constant: value must be a finite number");
  });

  it("randomNormal, randomUniform and truncatedNormal have the moments of their formulas", () => {
    expectMoments(randomNormal({ mean: 1, stddev: 0.5, seed: 1 })(DENSE), 0.25, 1);
    expectMoments(randomUniform({ minval: -1, maxval: 3, seed: 2 })(DENSE), 16 / 12, 1);
    // Not rescaled (as Keras' TruncatedNormal): the variance is 0.774·stddev².
    const tn = truncatedNormal({ stddev: 2, seed: 3 })(DENSE);
    expectMoments(tn, 4 * TRUNCATED_NORMAL_STDDEV ** 2);
    expect(stats(tn).maxAbs).toBeLessThanOrEqual(4);
    // Keras' defaults: N(0, 0.05²) and U[−0.05, 0.05].
    expectMoments(randomNormal({ seed: 4 })(DENSE), 0.0025);
    expect(stats(randomUniform({ seed: 5 })(DENSE)).maxAbs).toBeLessThanOrEqual(0.05);
  });
});

describe("orthogonal", () => {
  useCpuBackend();

  const gram = (q: Tensor) => matmul(transpose(q), q);
  const identity = (n: number, scale = 1) =>
    Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? scale : 0));

  it("gives orthonormal columns (tall), rows (wide), and handles conv kernels and a gain", () => {
    expectClose(gram(orthogonal({ seed: 1 })([12, 5], "float64")), identity(5), 1e-12);
    expectClose(gram(transpose(orthogonal({ seed: 2 })([5, 12], "float64"))), identity(5), 1e-12);
    const square = orthogonal({ seed: 3 })([8, 8], "float64");
    expectClose(gram(square), identity(8), 1e-12);
    expectClose(gram(transpose(square)), identity(8), 1e-12);
    const conv = orthogonal({ seed: 4 })([3, 3, 4, 8], "float64");
    expect(conv.shape).toEqual([3, 3, 4, 8]);
    expectClose(gram(conv.reshape([36, 8])), identity(8), 1e-12);
    expectClose(gram(orthogonal({ gain: 2, seed: 5 })([6, 6])), identity(6, 4), 1e-5);
    expect(() => orthogonal()([4])).toThrow("orthogonal: shape must have rank >= 2, got [4]");
    // The elements of a tall n×m matrix with orthonormal columns have mean 0 and variance gain²/n.
    expectMoments(orthogonal({ gain: 1.5, seed: 6 })(DENSE), 2.25 / DENSE[0]);
  });
});
