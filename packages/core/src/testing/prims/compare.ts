import { describe, expect } from "vitest";
import { DTYPES, type DType } from "../../dtype.ts";
import { runPrimitive as run } from "../../engine.ts";
import { DTypeError, ShapeError, ValueError } from "../../errors.ts";
import type { ComparePrim, LogicalPrim } from "../../primitives/index.ts";
import { expectTensor } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import {
  ALL,
  FLOATS,
  NUMERIC,
  dtypeTest,
  expectError,
  randomTensor,
  roundTo,
  tensor,
  values,
} from "../harness.ts";
import { castToInt32Ref, mapRef } from "../reference.ts";

const { NaN: NAN, POSITIVE_INFINITY: INF, NEGATIVE_INFINITY: NINF } = Number;

const COMPARE_REF: Record<ComparePrim, (a: number, b: number) => number> = {
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

const LOGICAL_REF: Record<LogicalPrim, (a: number, b: number) => number> = {
  logicalAnd: (a, b) => (a && b ? 1 : 0),
  logicalOr: (a, b) => (a || b ? 1 : 0),
};

const SHAPE_CASES: readonly (readonly [number[], number[], number[]])[] = [
  [[], [], []],
  [[4], [], [4]],
  [
    [2, 1],
    [1, 3],
    [2, 3],
  ],
  [[0, 2], [2], [0, 2]],
  [
    [1, 2, 1, 2, 1, 2],
    [2, 1, 2, 1, 2, 1],
    [2, 2, 2, 2, 2, 2],
  ],
];

/** The value each source value becomes under cast to `to` (float → int32 truncates, saturates, NaN → 0). */
function castRef(v: number, to: DType): number {
  if (to === "bool") return v !== 0 ? 1 : 0;
  if (to === "int32") return castToInt32Ref(v);
  return roundTo(to, v);
}

export function compareTests(ctx: ConformanceContext): void {
  describe("compare", () => {
    dtypeTest(ctx, FLOATS, "hand-worked: NaN compares false except in notEqual, -0 equals 0", (dtype) => {
      const a = tensor([1, 2, 3, NAN, 1, NAN, -0, INF, NINF], [9], dtype);
      const b = tensor([2, 2, 2, 1, NAN, NAN, 0, INF, INF], [9], dtype);
      const expected: Record<ComparePrim, number[]> = {
        equal: [0, 1, 0, 0, 0, 0, 1, 1, 0],
        notEqual: [1, 0, 1, 1, 1, 1, 0, 0, 1],
        less: [1, 0, 0, 0, 0, 0, 0, 0, 1],
        lessEqual: [1, 1, 0, 0, 0, 0, 1, 1, 1],
        greater: [0, 0, 1, 0, 0, 0, 0, 0, 0],
        greaterEqual: [0, 1, 1, 0, 0, 0, 1, 1, 0],
      };
      for (const prim of Object.keys(COMPARE_REF) as ComparePrim[]) {
        expectTensor(run(prim, [a, b], {}), { dtype: "bool", shape: [9], values: expected[prim] });
      }
    });

    for (const prim of Object.keys(COMPARE_REF) as ComparePrim[]) {
      dtypeTest(ctx, ALL, `${prim}: every dtype, broadcasting, bool output`, (dtype) => {
        SHAPE_CASES.forEach(([sa, sb, so], k) => {
          // Few distinct values so that equal pairs occur.
          const a = randomTensor(sa, dtype, 31 * k + 1, -2, 2);
          const b = randomTensor(sb, dtype, 31 * k + 2, -2, 2);
          const ref = mapRef(
            [
              { shape: a.ref.shape, data: a.ref.data.map(Math.round) },
              { shape: b.ref.shape, data: b.ref.data.map(Math.round) },
            ],
            COMPARE_REF[prim],
          );
          const ra = tensor(a.ref.data.map(Math.round), sa, dtype);
          const rb = tensor(b.ref.data.map(Math.round), sb, dtype);
          expectTensor(run(prim, [ra, rb], {}), { dtype: "bool", shape: so, values: ref.data });
        });
      });
    }

    dtypeTest(ctx, ["int32"], "int32 extremes compare exactly", (dtype) => {
      const a = tensor([2147483647, -2147483648, 16777217], [3], dtype);
      const b = tensor([2147483646, -2147483647, 16777216], [3], dtype);
      expectTensor(run("greater", [a, b], {}), { values: [1, 0, 1] });
      expectTensor(run("equal", [a, b], {}), { values: [0, 0, 0] });
    });

    dtypeTest(ctx, ["bool"], "bool ordering: false < true", (dtype) => {
      const a = tensor([false, false, true, true], [4], dtype);
      const b = tensor([false, true, false, true], [4], dtype);
      expectTensor(run("less", [a, b], {}), { values: [0, 1, 0, 0] });
      expectTensor(run("equal", [a, b], {}), { values: [1, 0, 0, 1] });
    });

    dtypeTest(ctx, ["float32"], "refuses mixed dtypes and shapes that do not broadcast", (dtype) => {
      for (const prim of Object.keys(COMPARE_REF) as ComparePrim[]) {
        expectError(
          () => run(prim, [tensor([1], [1], dtype), tensor([1], [1], "int32")], {}),
          DTypeError,
          new RegExp(`^${prim}: a and b must have the same dtype, got float32 and int32`),
        );
        expectError(
          () => run(prim, [tensor([1, 2], [2], dtype), tensor([1, 2, 3], [3], dtype)], {}),
          ShapeError,
          new RegExp(`^${prim}: shapes \\[2\\] and \\[3\\] cannot be broadcast together`),
        );
      }
    });
  });

  describe("logical", () => {
    dtypeTest(ctx, ["bool"], "truth tables with broadcasting", (dtype) => {
      const a = tensor([false, false, true, true], [4, 1], dtype);
      const b = tensor([false, true, false, true], [4], dtype);
      for (const prim of Object.keys(LOGICAL_REF) as LogicalPrim[]) {
        const ref = mapRef(
          [
            { shape: [4, 1], data: [0, 0, 1, 1] },
            { shape: [4], data: [0, 1, 0, 1] },
          ],
          LOGICAL_REF[prim],
        );
        expectTensor(run(prim, [a, b], {}), { dtype: "bool", shape: [4, 4], values: ref.data });
        const diag = run(prim, [tensor([false, false, true, true], [4], dtype), b], {});
        expectTensor(diag, {
          dtype: "bool",
          shape: [4],
          values: prim === "logicalAnd" ? [0, 0, 0, 1] : [0, 1, 1, 1],
        });
        expectTensor(run(prim, [tensor([true], [], dtype), tensor([], [0], dtype)], {}), {
          shape: [0],
          values: [],
        });
        expectTensor(run(prim, [tensor([true], [], dtype), tensor([false], [], dtype)], {}), {
          shape: [],
          values: [prim === "logicalAnd" ? 0 : 1],
        });
      }
    });

    dtypeTest(ctx, NUMERIC, "refuses non-bool operands", (dtype) => {
      const x = tensor([1], [1], dtype);
      const t = tensor([true], [1], "bool");
      for (const prim of Object.keys(LOGICAL_REF) as LogicalPrim[]) {
        expectError(
          () => run(prim, [x, t], {}),
          DTypeError,
          new RegExp(`^${prim}: a must have dtype bool, got ${dtype}`),
        );
        expectError(
          () => run(prim, [t, x], {}),
          DTypeError,
          new RegExp(`^${prim}: b must have dtype bool, got ${dtype}`),
        );
      }
    });
  });

  describe("where", () => {
    dtypeTest(ctx, ALL, "selects elementwise with broadcasting of all three", (dtype) => {
      const cases: [number[], number[], number[], number[]][] = [
        [[4], [4], [4], [4]],
        [[], [3], [3], [3]],
        [[2, 1], [3], [], [2, 3]],
        [[3], [2, 1], [1, 3], [2, 3]],
        [[0, 1], [1, 3], [3], [0, 3]],
        [
          [1, 2, 1, 2, 1, 1],
          [2, 1, 2, 1, 1, 2],
          [1, 1, 1, 1, 2, 1],
          [2, 2, 2, 2, 2, 2],
        ],
      ];
      cases.forEach(([sc, sa, sb, so], k) => {
        const c = randomTensor(sc, "bool", 11 * k + 1);
        const a = randomTensor(sa, dtype, 11 * k + 2, -5, 5);
        const b = randomTensor(sb, dtype, 11 * k + 3, -5, 5);
        const ref = mapRef([c.ref, a.ref, b.ref], (cv, av, bv) => (cv ? av : bv));
        expectTensor(run("where", [c.t, a.t, b.t], {}), { dtype, shape: so, values: ref.data });
      });
    });

    dtypeTest(ctx, FLOATS, "a NaN or Inf in the branch not taken does not leak", (dtype) => {
      const c = tensor([true, false, true], [3], "bool");
      const a = tensor([1, NAN, INF], [3], dtype);
      const b = tensor([NAN, 2, NAN], [3], dtype);
      expectTensor(run("where", [c, a, b], {}), { values: [1, 2, INF] });
    });

    dtypeTest(ctx, ["float32"], "errors", (dtype) => {
      const f = tensor([1, 2], [2], dtype);
      const c = tensor([true, false], [2], "bool");
      expectError(
        () => run("where", [f, f, f], {}),
        DTypeError,
        /^where: condition must have dtype bool, got float32/,
      );
      expectError(
        () => run("where", [c, f, tensor([1, 2], [2], "int32")], {}),
        DTypeError,
        /^where: x and y must have the same dtype, got float32 and int32/,
      );
      expectError(
        () => run("where", [tensor([true, false, true], [3], "bool"), f, f], {}),
        ShapeError,
        /^where: shapes \[3\] and \[2\] and \[2\] cannot be broadcast together/,
      );
    });
  });

  describe("cast", () => {
    const SOURCE: Record<DType, number[]> = {
      float32: [0, -0, 1, -1, 2.7, -2.7, 0.1, 1e-30, NAN, INF, NINF, 3e9, -3e9, 16777216],
      float64: [
        0,
        -0,
        1,
        -1,
        2.7,
        -2.7,
        0.1,
        1e-30,
        NAN,
        INF,
        NINF,
        3e9,
        -3e9,
        2147483647.9,
        -2147483648.9,
        1e300,
        16777217,
      ],
      int32: [0, 1, -1, 7, -2147483648, 2147483647, 16777217, -16777217],
      bool: [0, 1, 1, 0],
    };

    for (const from of DTYPES) {
      dtypeTest(
        ctx,
        DTYPES,
        `from ${from}`,
        (to) => {
          const x = tensor(SOURCE[from], [SOURCE[from].length], from);
          const held = values(x);
          const y = run("cast", [x], { dtype: to });
          expectTensor(y, { dtype: to, shape: x.shape, values: held.map((v) => castRef(v, to)) });
        },
        [from],
      );
    }

    dtypeTest(ctx, FLOATS, "to int32: truncation toward zero, NaN → 0, saturation (hand-worked)", (dtype) => {
      const x = tensor([2.7, -2.7, 0.5, -0.5, NAN, 1e10, -1e10, INF, NINF, 123456.9], [10], dtype);
      expectTensor(run("cast", [x], { dtype: "int32" }), {
        dtype: "int32",
        values: [2, -2, 0, 0, 0, 2147483647, -2147483648, 2147483647, -2147483648, 123456],
      });
    });

    dtypeTest(ctx, FLOATS, "to bool: x != 0, so NaN → true and -0 → false (hand-worked)", (dtype) => {
      const x = tensor([0, -0, NAN, 0.1, -3, INF], [6], dtype);
      expectTensor(run("cast", [x], { dtype: "bool" }), { dtype: "bool", values: [0, 0, 1, 1, 1, 1] });
    });

    dtypeTest(ctx, ["float64"], "float64 → float32 rounds once to nearest (hand-worked)", (dtype) => {
      const x = tensor([0.1, 1e300, -1e300, 1e-50, 16777217, 1 + 2 ** -24], [6], dtype);
      expectTensor(run("cast", [x], { dtype: "float32" }), {
        dtype: "float32",
        values: [Math.fround(0.1), INF, NINF, 0, 16777216, 1],
      });
    });

    dtypeTest(ctx, ALL, "shapes: scalar, empty and rank 6", (dtype) => {
      for (const shape of [[], [0], [2, 0, 3], [1, 2, 1, 2, 1, 2]]) {
        const { t, ref } = randomTensor(shape, dtype, 5, -3, 3);
        expectTensor(run("cast", [t], { dtype: "float32" }), {
          dtype: "float32",
          shape,
          values: ref.data.map((v) => Math.fround(v)),
        });
      }
    });

    dtypeTest(ctx, ["float32"], "refuses an unknown dtype", (dtype) => {
      expectError(
        () => run("cast", [tensor([1], [1], dtype)], { dtype: "float16" as DType }),
        ValueError,
        /^cast: dtype must be one of float32, float64, int32, bool, got float16/,
      );
    });

    dtypeTest(ctx, ["float32"], "cast keeps the input untouched", (dtype) => {
      const x = tensor([1.5, -2.5], [2], dtype);
      run("cast", [x], { dtype: "int32" });
      expect(values(x)).toEqual([1.5, -2.5]);
    });
  });
}
