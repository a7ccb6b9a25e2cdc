import { ValueError } from "@axon/core";
import { describe, expect, it } from "vitest";
import {
  choice,
  gridConfigs,
  intUniform,
  logIntUniform,
  logUniform,
  oneMinusLogUniform,
  sampleConfigs,
  trialSeed,
  uniform,
} from "./spaces.ts";
import { chiSquare } from "./test-helpers.ts";

const N = 20_000;

/** Counts of values per bin: bin(v) is the index. */
function histogram(values: number[], bins: number, bin: (v: number) => number): number[] {
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[bin(v)]++;
  return counts;
}

function expectUniformCounts(counts: number[]): void {
  const total = counts.reduce((a, b) => a + b, 0);
  const { stat, critical } = chiSquare(
    counts,
    counts.map(() => total / counts.length),
  );
  expect(stat).toBeLessThan(critical);
}

describe("sampling distributions", () => {
  it("uniform: flat on [low, high]", () => {
    const xs = uniform(-2, 3).sample(N, 7);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...xs)).toBeLessThanOrEqual(3);
    expectUniformCounts(histogram(xs, 25, (v) => Math.min(24, Math.floor(((v + 2) / 5) * 25))));
  });

  it("logUniform: each decade gets the same share", () => {
    const xs = logUniform(1e-4, 1).sample(N, 1);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    const decades = histogram(xs, 4, (v) => Math.min(3, Math.floor(Math.log10(v) + 4)));
    // each decade within ±4σ of N/4, and the χ² test over the decades
    const sigma = Math.sqrt(N * 0.25 * 0.75);
    for (const c of decades) expect(Math.abs(c - N / 4)).toBeLessThan(4 * sigma);
    expectUniformCounts(decades);
    // finer: the exponent is uniform over 40 bins
    expectUniformCounts(histogram(xs, 40, (v) => Math.min(39, Math.floor((Math.log10(v) + 4) * 10))));
    // whereas a uniform draw would put 90 % in the top decade
    expect(decades[3] / N).toBeLessThan(0.3);
  });

  it("logUniform over a range that is not whole decades: the exponent is uniform", () => {
    const xs = logUniform(3e-5, 0.2).sample(N, 2);
    const [a, b] = [Math.log10(3e-5), Math.log10(0.2)];
    expectUniformCounts(
      histogram(xs, 20, (v) => Math.min(19, Math.floor(((Math.log10(v) - a) / (b - a)) * 20))),
    );
  });

  it("oneMinusLogUniform: β in [0.9, 0.999] is 1 − 10^r with r uniform in [−3, −1]", () => {
    const s = oneMinusLogUniform(0.9, 0.999);
    expect(s.exponents[0]).toBeCloseTo(-3, 12);
    expect(s.exponents[1]).toBeCloseTo(-1, 12);
    const xs = s.sample(N, 3);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...xs)).toBeLessThanOrEqual(0.999);
    const rs = xs.map((v) => Math.log10(1 - v));
    expectUniformCounts(histogram(rs, 20, (r) => Math.max(0, Math.min(19, Math.floor((r + 3) * 10)))));
    // [0.9, 0.99) and [0.99, 0.999] get the same share
    const low = xs.filter((v) => v < 0.99).length;
    expect(Math.abs(low - N / 2)).toBeLessThan(4 * Math.sqrt(N / 4));
  });

  it("intUniform: every integer of low..high inclusive, with the same share", () => {
    const xs = intUniform(-2, 7).sample(N, 4);
    expect(xs.every(Number.isInteger)).toBe(true);
    expect(new Set(xs)).toEqual(new Set([-2, -1, 0, 1, 2, 3, 4, 5, 6, 7]));
    expectUniformCounts(histogram(xs, 10, (v) => v + 2));
  });

  it("logIntUniform: integers of low..high with share ln((k + ½)/(k − ½)) each", () => {
    const s = logIntUniform(2, 20);
    const xs = s.sample(N, 5);
    expect(xs.every(Number.isInteger)).toBe(true);
    expect(Math.min(...xs)).toBe(2);
    expect(Math.max(...xs)).toBe(20);
    const counts = histogram(xs, 19, (v) => v - 2);
    const shares = counts.map((_, i) => s.share(i + 2));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const { stat, critical } = chiSquare(
      counts,
      shares.map((p) => p * N),
    );
    expect(stat).toBeLessThan(critical);
  });

  it("logIntUniform over 1..9999: each decade gets about the same share", () => {
    const xs = logIntUniform(1, 9999).sample(N, 6);
    const decades = histogram(xs, 4, (v) => Math.floor(Math.log10(v)));
    const s = logIntUniform(1, 9999);
    const expected = [0, 1, 2, 3].map((d) => {
      let p = 0;
      for (let k = 10 ** d; k < 10 ** (d + 1); k++) p += s.share(k);
      return p * N;
    });
    const { stat, critical } = chiSquare(decades, expected);
    expect(stat).toBeLessThan(critical);
    // the first decade is a little smaller (1 is rounded from [0.5, 1.5)), the others near a quarter
    for (const c of decades.slice(1)) expect(Math.abs(c / N - 0.25)).toBeLessThan(0.02);
  });

  it("choice: each value with the same share", () => {
    const values = ["adam", "sgd", "rmsprop", "momentum"] as const;
    const xs = choice(values).sample(N, 8);
    expect(new Set(xs)).toEqual(new Set(values));
    expectUniformCounts(values.map((v) => xs.filter((x) => x === v).length));
  });
});

