import fc from "fast-check";
import { describe, expect } from "vitest";
import type { DType } from "../../dtype.ts";
import { runPrimitive as run } from "../../engine.ts";
import { DTypeError, ShapeError, ValueError } from "../../errors.ts";
import { type BinaryPrim, FLOAT_UNARY_PRIMS, type UnaryPrim } from "../../primitives/index.ts";
import { expectTensor } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import {
  ALL,
  FLOATS,
  NUMERIC,
  broadcastPairArb,
  dtypeTest,
  expectError,
  property,
  randomTensor,
  roundData,
  roundTo,
  seedArb,
  tensor,
  values,
} from "../harness.ts";
import {
  erfRef,
  floorModIntRef,
  floorModRef,
  mapRef,
  roundHalfEvenRef,
  sigmoidRef,
  signRef,
} from "../reference.ts";

const { NaN: NAN, POSITIVE_INFINITY: INF, NEGATIVE_INFINITY: NINF } = Number;

interface UnaryCase {
  /** float64 reference of one element. */
  readonly ref: (x: number) => number;
  /** Correctly rounded everywhere (compared exactly); the others get the dtype's tolerance. */
  readonly exact: boolean;
  /** Domain of the random inputs. */
  readonly domain: readonly [number, number];
  /** Hand-worked special values: [input, expected]. */
  readonly special: readonly (readonly [number, number])[];
}

const UNARY: Record<Exclude<UnaryPrim, "logicalNot">, UnaryCase> = {
  neg: {
    ref: (x) => -x,
    exact: true,
    domain: [-5, 5],
    special: [
      [1.5, -1.5],
      [-2, 2],
      [0, 0],
      [INF, NINF],
      [NINF, INF],
      [NAN, NAN],
    ],
  },
  abs: {
    ref: Math.abs,
    exact: true,
    domain: [-5, 5],
    special: [
      [-1.5, 1.5],
      [2, 2],
      [-0, 0],
      [NINF, INF],
      [NAN, NAN],
    ],
  },
  sign: {
    ref: signRef,
    exact: true,
    domain: [-5, 5],
    special: [
      [-3, -1],
      [0, 0],
      [-0, 0],
      [2.5, 1],
      [1e-30, 1],
      [-1e-30, -1],
      [INF, 1],
      [NINF, -1],
      [NAN, NAN],
    ],
  },
  exp: {
    ref: Math.exp,
    exact: false,
    domain: [-10, 10],
    special: [
      [0, 1],
      [1, Math.E],
      [-1, 1 / Math.E],
      [NINF, 0],
      [INF, INF],
      [NAN, NAN],
    ],
  },
  log: {
    ref: Math.log,
    exact: false,
    domain: [0.01, 10],
    special: [
      [1, 0],
      [Math.E, 1],
      [0, NINF],
      [-1, NAN],
      [INF, INF],
      [NAN, NAN],
    ],
  },
  log1p: {
    ref: Math.log1p,
    exact: false,
    domain: [-0.99, 10],
    special: [
      [0, 0],
      [-1, NINF],
      [1e-10, 9.9999999995e-11],
      [-2, NAN],
      [INF, INF],
      [NAN, NAN],
    ],
  },
  expm1: {
    ref: Math.expm1,
    exact: false,
    domain: [-5, 5],
    special: [
      [0, 0],
      [1e-10, 1.00000000005e-10],
      [NINF, -1],
      [INF, INF],
      [NAN, NAN],
    ],
  },
  sqrt: {
    ref: Math.sqrt,
    exact: false,
    domain: [0, 10],
    special: [
      [4, 2],
      [0, 0],
      [2, Math.SQRT2],
      [-1, NAN],
      [INF, INF],
      [NAN, NAN],
    ],
  },
  rsqrt: {
    ref: (x) => 1 / Math.sqrt(x),
    exact: false,
    domain: [0.01, 10],
    special: [
      [4, 0.5],
      [0.25, 2],
      [0, INF],
      [-1, NAN],
      [INF, 0],
      [NAN, NAN],
    ],
  },
  reciprocal: {
    ref: (x) => 1 / x,
    exact: false,
    domain: [0.1, 5],
    special: [
      [2, 0.5],
      [-4, -0.25],
      [0, INF],
      [-0, NINF],
      [INF, 0],
      [NAN, NAN],
    ],
  },
  sin: {
    ref: Math.sin,
    exact: false,
    domain: [-6, 6],
    special: [
      [0, 0],
      [Math.PI / 2, 1],
      [-Math.PI / 2, -1],
      [INF, NAN],
      [NAN, NAN],
    ],
  },
  cos: {
    ref: Math.cos,
    exact: false,
    domain: [-6, 6],
    special: [
      [0, 1],
      [Math.PI, -1],
      [NINF, NAN],
      [NAN, NAN],
    ],
  },
  tanh: {
    ref: Math.tanh,
    exact: false,
    domain: [-5, 5],
    special: [
      [0, 0],
      [1, Math.tanh(1)],
      [20, 1],
      [-20, -1],
      [1000, 1],
      [INF, 1],
      [NINF, -1],
      [NAN, NAN],
    ],
  },
  sigmoid: {
    ref: sigmoidRef,
    exact: false,
    domain: [-10, 10],
    special: [
      [0, 0.5],
      [1000, 1],
      [-1000, 0],
      [100, 1],
      [-100, 3.720075976020836e-44],
      [INF, 1],
      [NINF, 0],
      [NAN, NAN],
    ],
  },
  erf: {
    ref: erfRef,
    exact: false,
    domain: [-4, 4],
    special: [
      [0, 0],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [-1, -0.8427007929497149],
      [3, 0.9999779095030014],
      [-6, -1],
      [10, 1],
      [INF, 1],
      [NINF, -1],
      [NAN, NAN],
    ],
  },
  floor: {
    ref: Math.floor,
    exact: true,
    domain: [-5, 5],
    special: [
      [1.5, 1],
      [-1.5, -2],
      [-0.5, -1],
      [2, 2],
      [INF, INF],
      [NAN, NAN],
    ],
  },
  ceil: {
    ref: Math.ceil,
    exact: true,
    domain: [-5, 5],
    special: [
      [1.5, 2],
      [-1.5, -1],
      [-0.5, 0],
      [2, 2],
      [NINF, NINF],
      [NAN, NAN],
    ],
  },
  round: {
    ref: roundHalfEvenRef,
    exact: true,
    domain: [-5, 5],
    special: [
      [0.5, 0],
      [1.5, 2],
      [2.5, 2],
      [3.5, 4],
      [-0.5, 0],
      [-1.5, -2],
      [-2.5, -2],
      [2.4999, 2],
      [2.5001, 3],
      [-2.6, -3],
      [8388609, 8388609],
      [INF, INF],
      [NAN, NAN],
    ],
  },
};

