import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { FAST_RUNS, type Operand, randomArray, runDirect } from "./testing.ts";

const fast = new CpuBackend();
const fastNoFma = new CpuBackend({ relaxedSimd: false });
const ref = new CpuBackend({ simd: false });

interface Case {
  m: number;
  k: number;
  n: number;
  ta: boolean;
  tb: boolean;
  batchA: number[];
  batchB: number[];
  seed: number;
}

function operands(c: Case): { a: Operand; b: Operand; out: { shape: number[]; dtype: "float32" } } {
  const as = [...c.batchA, ...(c.ta ? [c.k, c.m] : [c.m, c.k])];
  const bs = [...c.batchB, ...(c.tb ? [c.n, c.k] : [c.k, c.n])];
  const rank = Math.max(c.batchA.length, c.batchB.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const da = c.batchA[i - (rank - c.batchA.length)] ?? 1;
    const db = c.batchB[i - (rank - c.batchB.length)] ?? 1;
    return da === 1 ? db : da;
  });
  const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
  return {
    a: { values: randomArray(c.seed, size(as)), shape: as, dtype: "float32" },
    b: { values: randomArray(c.seed + 7, size(bs)), shape: bs, dtype: "float32" },
    out: { shape: [...batch, c.m, c.n], dtype: "float32" },
  };
}

/**
 * The WebAssembly GEMM against the JavaScript kernel (float64 accumulation): float32 accumulation
 * over k terms errs by at most about k·2⁻²⁴·Σ|aᵢbᵢ|, so the bound is relative to that sum.
 */
function check(backend: CpuBackend, c: Case): void {
  const { a, b, out } = operands(c);
  const attrs = { transposeA: c.ta, transposeB: c.tb };
  const got = runDirect(backend, "matmul", [a, b], attrs, out);
  const want = runDirect(ref, "matmul", [a, b], attrs, out);
  const absA = { ...a, values: Array.from(a.values, Math.abs) };
  const absB = { ...b, values: Array.from(b.values, Math.abs) };
  const scale = runDirect(ref, "matmul", [absA, absB], attrs, out);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const bound = (c.k + 2) * 2 ** -24 * scale[i] + 1e-30;
    if (!(Math.abs(got[i] - want[i]) <= bound))
      expect.fail(`${JSON.stringify(c)}: element ${i} is ${got[i]}, reference ${want[i]} (bound ${bound})`);
  }
}

const LAYOUTS: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe("WebAssembly matmul (float32)", () => {
  it("reports the SIMD path", () => {
    expect(fast.info()).toMatchObject({ simd: true });
    expect(ref.info()).toMatchObject({ simd: false });
  });

  it.each(LAYOUTS)("awkward sizes and block edges (transposeA %s, transposeB %s)", (ta, tb) => {
    const sizes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 7],
      [7, 3, 5],
      [5, 7, 3],
      [1023, 3, 5],
      [3, 1023, 5],
      [5, 3, 1023],
      [2, 600, 17],
      [130, 9, 33],
      [17, 257, 31],
      [1, 40, 4100],
      [33, 65, 17],
    ];
    sizes.forEach(([m, k, n], i) => {
      for (const backend of [fast, fastNoFma])
        check(backend, { m, k, n, ta, tb, batchA: [], batchB: [], seed: i });
    });
  });

  it("matches the reference on random shapes, layouts and broadcast batches", () => {
    const dim = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 70 }));
    fc.assert(
      fc.property(
        fc.record({
          m: dim,
          k: dim,
          n: dim,
          ta: fc.boolean(),
          tb: fc.boolean(),
          batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
          onesA: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
          onesB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
          dropA: fc.integer({ min: 0, max: 2 }),
          dropB: fc.integer({ min: 0, max: 2 }),
          seed: fc.integer({ min: 0, max: 1 << 30 }),
        }),
        (r) => {
          const batchA = r.batch.map((d, i) => (r.onesA[i] ? 1 : d)).slice(r.dropA);
          const batchB = r.batch.map((d, i) => (r.onesB[i] ? 1 : d)).slice(r.dropB);
          check(fast, { ...r, batchA, batchB });
        },
      ),
      { numRuns: FAST_RUNS },
    );
  });

  it("propagates NaN and Inf like the reference", () => {
    const a: Operand = { values: [1, Number.NaN, 0, 1], shape: [2, 2], dtype: "float32" };
    const b: Operand = { values: [1, 0, 0, Number.POSITIVE_INFINITY], shape: [2, 2], dtype: "float32" };
    const out = { shape: [2, 2], dtype: "float32" as const };
    const attrs = { transposeA: false, transposeB: false };
    expect(runDirect(fast, "matmul", [a, b], attrs, out)).toEqual([Number.NaN, Number.NaN, 0, Infinity]);
  });

  it("gives zeros for k = 0 and nothing for empty outputs", () => {
    const e: Operand = { values: [], shape: [3, 0], dtype: "float32" };
    const f: Operand = { values: [], shape: [0, 2], dtype: "float32" };
    const attrs = { transposeA: false, transposeB: false };
    expect(runDirect(fast, "matmul", [e, f], attrs, { shape: [3, 2], dtype: "float32" })).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    const g: Operand = { values: [], shape: [0, 4], dtype: "float32" };
    const h: Operand = { values: new Float32Array(8), shape: [4, 2], dtype: "float32" };
    expect(runDirect(fast, "matmul", [g, h], attrs, { shape: [0, 2], dtype: "float32" })).toEqual([]);
  });

  it("leaves float64 and int32 to the JavaScript kernel (exact int32 wrap-around)", () => {
    const a: Operand = { values: [65536, 2147483647], shape: [1, 2], dtype: "int32" };
    const b: Operand = { values: [65536, 2], shape: [2, 1], dtype: "int32" };
    const attrs = { transposeA: false, transposeB: false };
    expect(runDirect(fast, "matmul", [a, b], attrs, { shape: [1, 1], dtype: "int32" })).toEqual([-2]);
  });
});