describe("reproducibility", () => {
  const space = {
    lr: logUniform(1e-4, 1),
    beta: oneMinusLogUniform(0.9, 0.999),
    units: logIntUniform(16, 512),
    act: choice(["relu", "tanh"]),
    epochs: 3,
  };

  it("the same seed gives the same configurations; another seed others", () => {
    const a = sampleConfigs(space, 42, 20);
    expect(sampleConfigs(space, 42, 20)).toEqual(a);
    const b = sampleConfigs(space, 43, 20);
    expect(b.map((c) => c.lr)).not.toEqual(a.map((c) => c.lr));
  });

  it("trial i depends only on (seed, name, i): not on the count, nor on the other hyperparameters", () => {
    const ten = sampleConfigs(space, 9, 10);
    expect(sampleConfigs(space, 9, 4)).toEqual(ten.slice(0, 4));
    expect(sampleConfigs(space, 9, 3, 7)).toEqual(ten.slice(7));
    const lrOnly = sampleConfigs({ wd: logUniform(1e-6, 1e-2), lr: space.lr }, 9, 10);
    expect(lrOnly.map((c) => c.lr)).toEqual(ten.map((c) => c.lr));
  });

  it("constants pass through; values keep their types", () => {
    for (const c of sampleConfigs(space, 1, 10)) {
      expect(c.epochs).toBe(3);
      expect(Number.isInteger(c.units)).toBe(true);
      expect(["relu", "tanh"]).toContain(c.act);
    }
  });

  it("does not use Math.random", () => {
    const random = Math.random;
    Math.random = () => {
      throw new Error("Math.random was called");
    };
    try {
      expect(sampleConfigs(space, 5, 50)).toHaveLength(50);
    } finally {
      Math.random = random;
    }
  });

  it("trial seeds are 32-bit integers, distinct per trial, fixed by the seed", () => {
    const seeds = Array.from({ length: 100 }, (_, i) => trialSeed(3, i));
    expect(new Set(seeds).size).toBe(100);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
    expect(trialSeed(3, 17)).toBe(seeds[17]);
    expect(trialSeed(4, 17)).not.toBe(seeds[17]);
  });
});

