import { type DType, broadcastShapes, sizeOf } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NUM_RUNS,
  expectClose,
  randomValues,
  ravel,
  run,
  seedArb,
  tensor,
  unravel,
  useCpuBackend,
  values,
} from "../testUtil.ts";

useCpuBackend();

/** Nested-loop reference in float64 (int32 products and sums wrapped with Math.imul and |0). */
function matmulRef(
  a: number[],
  as: number[],
  b: number[],
  bs: number[],
  ta: boolean,
  tb: boolean,
  int: boolean,
): { shape: number[]; data: number[] } {
  const ra = as.length;
  const rb = bs.length;
  const m = ta ? as[ra - 1] : as[ra - 2];
  const k = ta ? as[ra - 2] : as[ra - 1];
  const n = tb ? bs[rb - 2] : bs[rb - 1];
  const aBatch = as.slice(0, -2);
  const bBatch = bs.slice(0, -2);
  const batch = broadcastShapes("ref", aBatch, bBatch);
  const shape = [...batch, m, n];
  const data = Array.from({ length: sizeOf(shape) }, (_, flat) => {
    const idx = unravel(flat, shape);
    const bi = idx.slice(0, -2);
    const [i, j] = idx.slice(-2);
    const pick = (bshape: number[]) =>
      bshape.map((d, q) => (d === 1 ? 0 : bi[bi.length - bshape.length + q]));
    const ab = pick(aBatch);
    const bb = pick(bBatch);
    let s = 0;
    for (let p = 0; p < k; p++) {
      const x = a[ravel([...ab, ...(ta ? [p, i] : [i, p])], as)];
      const y = b[ravel([...bb, ...(tb ? [j, p] : [p, j])], bs)];
      s = int ? (s + Math.imul(x, y)) | 0 : s + x * y;
    }
    return s;
  });
  return { shape, data };
}

const caseArb = fc.record({
  batchA: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
  batchB: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }),
  m: fc.integer({ min: 0, max: 6 }),
  k: fc.integer({ min: 0, max: 6 }),
  n: fc.integer({ min: 0, max: 6 }),
  ta: fc.boolean(),
  tb: fc.boolean(),
  ones: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
  seed: seedArb,
});

describe("matmul", () => {
  it("matches a nested-loop reference for every transpose and broadcast batch", () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom<DType>("float64", "float32", "int32"), (c, dtype) => {
        // Make the batch shapes broadcastable: copy B's dims onto A's where they align, or set one to 1.
        const bb = c.batchB;
        const ab = c.batchA.map((d, i) => {
          const j = bb.length - c.batchA.length + i;
          if (j < 0) return d;
          return c.ones[i] ? 1 : bb[j] === 1 ? d : bb[j];
        });
        const as = [...ab, ...(c.ta ? [c.k, c.m] : [c.m, c.k])];
        const bs = [...bb, ...(c.tb ? [c.n, c.k] : [c.k, c.n])];
        const int = dtype === "int32";
        const round = dtype === "float32" ? Math.fround : (v: number) => v;
        const a = randomValues(c.seed, sizeOf(as), int).map(round);
        const b = randomValues(c.seed + 1, sizeOf(bs), int).map(round);
        const y = run("matmul", [tensor(a, as, dtype), tensor(b, bs, dtype)], {
          transposeA: c.ta,
          transposeB: c.tb,
        });
        const ref = matmulRef(a, as, b, bs, c.ta, c.tb, int);
        expect(y.shape).toEqual(ref.shape);
        expectClose(values(y), ref.data.map(round), int ? 0 : 1e-12, dtype === "float32" ? 1e-7 : 1e-13);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("broadcasts [2,1,3,4] × [5,4,6] to [2,5,3,6]", () => {
    const as = [2, 1, 3, 4];
    const bs = [5, 4, 6];
    const a = randomValues(1, sizeOf(as));
    const b = randomValues(2, sizeOf(bs));
    const y = run("matmul", [tensor(a, as), tensor(b, bs)], { transposeA: false, transposeB: false });
    expect(y.shape).toEqual([2, 5, 3, 6]);
    expectClose(values(y), matmulRef(a, as, b, bs, false, false, false).data, 1e-13, 1e-13);
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])("crosses the cache-block boundaries (transposeA %s, transposeB %s)", (ta, tb) => {
    const [m, k, n] = [5, 300, 530];
    const as = ta ? [k, m] : [m, k];
    const bs = tb ? [n, k] : [k, n];
    const a = randomValues(3, m * k);
    const b = randomValues(4, k * n);
    const y = run("matmul", [tensor(a, as), tensor(b, bs)], { transposeA: ta, transposeB: tb });
    expectClose(values(y), matmulRef(a, as, b, bs, ta, tb, false).data, 1e-11, 1e-12);
  });

  it("accumulates float32 in doubles and rounds once", () => {
    const y = run(
      "matmul",
      [tensor([1e8, 1, -1e8], [1, 3], "float32"), tensor([1, 1, 1], [3, 1], "float32")],
      {
        transposeA: false,
        transposeB: false,
      },
    );
    expect(values(y)).toEqual([1]);
  });

  it("wraps int32 products and sums", () => {
    const y = run(
      "matmul",
      [tensor([65536, 2147483647], [1, 2], "int32"), tensor([65536, 2], [2, 1], "int32")],
      {
        transposeA: false,
        transposeB: false,
      },
    );
    expect(values(y)).toEqual([-2]);
  });

  it("gives zeros for an empty inner dimension and empty outputs for m = 0", () => {
    const z = run("matmul", [tensor([], [2, 0]), tensor([], [0, 3])], {
      transposeA: false,
      transposeB: false,
    });
    expect(values(z)).toEqual([0, 0, 0, 0, 0, 0]);
    const e = run("matmul", [tensor([], [0, 2]), tensor([1, 2], [2, 1])], {
      transposeA: false,
      transposeB: false,
    });
    expect(e.shape).toEqual([0, 1]);
  });
});