const BINARY_REF: Record<BinaryPrim, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NAN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NAN : Math.min(a, b)),
  mod: floorModRef,
};

/** int32 semantics: results wrap to 32 bits; mod is floor-mod with mod(x, 0) = 0. */
const BINARY_INT_REF: Partial<Record<BinaryPrim, (a: number, b: number) => number>> = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: Math.imul,
  maximum: Math.max,
  minimum: Math.min,
  mod: floorModIntRef,
};

/** Binary primitives compared exactly on floats (the rest are compared within the tolerance). */
const EXACT_BINARY: readonly BinaryPrim[] = ["add", "sub", "mul", "maximum", "minimum"];
const FLOAT_ONLY_BINARY: readonly BinaryPrim[] = ["div", "pow"];

/** Random inputs each binary primitive is defined on (positive bases for pow). */
const BINARY_DOMAIN: Record<BinaryPrim, { a: [number, number]; b: [number, number] }> = {
  add: { a: [-10, 10], b: [-10, 10] },
  sub: { a: [-10, 10], b: [-10, 10] },
  mul: { a: [-10, 10], b: [-10, 10] },
  div: { a: [-10, 10], b: [0.5, 4] },
  pow: { a: [0.1, 4], b: [-3, 3] },
  maximum: { a: [-10, 10], b: [-10, 10] },
  minimum: { a: [-10, 10], b: [-10, 10] },
  mod: { a: [-10, 10], b: [-4, 4] },
};

/** Shapes that broadcast together, from scalars to rank 6 and with size-0 and size-1 axes. */
const BROADCAST_CASES: readonly (readonly [number[], number[], number[]])[] = [
  [[], [], []],
  [[5], [5], [5]],
  [[], [2, 3], [2, 3]],
  [[2, 3], [], [2, 3]],
  [[5], [1], [5]],
  [
    [2, 1, 3],
    [4, 1],
    [2, 4, 3],
  ],
  [
    [3, 1],
    [1, 4],
    [3, 4],
  ],
  [
    [0, 3],
    [1, 3],
    [0, 3],
  ],
  [[3, 1], [0], [3, 0]],
  [[1], [2, 0], [2, 0]],
  [
    [2, 1, 2, 1, 2, 1],
    [1, 2, 1, 2, 1, 2],
    [2, 2, 2, 2, 2, 2],
  ],
  [[1, 1, 1, 1, 1, 1], [3], [1, 1, 1, 1, 1, 3]],
];

