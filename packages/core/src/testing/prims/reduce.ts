import fc from "fast-check";
import { describe } from "vitest";
import type { DType } from "../../dtype.ts";
import { runPrimitive as run } from "../../engine.ts";
import { DTypeError, ShapeError } from "../../errors.ts";
import type { ArgReducePrim, ReducePrim } from "../../primitives/index.ts";
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
  shapeArb,
  tensor,
  values,
} from "../harness.ts";
import { argReduceRef, randomValues, reduceRef, size } from "../reference.ts";

const { NaN: NAN, POSITIVE_INFINITY: INF, NEGATIVE_INFINITY: NINF } = Number;

const REDUCE: readonly ReducePrim[] = ["sum", "max", "min"];
const ARG: readonly ArgReducePrim[] = ["argmax", "argmin"];

/** [shape, axes] from scalars to rank 6: no axes, one, several non-adjacent, all. */
const AXES_CASES: readonly (readonly [number[], number[]])[] = [
  [[], []],
  [[5], [0]],
  [[5], []],
  [[1], [0]],
  [[2, 3], [0]],
  [[2, 3], [1]],
  [
    [2, 3],
    [0, 1],
  ],
  [[2, 3, 4], [1]],
  [
    [2, 3, 4],
    [0, 2],
  ],
  [[4, 1, 3], [1]],
  [[0, 3], [1]],
  [
    [2, 1, 2, 3, 1, 2],
    [0, 2, 5],
  ],
  [
    [2, 1, 2, 3, 1, 2],
    [0, 1, 2, 3, 4, 5],
  ],
  [
    [3, 2, 2, 1, 2, 2],
    [1, 3, 4],
  ],
];

