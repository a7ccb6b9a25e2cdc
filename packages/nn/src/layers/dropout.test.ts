import { grad } from "@axon/autograd";
import { ValueError, ones, setSeed, sum, tensor } from "@axon/core";
import { describe, expect, it } from "vitest";
import { expectGradOk, gradCheckLayer, spread, useCpuBackend, values } from "../test-helpers.ts";
import { Dropout, dropout } from "./dropout.ts";

describe("Dropout", () => {
  useCpuBackend();

  it("zeroes about `rate` of the elements and scales the survivors by 1/(1 − rate)", () => {
    const n = 100_000;
    for (const rate of [0.1, 0.5, 0.8]) {
      const y = values(new Dropout(rate, { seed: 7 }).call(ones([n])));
      const kept = y.filter((v) => v !== 0);
      // Binomial: the kept fraction is within 5 standard deviations of 1 − rate.
      const sd = Math.sqrt((rate * (1 - rate)) / n);
      expect(Math.abs(kept.length / n - (1 - rate))).toBeLessThan(5 * sd);
      expect(kept.every((v) => Math.abs(v - 1 / (1 - rate)) < 1e-5)).toBe(true);
      // The expectation is preserved: the mean of the output is ≈ 1.
      const meanOut = y.reduce((a, b) => a + b, 0) / n;
      expect(Math.abs(meanOut - 1)).toBeLessThan(5 * sd * (1 / (1 - rate)));
    }
  });

  it("is the identity in evaluation mode and with rate 0", () => {
    const x = tensor([1, 2, 3]);
    const d = new Dropout(0.5).eval();
    expect(d.call(x)).toBe(x);
    expect(values(new Dropout(0).call(x))).toEqual([1, 2, 3]);
    expect(values(dropout(x, 0.9, { training: false }))).toEqual([1, 2, 3]);
  });

  it("is reproducible: a seeded layer repeats its masks, setSeed repeats unseeded ones", () => {
    const x = ones([64]);
    const a = new Dropout(0.5, { seed: 3 });
    const b = new Dropout(0.5, { seed: 3 });
    const first = values(a.call(x));
    expect(values(b.call(x))).toEqual(first);
    // Successive calls draw different masks.
    expect(values(a.call(x))).not.toEqual(first);
    setSeed(11);
    const u = values(new Dropout(0.5).call(x));
    setSeed(11);
    expect(values(new Dropout(0.5).call(x))).toEqual(u);
  });

  it("saves a seeded layer's position in its key sequence: a loaded copy draws the next masks", () => {
    const x = ones([64]);
    const a = new Dropout(0.5, { seed: 3 });
    a.call(x);
    a.call(x);
    const saved = a.stateDict();
    expect(Object.keys(saved)).toEqual(["keyPosition"]);
    expect(Array.from(saved.keyPosition.dataSync())).toEqual([2, 0]);
    const third = values(a.call(x));

    const b = new Dropout(0.5, { seed: 3 });
    b.loadStateDict(saved);
    expect(values(b.call(x))).toEqual(third);
    expect(Array.from(b.stateDict().keyPosition.dataSync())).toEqual([3, 0]);
    // An unseeded layer draws from the global stream, which checkpoints save; it has no state.
    expect(Object.keys(new Dropout(0.5).stateDict())).toEqual([]);
  });

  it("passes the gradient through the kept elements only, scaled", () => {
    const x = ones([200]);
    const d = () => dropout(x, 0.25, { seed: 5 });
    const g = values(grad((v: typeof x) => sum(dropout(v, 0.25, { seed: 5 })))(x));
    const y = values(d());
    for (const [i, gi] of g.entries()) expect(gi).toBeCloseTo(y[i], 5);
  });

  it("passes gradCheck in training (a fixed seed) and evaluation mode", () => {
    const x = spread([3, 5]);
    expectGradOk(gradCheckLayer(() => new Dropout(0.4, { seed: 9 }), x, "train"));
    expectGradOk(gradCheckLayer(new Dropout(0.4), x, "eval"));
  });

  it("refuses rates outside [0, 1)", () => {
    expect(() => new Dropout(1)).toThrow(
      new ValueError("Dropout: rate must be a number in [0, 1), got number 1"),
    );
    expect(() => dropout(ones([2]), -0.1)).toThrow("dropout: rate must be a number in [0, 1)");
  });
});
