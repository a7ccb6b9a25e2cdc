import fc from "fast-check";
import { describe, expect } from "vitest";
import { runPrimitive as run } from "../../engine.ts";
import { DTypeError, ShapeError, ValueError } from "../../errors.ts";
import { expectTensor } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import {
  ALL,
  dtypeTest,
  expectError,
  property,
  randomTensor,
  roundData,
  seedArb,
  shapeArb,
  tensor,
  test,
  values,
} from "../harness.ts";
import { dot, gatherRef, randomValues, scatterAddRef, size } from "../reference.ts";

/** [x shape, axis, indices shape]: scalar indices drop the axis, rank-2 indices add one. */
const GATHER_CASES: readonly (readonly [number[], number, number[]])[] = [
  [[5], 0, [3]],
  [[5], 0, []],
  [[5], 0, [0]],
  [[4, 3], 0, [2]],
  [[4, 3], 1, [2, 2]],
  [[2, 3, 4], 1, [5]],
  [[2, 3, 4], 2, []],
  [[0, 3], 1, [2]],
  [[2, 0], 1, [0]],
  [[1, 2, 3, 1, 2, 2], 2, [2, 1]],
];

export function gatherTests(ctx: ConformanceContext): void {
  describe("gather", () => {
    dtypeTest(ctx, ALL, "every axis, index ranks 0 to 2, repeated indices", (dtype) => {
      GATHER_CASES.forEach(([shape, axis, ishape], k) => {
        const { t, ref } = randomTensor(shape, dtype, k + 1, -9, 9);
        const idx = { shape: ishape, data: randomValues(size(ishape), k + 50, 0, shape[axis], true) };
        const e = gatherRef(ref, idx, axis);
        expectTensor(run("gather", [t, tensor(idx.data, ishape, "int32")], { axis }), {
          dtype,
          shape: e.shape,
          values: e.data,
        });
      });
    });

    test("hand-worked", () => {
      const x = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
      expectTensor(run("gather", [x, tensor([2, 0, 2], [3], "int32")], { axis: 0 }), {
        shape: [3, 2],
        values: [5, 6, 1, 2, 5, 6],
      });
      expectTensor(run("gather", [x, tensor([1], [], "int32")], { axis: 1 }), {
        shape: [3],
        values: [2, 4, 6],
      });
      expectTensor(run("gather", [x, tensor([1, 0, 0, 1], [2, 2], "int32")], { axis: 1 }), {
        shape: [3, 2, 2],
        values: [2, 1, 1, 2, 4, 3, 3, 4, 6, 5, 5, 6],
      });
    });

    test("an out-of-range index throws a ValueError naming gather and the index", () => {
      const x = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
      expectError(
        () => run("gather", [x, tensor([0, 3], [2], "int32")], { axis: 0 }),
        ValueError,
        /^gather:.*\b3\b/,
      );
      expectError(
        () => run("gather", [x, tensor([-1], [1], "int32")], { axis: 0 }),
        ValueError,
        /^gather:.*-1\b/,
      );
      expectError(
        () => run("gather", [x, tensor([2], [1], "int32")], { axis: 1 }),
        ValueError,
        /^gather:.*\b2\b/,
      );
      expectError(
        () => run("gather", [tensor([], [2, 0]), tensor([0], [1], "int32")], { axis: 1 }),
        ValueError,
        /^gather:.*\b0\b/,
      );
    });

    test("shape and dtype errors", () => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      expectError(
        () => run("gather", [x, tensor([0], [1], "float32")], { axis: 0 }),
        DTypeError,
        /^gather: indices must have dtype int32, got float32/,
      );
      expectError(
        () => run("gather", [x, tensor([0], [1], "int32")], { axis: 2 }),
        ShapeError,
        /^gather: axis 2 is out of range for x of shape \[2,3\]/,
      );
      expectError(
        () => run("gather", [tensor([1], []), tensor([0], [1], "int32")], { axis: 0 }),
        ShapeError,
        /^gather: axis 0 is out of range for x of shape \[\]/,
      );
    });

    property(
      ctx,
      "gather equals the reference",
      fc.record({
        shape: shapeArb(1, 4, 1, 4),
        ishape: shapeArb(0, 2, 0, 3),
        axisPick: fc.nat(),
        seed: seedArb,
      }),
      ({ shape, ishape, axisPick, seed }) => {
        const axis = axisPick % shape.length;
        const { t, ref } = randomTensor(shape, "float32", seed, -9, 9);
        const idx = { shape: ishape, data: randomValues(size(ishape), seed + 1, 0, shape[axis], true) };
        const e = gatherRef(ref, idx, axis);
        expectTensor(run("gather", [t, tensor(idx.data, ishape, "int32")], { axis }), {
          shape: e.shape,
          values: e.data,
        });
      },
    );
  });

  describe("scatterAdd", () => {
    dtypeTest(ctx, ["float32", "float64", "int32"], "repeated indices accumulate (hand-worked)", (dtype) => {
      const updates = tensor([1, 2, 3, 4], [4], dtype);
      expectTensor(run("scatterAdd", [updates, tensor([0, 2, 0, 0], [4], "int32")], { axis: 0, size: 3 }), {
        dtype,
        shape: [3],
        values: [8, 0, 2],
      });
      const u2 = tensor([1, 2, 3, 4, 5, 6], [2, 3], dtype);
      expectTensor(run("scatterAdd", [u2, tensor([1, 1, 0], [3], "int32")], { axis: 1, size: 2 }), {
        shape: [2, 2],
        values: [3, 3, 6, 9],
      });
      expectTensor(
        run("scatterAdd", [tensor([7], [], dtype), tensor([1], [], "int32")], { axis: 0, size: 3 }),
        { shape: [3], values: [0, 7, 0] },
      );
    });

    dtypeTest(ctx, ["float32", "float64", "int32"], "is the transpose of gather on every case", (dtype) => {
      GATHER_CASES.forEach(([shape, axis, ishape], k) => {
        const idx = { shape: ishape, data: randomValues(size(ishape), k + 70, 0, shape[axis], true) };
        const outShape = [...shape.slice(0, axis), ...ishape, ...shape.slice(axis + 1)];
        const { t, ref } = randomTensor(outShape, dtype, k + 90, -9, 9);
        const e = scatterAddRef(ref, idx, axis, shape[axis]);
        expectTensor(run("scatterAdd", [t, tensor(idx.data, ishape, "int32")], { axis, size: shape[axis] }), {
          dtype,
          shape,
          values: roundData(dtype, e.data),
          tol: dtype === "int32" ? undefined : ctx.tol(dtype),
        });
      });
    });

    test("size 0 and empty updates", () => {
      expectTensor(run("scatterAdd", [tensor([], [0]), tensor([], [0], "int32")], { axis: 0, size: 0 }), {
        shape: [0],
        values: [],
      });
      expectTensor(run("scatterAdd", [tensor([], [2, 0]), tensor([], [0], "int32")], { axis: 1, size: 3 }), {
        shape: [2, 3],
        values: [0, 0, 0, 0, 0, 0],
      });
    });

    test("an out-of-range index throws a ValueError naming scatterAdd and the index", () => {
      const u = tensor([1, 2, 3], [3]);
      expectError(
        () => run("scatterAdd", [u, tensor([0, 5, 1], [3], "int32")], { axis: 0, size: 3 }),
        ValueError,
        /^scatterAdd:.*\b5\b/,
      );
      expectError(
        () => run("scatterAdd", [u, tensor([0, -2, 1], [3], "int32")], { axis: 0, size: 3 }),
        ValueError,
        /^scatterAdd:.*-2\b/,
      );
      expectError(
        () => run("scatterAdd", [u, tensor([0, 3, 1], [3], "int32")], { axis: 0, size: 3 }),
        ValueError,
        /^scatterAdd:.*\b3\b/,
      );
    });

    test("shape and dtype errors", () => {
      const u = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const i2 = tensor([0, 1], [2], "int32");
      expectError(
        () => run("scatterAdd", [u, tensor([0, 1], [2], "float32")], { axis: 0, size: 2 }),
        DTypeError,
        /^scatterAdd: indices must have dtype int32, got float32/,
      );
      expectError(
        () => run("scatterAdd", [tensor([true, false], [2], "bool"), i2], { axis: 0, size: 2 }),
        DTypeError,
        /^scatterAdd: updates must have dtype float32 or float64 or int32, got bool/,
      );
      expectError(
        () => run("scatterAdd", [u, i2], { axis: 1, size: 2 }),
        ShapeError,
        /^scatterAdd: updates of shape \[2,3\] must hold indices' shape \[2\] at axis 1/,
      );
      expectError(
        () => run("scatterAdd", [u, i2], { axis: 2, size: 2 }),
        ShapeError,
        /^scatterAdd: updates of shape \[2,3\] must hold indices' shape \[2\] at axis 2/,
      );
      expectError(
        () => run("scatterAdd", [u, i2], { axis: 0, size: -1 }),
        ValueError,
        /^scatterAdd: size must be a non-negative integer, got -1/,
      );
    });

    property(
      ctx,
      "scatterAdd is the adjoint of gather: <gather(x, i), u> = <x, scatterAdd(u, i)> (float64 when listed)",
      fc.record({
        shape: shapeArb(1, 4, 1, 4),
        ishape: shapeArb(0, 2, 0, 4),
        axisPick: fc.nat(),
        seed: seedArb,
      }),
      ({ shape, ishape, axisPick, seed }) => {
        const dtype = ctx.dtypes().includes("float64") ? "float64" : "float32";
        const axis = axisPick % shape.length;
        const x = randomTensor(shape, dtype, seed, -1, 1);
        const idx = tensor(randomValues(size(ishape), seed + 1, 0, shape[axis], true), ishape, "int32");
        const g = run("gather", [x.t, idx], { axis });
        const u = randomTensor(g.shape, dtype, seed + 2, -1, 1);
        const s = run("scatterAdd", [u.t, idx], { axis, size: shape[axis] });
        expect(s.shape).toEqual(shape);
        const lhs = dot(values(g), u.ref.data);
        const rhs = dot(x.ref.data, values(s));
        const tol = dtype === "float64" ? 1e-10 : 1e-4;
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(tol * (1 + Math.abs(lhs)));
      },
    );
  });
}