export function reduceTests(ctx: ConformanceContext): void {
  describe("sum, max, min", () => {
    for (const prim of REDUCE) {
      dtypeTest(ctx, NUMERIC, `${prim}: axes from none to all, ranks 0 to 6`, (dtype) => {
        AXES_CASES.forEach(([shape, axes], k) => {
          const { t, ref } = randomTensor(shape, dtype, 13 * k + 1, -10, 10);
          const r = reduceRef(ref, axes, prim);
          const exact = dtype === "int32" || prim !== "sum";
          expectTensor(run(prim, [t], { axes }), {
            dtype,
            shape: r.shape,
            values: roundData(dtype, r.data),
            tol: exact ? undefined : ctx.tol(dtype),
          });
        });
      });
    }

    dtypeTest(ctx, NUMERIC, "hand-worked sums, maxima and minima", (dtype) => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], dtype);
      expectTensor(run("sum", [x], { axes: [0] }), { shape: [3], values: [5, 7, 9] });
      expectTensor(run("sum", [x], { axes: [1] }), { shape: [2], values: [6, 15] });
      expectTensor(run("sum", [x], { axes: [0, 1] }), { shape: [], values: [21] });
      expectTensor(run("max", [x], { axes: [1] }), { shape: [2], values: [3, 6] });
      expectTensor(run("min", [x], { axes: [0] }), { shape: [3], values: [1, 2, 3] });
      expectTensor(run("max", [tensor([-7], [], dtype)], { axes: [] }), { shape: [], values: [-7] });
    });

    dtypeTest(ctx, NUMERIC, "sum over an empty axis is 0", (dtype) => {
      expectTensor(run("sum", [tensor([], [2, 0, 3], dtype)], { axes: [1] }), {
        dtype,
        shape: [2, 3],
        values: [0, 0, 0, 0, 0, 0],
      });
      expectTensor(run("sum", [tensor([], [0], dtype)], { axes: [0] }), { dtype, shape: [], values: [0] });
      expectTensor(run("sum", [tensor([], [0, 4], dtype)], { axes: [0, 1] }), { shape: [], values: [0] });
      expectTensor(run("sum", [tensor([], [4, 0], dtype)], { axes: [0] }), { shape: [0], values: [] });
    });

    dtypeTest(ctx, ["float32", "float64"], "max and min propagate NaN wherever it sits", (dtype) => {
      const x = tensor([NAN, 1, 2, 1, NAN, 2, 1, 2, NAN, 1, 2, 3], [4, 3], dtype);
      expectTensor(run("max", [x], { axes: [1] }), { values: [NAN, NAN, NAN, 3] });
      expectTensor(run("min", [x], { axes: [1] }), { values: [NAN, NAN, NAN, 1] });
      expectTensor(run("max", [x], { axes: [0] }), { values: [NAN, NAN, NAN] });
      expectTensor(run("sum", [x], { axes: [1] }), { values: [NAN, NAN, NAN, 6] });
    });

    dtypeTest(ctx, ["float32", "float64"], "infinities", (dtype) => {
      const x = tensor([NINF, NINF, INF, 1, INF, NINF], [3, 2], dtype);
      expectTensor(run("max", [x], { axes: [1] }), { values: [NINF, INF, INF] });
      expectTensor(run("min", [x], { axes: [1] }), { values: [NINF, 1, NINF] });
      expectTensor(run("sum", [x], { axes: [1] }), { values: [NINF, INF, NAN] });
    });

    dtypeTest(ctx, ["int32"], "int32 sums wrap around and extremes are exact", (dtype) => {
      const x = tensor([2147483647, 1, -2147483648, -1, 2147483647, -2147483648], [3, 2], dtype);
      expectTensor(run("sum", [x], { axes: [1] }), { values: [-2147483648, 2147483647, -1] });
      expectTensor(run("max", [x], { axes: [0] }), { values: [2147483647, 1] });
      expectTensor(run("min", [x], { axes: [0] }), { values: [-2147483648, -2147483648] });
    });

    dtypeTest(ctx, ["float32"], "float32 sums of many terms stay within tolerance", (dtype) => {
      const { t, ref } = randomTensor([3, 1000], dtype, 99, 0, 1);
      const r = reduceRef(ref, [1], "sum");
      expectTensor(run("sum", [t], { axes: [1] }), { values: r.data, tol: { atol: 1e-3, rtol: 1e-5 } });
    });

    dtypeTest(ctx, ["bool"], "refuses bool", (dtype) => {
      const x = tensor([true], [1], dtype);
      expectError(
        () => run("sum", [x], { axes: [0] }),
        DTypeError,
        /^sum: x must have dtype float32 or float64 or int32, got bool/,
      );
      expectError(
        () => run("max", [x], { axes: [0] }),
        DTypeError,
        /^max: x must be numeric \(float32, float64 or int32\), got bool/,
      );
      expectError(
        () => run("min", [x], { axes: [0] }),
        DTypeError,
        /^min: x must be numeric \(float32, float64 or int32\), got bool/,
      );
    });

    dtypeTest(ctx, ["float32"], "refuses bad axes and empty max/min", (dtype) => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], dtype);
      for (const prim of REDUCE) {
        expectError(
          () => run(prim, [x], { axes: [1, 0] }),
          ShapeError,
          new RegExp(`^${prim}: axes must be sorted, distinct and in \\[0, 2\\), got \\[1,0\\]`),
        );
        expectError(
          () => run(prim, [x], { axes: [2] }),
          ShapeError,
          new RegExp(`^${prim}: axes must be sorted, distinct and in \\[0, 2\\), got \\[2\\]`),
        );
        expectError(
          () => run(prim, [x], { axes: [0, 0] }),
          ShapeError,
          new RegExp(`^${prim}: axes must be sorted`),
        );
        expectError(
          () => run(prim, [x], { axes: [-1] }),
          ShapeError,
          new RegExp(`^${prim}: axes must be sorted`),
        );
      }
      const empty = tensor([], [2, 0, 3], dtype);
      expectError(
        () => run("max", [empty], { axes: [1] }),
        ShapeError,
        /^max: cannot reduce over axis 1 of size 0 in shape \[2,0,3\]/,
      );
      expectError(
        () => run("min", [empty], { axes: [0, 1] }),
        ShapeError,
        /^min: cannot reduce over axis 1 of size 0 in shape \[2,0,3\]/,
      );
      expectTensor(run("max", [empty], { axes: [2] }), { shape: [2, 0], values: [] });
    });

    property(
      ctx,
      "a sum over all axes equals sums over each axis in turn (int32, exact)",
      fc.record({ shape: shapeArb(0, 5, 0, 4), seed: seedArb }),
      ({ shape, seed }) => {
        const { t } = randomTensor(shape, "int32", seed, -50, 50);
        const all = run("sum", [t], { axes: shape.map((_, i) => i) });
        let step = t;
        for (let i = shape.length - 1; i >= 0; i--) step = run("sum", [step], { axes: [i] });
        let front = t;
        for (let i = 0; i < shape.length; i++) front = run("sum", [front], { axes: [0] });
        expectTensor(step, { shape: [], values: values(all) });
        expectTensor(front, { shape: [], values: values(all) });
      },
    );

    property(
      ctx,
      "sum, max and min over random axes equal the reference",
      fc.record({
        shape: shapeArb(0, 5, 0, 4),
        pick: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        seed: seedArb,
        dtype: fc.constantFrom<DType>("float32", "int32"),
        prim: fc.constantFrom(...REDUCE),
      }),
      ({ shape, pick, seed, dtype, prim }) => {
        const axes = shape.map((_, i) => i).filter((i) => pick[i] && (prim === "sum" || shape[i] > 0));
        const { t, ref } = randomTensor(shape, dtype, seed, -10, 10);
        const r = reduceRef(ref, axes, prim);
        expectTensor(run(prim, [t], { axes }), {
          dtype,
          shape: r.shape,
          values: roundData(dtype, r.data),
          tol: dtype === "float32" && prim === "sum" ? ctx.tol(dtype) : undefined,
        });
      },
    );
  });

  describe("argmax, argmin", () => {
    dtypeTest(ctx, NUMERIC, "hand-worked: the first extreme wins ties", (dtype) => {
      const x = tensor([1, 3, 3, 2, 5, 5, 5, 5, 0, -1, 0, -1], [3, 4], dtype);
      expectTensor(run("argmax", [x], { axis: 1 }), { dtype: "int32", shape: [3], values: [1, 0, 0] });
      expectTensor(run("argmin", [x], { axis: 1 }), { dtype: "int32", shape: [3], values: [0, 0, 1] });
      expectTensor(run("argmax", [x], { axis: 0 }), { dtype: "int32", shape: [4], values: [1, 1, 1, 1] });
      expectTensor(run("argmin", [x], { axis: 0 }), { dtype: "int32", shape: [4], values: [2, 2, 2, 2] });
      expectTensor(run("argmax", [tensor([4, 9, 9], [3], dtype)], { axis: 0 }), {
        dtype: "int32",
        shape: [],
        values: [1],
      });
      expectTensor(run("argmin", [tensor([7], [1], dtype)], { axis: 0 }), {
        dtype: "int32",
        shape: [],
        values: [0],
      });
    });

    dtypeTest(ctx, ["float32", "float64"], "a NaN is the extreme; the first NaN wins", (dtype) => {
      const x = tensor([1, NAN, 5, NAN, 9, 2, 1, NAN, NAN, 0, 0, 0, INF, NINF, INF, NINF], [4, 4], dtype);
      expectTensor(run("argmax", [x], { axis: 1 }), { values: [1, 3, 0, 0] });
      expectTensor(run("argmin", [x], { axis: 1 }), { values: [1, 3, 0, 1] });
      expectTensor(run("argmax", [x], { axis: 0 }), { values: [2, 0, 3, 0] });
      expectTensor(run("argmin", [x], { axis: 0 }), { values: [2, 0, 2, 0] });
    });

    dtypeTest(ctx, ["int32"], "int32 extremes", (dtype) => {
      const x = tensor([-2147483648, 2147483647, 0, 2147483647, -2147483648], [5], dtype);
      expectTensor(run("argmax", [x], { axis: 0 }), { values: [1] });
      expectTensor(run("argmin", [x], { axis: 0 }), { values: [0] });
    });

    for (const prim of ARG) {
      dtypeTest(ctx, NUMERIC, `${prim}: every axis of ranks 1 to 6 against the reference`, (dtype) => {
        const shapes = [[6], [3, 4], [2, 3, 4], [2, 0, 3], [1, 2, 3, 1, 2, 2]];
        shapes.forEach((shape, k) => {
          // Few distinct values so that ties are common.
          const held = { shape, data: randomValues(size(shape), 17 * k, -3, 3, true) };
          const x = tensor(held.data, shape, dtype);
          for (let axis = 0; axis < shape.length; axis++) {
            if (shape[axis] === 0) continue;
            const e = argReduceRef(held, axis, prim);
            expectTensor(run(prim, [x], { axis }), { dtype: "int32", shape: e.shape, values: e.data });
          }
        });
      });
    }

    dtypeTest(ctx, ["float32"], "errors", (dtype) => {
      const x = tensor([1, 2, 3, 4], [2, 2], dtype);
      for (const prim of ARG) {
        expectError(
          () => run(prim, [x], { axis: 2 }),
          ShapeError,
          new RegExp(`^${prim}: axes must be sorted, distinct and in \\[0, 2\\), got \\[2\\]`),
        );
        expectError(
          () => run(prim, [x], { axis: -1 }),
          ShapeError,
          new RegExp(`^${prim}: axes must be sorted`),
        );
        expectError(
          () => run(prim, [tensor([], [2, 0], dtype)], { axis: 1 }),
          ShapeError,
          new RegExp(`^${prim}: axis 1 has size 0 in shape \\[2,0\\]`),
        );
        expectError(
          () => run(prim, [tensor([true], [1], "bool")], { axis: 0 }),
          DTypeError,
          new RegExp(`^${prim}: x must be numeric`),
        );
        expectError(
          () => run(prim, [tensor([1], [], dtype)], { axis: 0 }),
          ShapeError,
          new RegExp(`^${prim}: axes must be sorted, distinct and in \\[0, 0\\)`),
        );
      }
      expectTensor(run("argmax", [tensor([], [0, 3], dtype)], { axis: 1 }), {
        dtype: "int32",
        shape: [0],
        values: [],
      });
    });
  });
}
