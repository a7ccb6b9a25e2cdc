import { describe, expect, it } from "vitest";
import { DTypeError, ValueError } from "../../errors.ts";
import * as ax from "../../ops/index.ts";
import { keyFromSeed, splitKey } from "../../random/key.ts";
import { philoxUniform } from "../../random/philox.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import { expectError, hasFloat64 } from "./helpers.ts";

const N = 100_000;

function stats(values: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  const mean = s / values.length;
  let v = 0;
  for (let i = 0; i < values.length; i++) v += (values[i] - mean) ** 2;
  return { mean, variance: v / values.length };
}

function extent(values: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return [lo, hi];
}

/** Variance of the standard normal truncated to ±2: 1 − 4φ(2)/(Φ(2) − Φ(−2)). */
const TRUNC_VAR = 1 - (4 * Math.exp(-2)) / Math.sqrt(2 * Math.PI) / 0.9544997361036416;

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => expect(Array.from(a)).toEqual(Array.from(b));

export function randomTests(ctx: ConformanceContext): void {
  describe("random", () => {
    it("randomUniform is the Philox stream of the seed's key (same numbers on every backend)", () => {
      const expected = new Float64Array(10);
      philoxUniform(keyFromSeed(42), 10, expected);
      const u = ax.randomUniform([2, 5], { seed: 42 });
      expect(u.shape).toEqual([2, 5]);
      expect(u.dtype).toBe("float32");
      same(u.dataSync(), Float32Array.from(expected));
      same(ax.randomUniform([10], { key: keyFromSeed(42) }).dataSync(), u.dataSync());
      if (hasFloat64(ctx)) same(ax.randomUniform([10], { seed: 42, dtype: "float64" }).dataSync(), expected);
    });

    it("same seed, same numbers; different seeds or keys, different numbers", () => {
      for (const draw of [
        (seed: number) => ax.randomUniform([64], { seed }),
        (seed: number) => ax.randomNormal([64], { seed }),
        (seed: number) => ax.truncatedNormal([64], { seed }),
        (seed: number) => ax.bernoulli([64], 0.5, { seed }),
        (seed: number) => ax.randomPermutation(64, { seed }),
      ]) {
        same(draw(7).dataSync(), draw(7).dataSync());
        expect(Array.from(draw(7).dataSync())).not.toEqual(Array.from(draw(8).dataSync()));
      }
      const [k1, k2] = splitKey(keyFromSeed(3));
      expect(Array.from(ax.randomNormal([8], { key: k1 }).dataSync())).not.toEqual(
        Array.from(ax.randomNormal([8], { key: k2 }).dataSync()),
      );
    });

    it("randomUniform: range, mean and variance of 100k draws", () => {
      const u = ax.randomUniform([N], { seed: 1, minval: -2, maxval: 3 }).dataSync();
      const [lo, hi] = extent(u);
      expect(lo).toBeGreaterThanOrEqual(-2);
      expect(hi).toBeLessThanOrEqual(3);
      const { mean, variance } = stats(u);
      // Standard errors: √(25/12/N) ≈ 0.0046 for the mean, √((625/80 − (25/12)²)/N) ≈ 0.0059 for the variance.
      expect(Math.abs(mean - 0.5)).toBeLessThan(5 * 0.0046);
      expect(Math.abs(variance - 25 / 12)).toBeLessThan(5 * 0.006);
    });

    it("randomUniform with dtype int32 draws every integer of [minval, maxval)", () => {
      const r = ax.randomUniform([2000], { seed: 5, minval: -3, maxval: 4, dtype: "int32" });
      expect(r.dtype).toBe("int32");
      const seen = new Set(r.dataSync());
      expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    });

    for (const dtype of ["float32", "float64"] as const) {
      it(`randomNormal: mean and variance of 100k draws (${dtype})`, () => {
        if (dtype === "float64" && !hasFloat64(ctx)) return;
        const z = ax.randomNormal([N], { seed: 2, mean: 3, stddev: 2, dtype });
        expect(z.dtype).toBe(dtype);
        const values = z.dataSync();
        expect(values.every((v) => Number.isFinite(v))).toBe(true);
        const { mean, variance } = stats(values);
        // Standard errors: 2/√N ≈ 0.0063 for the mean, 4·√(2/N) ≈ 0.018 for the variance.
        expect(Math.abs(mean - 3)).toBeLessThan(5 * 0.0063);
        expect(Math.abs(variance - 4)).toBeLessThan(5 * 0.018);
      });
    }

    it("randomNormal in float32 and float64 agree (same uniforms)", () => {
      if (!hasFloat64(ctx)) return;
      const a = ax.randomNormal([100], { seed: 9 });
      const b = ax.randomNormal([100], { seed: 9, dtype: "float64" });
      expectAllClose(a, Array.from(b.dataSync()), { atol: 1e-5, rtol: 1e-5 });
    });

    it("truncatedNormal: within ±2σ, not rescaled, mean and variance of 100k draws", () => {
      const values = ax.truncatedNormal([N], { seed: 3, mean: 1, stddev: 0.5 }).dataSync();
      const [lo, hi] = extent(values);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(2);
      const { mean, variance } = stats(values);
      // Standard errors: 0.5·√(0.774/N) ≈ 0.0014 for the mean; 0.25·√(0.818/N) ≈ 0.0007 for the variance.
      expect(Math.abs(mean - 1)).toBeLessThan(5 * 0.0014);
      expect(Math.abs(variance - 0.25 * TRUNC_VAR)).toBeLessThan(5 * 0.0008);
    });

    it("bernoulli: a bool mask at rate p, or per-element probabilities", () => {
      const b = ax.bernoulli([N], 0.3, { seed: 4 });
      expect(b.dtype).toBe("bool");
      const rate = Array.from(b.dataSync()).reduce((s, v) => s + v, 0) / N;
      // Standard error √(0.21/N) ≈ 0.0014.
      expect(Math.abs(rate - 0.3)).toBeLessThan(5 * 0.0015);
      const f = ax.bernoulli([4], 1, { seed: 4, dtype: "float32" });
      expect(f.dtype).toBe("float32");
      expectAllClose(f, [1, 1, 1, 1]);
      expect(ax.bernoulli([3], 0, { seed: 1 }).array()).toEqual([false, false, false]);
      const p = ax.bernoulli(ax.tensor([0, 1, 0, 1]), { seed: 8 });
      expect(p.array()).toEqual([false, true, false, true]);
      expect(ax.bernoulli([2, 3], undefined, { seed: 1 }).shape).toEqual([2, 3]);
    });

    it("randomPermutation is a permutation of 0..n-1", () => {
      for (const n of [0, 1, 2, 10, 1000]) {
        const p = ax.randomPermutation(n, { seed: n + 1 });
        expect(p.dtype).toBe("int32");
        expect(p.shape).toEqual([n]);
        expect(Array.from(p.dataSync()).sort((a, b) => a - b)).toEqual(
          Array.from({ length: n }, (_, i) => i),
        );
      }
      // Each value lands in each position about equally often.
      const counts = new Array(4).fill(0);
      for (let s = 0; s < 400; s++) counts[ax.randomPermutation(4, { seed: s }).dataSync()[0]]++;
      for (const c of counts) expect(Math.abs(c - 100)).toBeLessThan(40);
    });

    it("refuses bad arguments, naming them", () => {
      expectError(() => ax.randomNormal([2], { dtype: "int32" }), DTypeError, "randomNormal", [
        "dtype",
        "float32 or float64",
        "int32",
      ]);
      expectError(() => ax.randomUniform([2], { minval: 1, maxval: 1 }), ValueError, "randomUniform", [
        "maxval",
        "greater",
        "1",
      ]);
      expectError(() => ax.randomUniform([2], { seed: -1 }), ValueError, "randomUniform", ["seed", "-1"]);
      expectError(() => ax.truncatedNormal([2], { stddev: -1 }), ValueError, "truncatedNormal", [
        "stddev",
        ">= 0",
        "-1",
      ]);
      expectError(() => ax.bernoulli([2], 1.5), ValueError, "bernoulli", ["p", "[0, 1]", "1.5"]);
      expectError(() => ax.randomPermutation(2.5), ValueError, "randomPermutation", [
        "n",
        "non-negative integer",
        "2.5",
      ]);
      expectError(() => ax.randomNormal([2, -3]), ValueError, "randomNormal", ["shape", "[2,-3]"]);
    });
  });
}
