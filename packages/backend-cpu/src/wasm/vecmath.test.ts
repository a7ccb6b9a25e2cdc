import { describe, expect, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { erf as erfRef } from "../kernels/erf.ts";
import { runDirect } from "../fast/testing.ts";

const fast = new CpuBackend();

/** Samples across the whole float32 range: a stride through every bit pattern, plus hand-picked values. */
function samples(stride: number): Float32Array {
  const bits = new Uint32Array(Math.ceil(2 ** 32 / stride) + 64);
  let n = 0;
  for (let b = 0; b < 2 ** 32; b += stride) bits[n++] = b >>> 0;
  const special = [
    0,
    -0,
    1,
    -1,
    0.5,
    0.625,
    -0.625,
    0.99999994,
    1.0000001,
    3.92,
    4,
    -4,
    88.72,
    88.73,
    -87.3,
    -103.9,
    -104,
    1e-45,
    -1e-45,
    1.1754942e-38,
    1.1754944e-38,
    3.4028235e38,
    -3.4028235e38,
    Infinity,
    -Infinity,
    Number.NaN,
  ];
  const out = new Float32Array(bits.buffer, 0, n);
  // Dense grids where the functions change most: [−105, 90] and [0, 4].
  const dense = 2 ** 32 / stride;
  const all = new Float32Array(n + special.length + 2 * dense);
  all.set(out);
  all.set(special, n);
  for (let i = 0; i < dense; i++) {
    all[n + special.length + i] = -105 + (195 * i) / dense;
    all[n + special.length + dense + i] = (4 * i) / dense;
  }
  return all;
}

/** Distance in float32 ulps at the reference value (subnormal spacing below the normal range). */
function ulps(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(want)) return got === want ? 0 : Number.POSITIVE_INFINITY;
  // Past the largest float32 the correctly rounded result is ±∞; a finite answer there is measured
  // against 2^128, and ∞ for a reference just below the edge against the reference.
  if (!Number.isFinite(Math.fround(want)))
    return got === Math.fround(want) ? 0 : ulps(got, Math.sign(want) * 2 ** 128);
  if (!Number.isFinite(got)) return Math.abs(Math.sign(got) * 2 ** 128 - want) / 2 ** 104;
  if (got === want) return 0;
  const a = Math.abs(want);
  const ulp = a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
  return Math.abs(got - want) / ulp;
}

const STRIDE = Number(process.env.AXON_ULP_STRIDE) || (process.env.CI ? 40_009 : 10_007);

const CASES: [string, "exp" | "log" | "tanh" | "sigmoid" | "erf", (x: number) => number, number][] = [
  ["exp", "exp", Math.exp, 1.5],
  ["log", "log", Math.log, 1.5],
  ["tanh", "tanh", Math.tanh, 2],
  ["sigmoid", "sigmoid", (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), 3],
  ["erf", "erf", erfRef, 3],
];

describe("vector approximations: documented maximum error over the whole float32 range", () => {
  const xs = samples(STRIDE);
  it.each(CASES)("%s", (_name, prim, ref, maxUlps) => {
    const got = runDirect(
      fast,
      prim,
      [{ values: xs, shape: [xs.length], dtype: "float32" }],
      {},
      {
        shape: [xs.length],
        dtype: "float32",
      },
    );
    let worst = 0;
    let at = 0;
    for (let i = 0; i < xs.length; i++) {
      const want = ref(xs[i]);
      const e = ulps(got[i], want);
      if (e > worst) {
        worst = e;
        at = xs[i];
      }
    }
    if (process.env.AXON_PRINT_ULPS) console.log(`${prim}: worst ${worst.toFixed(3)} ulp at x = ${at}`);
    expect(worst, `${prim}: worst ${worst.toFixed(2)} ulp at x = ${at}`).toBeLessThanOrEqual(maxUlps);
  });

  it("tanh and sigmoid never give NaN for large |x| and saturate exactly", () => {
    const big = [1e4, -1e4, 1e30, -1e30, 3.4028235e38, -3.4028235e38, Infinity, -Infinity, 89, -89, 20, -20];
    const spec = { shape: [big.length], dtype: "float32" as const };
    const x = [{ values: big, shape: [big.length], dtype: "float32" as const }];
    const t = runDirect(fast, "tanh", x, {}, spec);
    const s = runDirect(fast, "sigmoid", x, {}, spec);
    const e = runDirect(fast, "erf", x, {}, spec);
    big.forEach((v, i) => {
      expect(t[i]).toBe(Math.sign(v));
      expect(s[i]).toBe(v > 0 ? 1 : Math.fround(1 / (1 + Math.exp(-v))));
      expect(e[i]).toBe(Math.sign(v));
    });
  });
});
