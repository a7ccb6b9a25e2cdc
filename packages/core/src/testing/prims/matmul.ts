import fc from "fast-check";
import type { DType } from "../../dtype.ts";
import { runPrimitive as run } from "../../engine.ts";
import { DTypeError, ShapeError } from "../../errors.ts";
import { expectTensor } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import {
  NUMERIC,
  dtypeTest,
  expectError,
  property,
  randomTensor,
  roundData,
  seedArb,
  tensor,
  test,
} from "../harness.ts";
import { matmulRef } from "../reference.ts";

/** Shapes of a and b for [...batch, m, k] × [...batch, k, n] with the transposes applied. */
function operandShapes(
  batchA: number[],
  batchB: number[],
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
) {
  return {
    a: [...batchA, ...(ta ? [k, m] : [m, k])],
    b: [...batchB, ...(tb ? [n, k] : [k, n])],
  };
}

const FLAGS: readonly (readonly [boolean, boolean])[] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

export function matmulTests(ctx: ConformanceContext): void {
  dtypeTest(ctx, NUMERIC, "hand-worked 2×2 with every transpose flag", (dtype) => {
    const a = tensor([1, 2, 3, 4], [2, 2], dtype);
    const b = tensor([5, 6, 7, 8], [2, 2], dtype);
    expectTensor(run("matmul", [a, b], { transposeA: false, transposeB: false }), {
      dtype,
      shape: [2, 2],
      values: [19, 22, 43, 50],
    });
    expectTensor(run("matmul", [a, b], { transposeA: true, transposeB: false }), {
      values: [26, 30, 38, 44],
    });
    expectTensor(run("matmul", [a, b], { transposeA: false, transposeB: true }), {
      values: [17, 23, 39, 53],
    });
    expectTensor(run("matmul", [a, b], { transposeA: true, transposeB: true }), { values: [23, 31, 34, 46] });
  });

  dtypeTest(ctx, NUMERIC, "rectangular, vector-like and empty shapes", (dtype) => {
    const cases: [number, number, number][] = [
      [1, 1, 1],
      [1, 5, 1],
      [3, 1, 4],
      [2, 3, 4],
      [4, 3, 2],
      [1, 7, 5],
      [6, 2, 1],
      [0, 3, 2],
      [2, 3, 0],
      [2, 0, 3],
    ];
    cases.forEach(([m, k, n], c) => {
      for (const [ta, tb] of FLAGS) {
        const s = operandShapes([], [], m, k, n, ta, tb);
        const a = randomTensor(s.a, dtype, 40 * c + 1, -5, 5);
        const b = randomTensor(s.b, dtype, 40 * c + 2, -5, 5);
        const e = matmulRef(a.ref, b.ref, ta, tb);
        expectTensor(run("matmul", [a.t, b.t], { transposeA: ta, transposeB: tb }), {
          dtype,
          shape: [m, n],
          values: roundData(dtype, e.data),
          tol: dtype === "int32" ? undefined : ctx.tol(dtype),
          scale: e.scale,
        });
      }
    });
  });

  dtypeTest(ctx, NUMERIC, "batch dimensions broadcast", (dtype) => {
    const cases: [number[], number[], number[]][] = [
      [[3], [3], [3]],
      [[2, 1], [5], [2, 5]],
      [[], [4], [4]],
      [[3], [], [3]],
      [
        [1, 3],
        [2, 1],
        [2, 3],
      ],
      [[0], [1], [0]],
      [
        [2, 1, 2, 1],
        [2, 1, 2],
        [2, 2, 2, 2],
      ],
    ];
    cases.forEach(([ba, bb, bo], c) => {
      for (const [ta, tb] of FLAGS) {
        const s = operandShapes(ba, bb, 3, 4, 2, ta, tb);
        const a = randomTensor(s.a, dtype, 60 * c + 1, -5, 5);
        const b = randomTensor(s.b, dtype, 60 * c + 2, -5, 5);
        const e = matmulRef(a.ref, b.ref, ta, tb);
        expectTensor(run("matmul", [a.t, b.t], { transposeA: ta, transposeB: tb }), {
          dtype,
          shape: [...bo, 3, 2],
          values: roundData(dtype, e.data),
          tol: dtype === "int32" ? undefined : ctx.tol(dtype),
          scale: e.scale,
        });
      }
    });
  });

  dtypeTest(
    ctx,
    ["float32", "float64"],
    "sizes past typical block edges (33×65 by 65×17, all flags)",
    (dtype) => {
      for (const [ta, tb] of FLAGS) {
        const s = operandShapes([2], [1], 33, 65, 17, ta, tb);
        const a = randomTensor(s.a, dtype, 7, -1, 1);
        const b = randomTensor(s.b, dtype, 8, -1, 1);
        const e = matmulRef(a.ref, b.ref, ta, tb);
        expectTensor(run("matmul", [a.t, b.t], { transposeA: ta, transposeB: tb }), {
          shape: [2, 33, 17],
          values: roundData(dtype, e.data),
          tol: ctx.tol(dtype),
          scale: e.scale,
        });
      }
    },
  );

  dtypeTest(ctx, ["float32", "float64"], "NaN and Inf propagate through the products", (dtype) => {
    const a = tensor([1, Number.NaN, 0, 1], [2, 2], dtype);
    const b = tensor([1, 0, 0, Number.POSITIVE_INFINITY], [2, 2], dtype);
    // Row 0 meets a NaN; row 1 is [0,1]·[[1,0],[0,Inf]] = [0, Inf].
    expectTensor(run("matmul", [a, b], { transposeA: false, transposeB: false }), {
      values: [Number.NaN, Number.NaN, 0, Number.POSITIVE_INFINITY],
    });
  });

  dtypeTest(ctx, ["int32"], "int32 products and sums wrap around", (dtype) => {
    const a = tensor([65536, 1, 2147483647, 1], [2, 2], dtype);
    const b = tensor([65536, 1, 1, 1], [2, 2], dtype);
    expectTensor(run("matmul", [a, b], { transposeA: false, transposeB: false }), {
      values: [1, 65537, -65535, -2147483648],
    });
  });

  test("errors", () => {
    const a = tensor(new Array(32 * 784).fill(0), [32, 784]);
    const b = tensor(new Array(100 * 10).fill(0), [100, 10]);
    const m23 = tensor(new Array(6).fill(0), [2, 3]);
    const m24 = tensor(new Array(8).fill(0), [2, 4]);
    const ff = { transposeA: false, transposeB: false };
    expectError(
      () => run("matmul", [a, b], ff),
      ShapeError,
      /^matmul: inner dimensions differ: a is \[32,784\], b is \[100,10\]$/,
    );
    expectError(
      () => run("matmul", [m23, m24], { transposeA: true, transposeB: true }),
      ShapeError,
      /^matmul: inner dimensions differ: a is \[2,3\] \(transposed\), b is \[2,4\] \(transposed\)$/,
    );
    expectError(
      () => run("matmul", [tensor([1, 2, 3], [3]), m23], ff),
      ShapeError,
      /^matmul: the primitive needs rank >= 2, got a \[3\] and b \[2,3\]/,
    );
    expectError(
      () =>
        run(
          "matmul",
          [tensor(new Array(12).fill(0), [2, 2, 3]), tensor(new Array(27).fill(0), [3, 3, 3])],
          ff,
        ),
      ShapeError,
      /^matmul \(batch dimensions\): shapes \[2\] and \[3\] cannot be broadcast together/,
    );
    expectError(
      () => run("matmul", [m23, tensor(new Array(6).fill(0), [3, 2], "int32")], ff),
      DTypeError,
      /^matmul: a and b must have the same dtype, got float32 and int32/,
    );
    const bool = tensor([1, 0, 0, 1], [2, 2], "bool");
    expectError(
      () => run("matmul", [bool, bool], ff),
      DTypeError,
      /^matmul: a must be numeric \(float32, float64 or int32\), got bool/,
    );
  });

  const dims = fc.integer({ min: 0, max: 6 });
  const batchDim = fc.integer({ min: 1, max: 3 });
  property(
    ctx,
    "matmul with every transpose flag and broadcast batches equals the reference",
    fc.record({
      m: dims,
      k: dims,
      n: dims,
      ta: fc.boolean(),
      tb: fc.boolean(),
      batch: fc.array(batchDim, { maxLength: 3 }),
      onesA: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      onesB: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      dropA: fc.integer({ min: 0, max: 3 }),
      dropB: fc.integer({ min: 0, max: 3 }),
      seed: seedArb,
      dtype: fc.constantFrom<DType>("float32", "float64", "int32"),
    }),
    ({ m, k, n, ta, tb, batch, onesA, onesB, dropA, dropB, seed, dtype }) => {
      if (!ctx.dtypes().includes(dtype)) return;
      const ba = batch.map((d, i) => (onesA[i] ? 1 : d)).slice(Math.min(dropA, batch.length));
      const bb = batch.map((d, i) => (onesB[i] ? 1 : d)).slice(Math.min(dropB, batch.length));
      const s = operandShapes(ba, bb, m, k, n, ta, tb);
      const a = randomTensor(s.a, dtype, seed, -5, 5);
      const b = randomTensor(s.b, dtype, seed + 1, -5, 5);
      const e = matmulRef(a.ref, b.ref, ta, tb);
      expectTensor(run("matmul", [a.t, b.t], { transposeA: ta, transposeB: tb }), {
        dtype,
        shape: e.shape,
        values: roundData(dtype, e.data),
        tol: dtype === "int32" ? undefined : ctx.tol(dtype),
        scale: e.scale,
      });
    },
  );
}