describe("bad bounds are clear errors", () => {
  const cases: [string, () => unknown, string][] = [
    ["uniform order", () => uniform(1, 1), "uniform: low must be less than high, got [1, 1]"],
    ["uniform NaN", () => uniform(Number.NaN, 1), "uniform: bounds must be finite numbers, got [NaN, 1]"],
    ["logUniform 0", () => logUniform(0, 1), "logUniform: bounds must be positive, got [0, 1]"],
    ["logUniform negative", () => logUniform(-1, 1), "logUniform: bounds must be positive, got [-1, 1]"],
    ["logUniform order", () => logUniform(1, 1e-3), "logUniform: low must be less than high, got [1, 0.001]"],
    [
      "oneMinusLogUniform at 1",
      () => oneMinusLogUniform(0.9, 1),
      "oneMinusLogUniform: high must be below 1 (values are 1 − 10^r), got [0.9, 1]",
    ],
    [
      "oneMinusLogUniform order",
      () => oneMinusLogUniform(0.999, 0.9),
      "oneMinusLogUniform: low must be less than high, got [0.999, 0.9]",
    ],
    ["intUniform fraction", () => intUniform(1.5, 4), "intUniform: bounds must be integers, got [1.5, 4]"],
    ["intUniform order", () => intUniform(4, 4), "intUniform: low must be less than high, got [4, 4]"],
    [
      "logIntUniform 0",
      () => logIntUniform(0, 64),
      "logIntUniform: bounds must be positive integers, got [0, 64]",
    ],
    [
      "logIntUniform order",
      () => logIntUniform(64, 8),
      "logIntUniform: low must be less than high, got [64, 8]",
    ],
    ["choice empty", () => choice([]), "choice: values must be a non-empty array, got []"],
    ["grid size", () => uniform(0, 1).grid(0), "uniform.grid: n must be a positive integer, got 0"],
    [
      "sample size",
      () => logUniform(1e-3, 1).sample(-1),
      "logUniform.sample: n must be a positive integer, got -1",
    ],
  ];
  for (const [name, f, message] of cases)
    it(name, () => {
      expect(f).toThrow(ValueError);
      expect(f).toThrow(message);
    });

  it("choice values must fit in JSON", () => {
    expect(() => choice([1, () => 2] as never)).toThrow(
      /choice: values must be JSON values .*got a function at index 1/,
    );
    expect(() => choice([Number.NaN])).toThrow(/got NaN at index 0/);
  });

  it("a search space must be an object of spaces or constants", () => {
    expect(() => sampleConfigs({}, 0, 1)).toThrow(
      "sampleConfigs: space must name at least one hyperparameter",
    );
    expect(() => sampleConfigs({ lr: (() => 1) as never }, 0, 1)).toThrow(
      "sampleConfigs: space.lr must be a space (uniform, logUniform, ...) or a JSON constant, got a function",
    );
    expect(() => sampleConfigs({ lr: logUniform(1e-3, 1) }, -1, 1)).toThrow(
      "sampleConfigs: seed must be a non-negative integer below 2^53, got -1",
    );
  });
});

describe("grids", () => {
  it("uniform: evenly spaced, ends included", () => {
    expect(uniform(0, 1).grid(5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(uniform(0, 1).grid(1)).toEqual([0.5]);
  });

  it("logUniform: log-spaced, one point per decade here", () => {
    const g = logUniform(1e-4, 1).grid(5);
    expect(g[0]).toBe(1e-4);
    expect(g[4]).toBe(1);
    for (const [i, v] of [1e-4, 1e-3, 1e-2, 1e-1, 1].entries()) expect(g[i]).toBeCloseTo(v, 15);
  });

  it("oneMinusLogUniform: 0.9, 0.99, 0.999", () => {
    const g = oneMinusLogUniform(0.9, 0.999).grid(3);
    expect(g[0]).toBe(0.9);
    expect(g[1]).toBeCloseTo(0.99, 15);
    expect(g[2]).toBe(0.999);
  });

  it("integer grids are rounded and without repeats", () => {
    expect(intUniform(1, 10).grid(4)).toEqual([1, 4, 7, 10]);
    expect(intUniform(1, 3).grid(10)).toEqual([1, 2, 3]);
    expect(logIntUniform(16, 256).grid(5)).toEqual([16, 32, 64, 128, 256]);
    expect(logIntUniform(1, 4).grid(10)).toEqual([1, 2, 3, 4]);
  });

  it("choice: every value", () => {
    expect(choice(["a", "b", "c"]).grid(2)).toEqual(["a", "b", "c"]);
  });

  it("gridConfigs: every combination, the first axis slowest", () => {
    expect(gridConfigs({ a: [1, 2], b: ["x", "y", "z"] })).toEqual([
      { a: 1, b: "x" },
      { a: 1, b: "y" },
      { a: 1, b: "z" },
      { a: 2, b: "x" },
      { a: 2, b: "y" },
      { a: 2, b: "z" },
    ]);
  });

  it("describes itself as written", () => {
    expect(String(logUniform(1e-4, 1))).toBe("logUniform(0.0001, 1)");
    expect(String(choice(["relu", "tanh"]))).toBe('choice(["relu","tanh"])');
  });
});