const UNARY_SHAPES: readonly number[][] = [[], [1], [7], [0], [3, 0, 2], [2, 3], [1, 2, 1, 2, 1, 2]];

export function elementwiseTests(ctx: ConformanceContext): void {
  describe("unary", () => {
    for (const [prim, c] of Object.entries(UNARY) as [Exclude<UnaryPrim, "logicalNot">, UnaryCase][]) {
      const floatOnly = FLOAT_UNARY_PRIMS.includes(prim);
      describe(prim, () => {
        dtypeTest(ctx, FLOATS, "special values", (dtype) => {
          const x = tensor(
            c.special.map(([v]) => v),
            [c.special.length],
            dtype,
          );
          const expected = c.special.map(([, e]) => roundTo(dtype, e));
          expectTensor(run(prim, [x], {}), {
            dtype,
            shape: [c.special.length],
            values: expected,
            tol: c.exact ? undefined : ctx.tol(dtype),
          });
        });

        dtypeTest(ctx, floatOnly ? FLOATS : NUMERIC, "random values on every shape", (dtype) => {
          UNARY_SHAPES.forEach((shape, k) => {
            const { t, ref } = randomTensor(shape, dtype, 101 + k, c.domain[0], c.domain[1]);
            const y = run(prim, [t], {});
            const expected = ref.data.map((v) => roundTo(dtype, c.ref(v)));
            expectTensor(y, {
              dtype,
              shape,
              values: expected,
              tol: c.exact || dtype === "int32" ? undefined : ctx.tol(dtype),
            });
          });
        });

        if (floatOnly) {
          dtypeTest(ctx, ["int32", "bool"], "refuses non-float input", (dtype) => {
            expectError(
              () => run(prim, [tensor([1], [1], dtype)], {}),
              DTypeError,
              new RegExp(`^${prim}: x must be float32 or float64, got ${dtype}`),
            );
          });
        } else {
          dtypeTest(ctx, ["bool"], "refuses bool input", (dtype) => {
            expectError(
              () => run(prim, [tensor([1], [1], dtype)], {}),
              DTypeError,
              new RegExp(`^${prim}: x must be numeric \\(float32, float64 or int32\\), got bool`),
            );
          });
        }
      });
    }

    dtypeTest(ctx, ["int32"], "neg, abs and sign on int32 (−2³¹ wraps)", (dtype) => {
      const x = tensor([-3, 0, 5, -2147483648, 2147483647], [5], dtype);
      expectTensor(run("neg", [x], {}), { dtype, values: [3, 0, -5, -2147483648, -2147483647] });
      expectTensor(run("abs", [x], {}), { dtype, values: [3, 0, 5, -2147483648, 2147483647] });
      expectTensor(run("sign", [x], {}), { dtype, values: [-1, 0, 1, -1, 1] });
    });

    dtypeTest(ctx, ["float64"], "round: ties to even near 2^52", (dtype) => {
      const x = tensor(
        [4503599627370494.5, 4503599627370495.5, -4503599627370494.5, 0.49999999999999994],
        [4],
        dtype,
      );
      expectTensor(run("round", [x], {}), {
        values: [4503599627370494, 4503599627370496, -4503599627370494, 0],
      });
    });

    dtypeTest(ctx, FLOATS, "sigmoid stays finite and in [0, 1] for huge inputs", (dtype) => {
      const x = tensor([-1e30, -800, -89, 89, 800, 1e30], [6], dtype);
      const y = values(run("sigmoid", [x], {}));
      for (const v of y) {
        expect(Number.isNaN(v)).toBe(false);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(y[0]).toBe(0);
      expect(y[5]).toBe(1);
    });

    dtypeTest(ctx, ["bool"], "logicalNot", (dtype) => {
      expectTensor(run("logicalNot", [tensor([true, false, true], [3], dtype)], {}), {
        dtype: "bool",
        shape: [3],
        values: [0, 1, 0],
      });
      expectTensor(run("logicalNot", [tensor([false], [], dtype)], {}), {
        dtype: "bool",
        shape: [],
        values: [1],
      });
      expectTensor(run("logicalNot", [tensor([], [2, 0], dtype)], {}), {
        dtype: "bool",
        shape: [2, 0],
        values: [],
      });
    });

    dtypeTest(ctx, NUMERIC, "logicalNot refuses non-bool input", (dtype) => {
      expectError(
        () => run("logicalNot", [tensor([1], [1], dtype)], {}),
        DTypeError,
        new RegExp(`^logicalNot: x must have dtype bool, got ${dtype}`),
      );
    });

    dtypeTest(ctx, ["float32"], "a unary primitive refuses two inputs", (dtype) => {
      const x = tensor([1], [1], dtype);
      expectError(() => run("exp", [x, x], {}), ValueError, /^exp: expected 1 tensor inputs, got 2/);
    });
  });

  describe("binary", () => {
    dtypeTest(ctx, FLOATS, "hand-worked float values", (dtype) => {
      const cases: [BinaryPrim, number[], number[], number[]][] = [
        ["add", [1.5, -2, INF, INF, NAN], [2.25, 2, NINF, 1, 1], [3.75, 0, NAN, INF, NAN]],
        ["sub", [5, 1, INF, 0], [3, 2.5, INF, NAN], [2, -1.5, NAN, NAN]],
        ["mul", [2, -3, 0, INF], [4, 1.5, INF, -1], [8, -4.5, NAN, NINF]],
        ["div", [1, -1, 0, 6, 1], [0, 0, 0, 4, INF], [INF, NINF, NAN, 1.5, 0]],
        [
          "pow",
          [2, 4, 2, 0, -8, -2, 10, 0],
          [10, 0.5, -1, 0, 1 / 3, 3, 0, -1],
          [1024, 2, 0.5, 1, NAN, -8, 1, INF],
        ],
        ["maximum", [1, 5, NAN, 2, -3], [3, 2, 1, NAN, NINF], [3, 5, NAN, NAN, -3]],
        ["minimum", [1, 5, NAN, 2, -3], [3, 2, 1, NAN, INF], [1, 2, NAN, NAN, -3]],
        ["mod", [-1, 5.5, 7, -7, 7.5, 0, 5, -6], [3, -2, 3, 3, 2, 3, 0, 3], [2, -0.5, 1, 2, 1.5, 0, NAN, 0]],
      ];
      for (const [prim, a, b, expected] of cases) {
        const y = run(prim, [tensor(a, [a.length], dtype), tensor(b, [b.length], dtype)], {});
        expectTensor(y, {
          dtype,
          shape: [a.length],
          values: expected.map((v) => roundTo(dtype, v)),
          tol: EXACT_BINARY.includes(prim) ? undefined : ctx.tol(dtype),
        });
      }
    });

    dtypeTest(ctx, ["int32"], "hand-worked int32 values: wrap-around, floor-mod, mod by 0", (dtype) => {
      const cases: [BinaryPrim, number[], number[], number[]][] = [
        ["add", [2147483647, -5, -2147483648], [1, 3, -1], [-2147483648, -2, 2147483647]],
        ["sub", [-2147483648, 5], [1, 7], [2147483647, -2]],
        ["mul", [65536, 46341, -3, 7], [65536, 46341, 5, 6], [0, -2147479015, -15, 42]],
        ["maximum", [1, -5, 7, -2147483648], [3, -7, 7, 2147483647], [3, -5, 7, 2147483647]],
        ["minimum", [1, -5, 7, -2147483648], [3, -7, 7, 2147483647], [1, -7, 7, -2147483648]],
        [
          "mod",
          [-7, 7, -7, 7, 5, 0, -2147483648, 9],
          [3, -3, -3, 3, 0, 5, -1, 0],
          [2, -2, -1, 1, 0, 0, 0, 0],
        ],
      ];
      for (const [prim, a, b, expected] of cases) {
        const y = run(prim, [tensor(a, [a.length], dtype), tensor(b, [b.length], dtype)], {});
        expectTensor(y, { dtype, shape: [a.length], values: expected });
      }
    });

    for (const prim of Object.keys(BINARY_REF) as BinaryPrim[]) {
      const dtypes = FLOAT_ONLY_BINARY.includes(prim) ? FLOATS : NUMERIC;
      dtypeTest(
        ctx,
        dtypes,
        `${prim}: broadcasting from rank 0 to rank 6, size-0 and size-1 axes`,
        (dtype) => {
          const dom = BINARY_DOMAIN[prim];
          BROADCAST_CASES.forEach(([sa, sb, so], k) => {
            const a = randomTensor(sa, dtype, 7 * k + 1, dom.a[0], dom.a[1]);
            const b = randomTensor(sb, dtype, 7 * k + 2, dom.b[0], dom.b[1]);
            const fn = dtype === "int32" ? BINARY_INT_REF[prim]! : BINARY_REF[prim];
            const ref = mapRef([a.ref, b.ref], fn);
            expect(ref.shape).toEqual(so);
            expectTensor(run(prim, [a.t, b.t], {}), {
              dtype,
              shape: so,
              values: roundData(dtype, ref.data),
              tol: dtype === "int32" || EXACT_BINARY.includes(prim) ? undefined : ctx.tol(dtype),
            });
          });
        },
      );
    }

    dtypeTest(ctx, ["float32"], "refuses shapes that do not broadcast", (dtype) => {
      const a = tensor(new Array(6).fill(1), [2, 3], dtype);
      const b = tensor(new Array(4).fill(1), [4], dtype);
      for (const prim of Object.keys(BINARY_REF) as BinaryPrim[]) {
        expectError(
          () => run(prim, [a, b], {}),
          ShapeError,
          new RegExp(`^${prim}: shapes \\[2,3\\] and \\[4\\] cannot be broadcast together`),
        );
      }
      expectError(
        () => run("add", [tensor([1, 2], [2], dtype), tensor([], [0], dtype)], {}),
        ShapeError,
        /^add: shapes \[2\] and \[0\] cannot be broadcast together/,
      );
    });

    dtypeTest(ctx, ["float32"], "refuses mixed dtypes (primitives never promote)", (dtype) => {
      const a = tensor([1], [1], dtype);
      const b = tensor([1], [1], "int32");
      for (const prim of ["add", "sub", "mul", "maximum", "minimum", "mod"] as BinaryPrim[]) {
        expectError(
          () => run(prim, [a, b], {}),
          DTypeError,
          new RegExp(`^${prim}: a and b must have the same dtype, got float32 and int32`),
        );
      }
    });

    dtypeTest(ctx, ["int32", "bool"], "div and pow refuse non-float input", (dtype) => {
      const a = tensor([1], [1], dtype);
      for (const prim of FLOAT_ONLY_BINARY) {
        expectError(
          () => run(prim, [a, a], {}),
          DTypeError,
          new RegExp(`^${prim}: a must be float32 or float64, got ${dtype}`),
        );
      }
    });

    dtypeTest(ctx, ["bool"], "arithmetic refuses bool", (dtype) => {
      const a = tensor([true], [1], dtype);
      for (const prim of ["add", "sub", "mul", "maximum", "minimum", "mod"] as BinaryPrim[]) {
        expectError(
          () => run(prim, [a, a], {}),
          DTypeError,
          new RegExp(`^${prim}: a must be numeric \\(float32, float64 or int32\\), got bool`),
        );
      }
    });

    property(
      ctx,
      "add, mul, maximum and minimum commute under broadcasting",
      fc.record({
        shapes: broadcastPairArb(4, 3),
        seed: seedArb,
        dtype: fc.constantFrom<DType>(...ALL.filter((d) => d !== "bool")),
      }),
      ({ shapes, seed, dtype }) => {
        if (!ctx.dtypes().includes(dtype)) return;
        const a = randomTensor(shapes.a, dtype, seed, -10, 10).t;
        const b = randomTensor(shapes.b, dtype, seed + 1, -10, 10).t;
        for (const prim of ["add", "mul", "maximum", "minimum"] as BinaryPrim[]) {
          const ab = run(prim, [a, b], {});
          const ba = run(prim, [b, a], {});
          expect(ab.shape).toEqual(shapes.out);
          expectTensor(ba, { shape: shapes.out, values: values(ab) });
        }
      },
    );

    property(
      ctx,
      "broadcasting both operands to the common shape first gives the same result",
      fc.record({
        shapes: broadcastPairArb(4, 3),
        seed: seedArb,
        prim: fc.constantFrom<BinaryPrim>("add", "sub", "mul", "div", "mod"),
      }),
      ({ shapes, seed, prim }) => {
        const a = randomTensor(shapes.a, "float32", seed, -10, 10).t;
        const b = randomTensor(shapes.b, "float32", seed + 1, 0.5, 10).t;
        const direct = run(prim, [a, b], {});
        const ea = run("broadcastTo", [a], { shape: shapes.out });
        const eb = run("broadcastTo", [b], { shape: shapes.out });
        expectTensor(run(prim, [ea, eb], {}), {
          dtype: "float32",
          shape: shapes.out,
          values: values(direct),
        });
      },
    );
  });
}
