import fc from "fast-check";
import { describe, expect } from "vitest";
import type { DType } from "../../dtype.ts";
import { runPrimitive as run } from "../../engine.ts";
import { DTypeError, ShapeError, ValueError } from "../../errors.ts";
import type { Pool2DAttrs } from "../../primitives/index.ts";
import { expectTensor } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import {
  FLOATS,
  NUMERIC,
  dtypeTest,
  expectError,
  property,
  randomTensor,
  roundData,
  seedArb,
  tensor,
  test,
  values,
} from "../harness.ts";
import {
  avgPoolBackwardRef,
  avgPoolRef,
  dot,
  maxPoolBackwardRef,
  maxPoolRef,
  poolOutShapeRef,
} from "../reference.ts";

function pool(
  filterSize: [number, number],
  strides: [number, number] = filterSize,
  padding: [[number, number], [number, number]] = [
    [0, 0],
    [0, 0],
  ],
): Pool2DAttrs {
  return { filterSize, strides, padding };
}

/** [x shape, attrs]; padding stays below the window so that no window is all padding. */
const POOL_CASES: readonly (readonly [number[], Pool2DAttrs])[] = [
  [[1, 4, 4, 1], pool([2, 2])],
  [[2, 5, 5, 3], pool([3, 3], [1, 1])],
  [[1, 5, 6, 2], pool([2, 3], [2, 1])],
  [
    [1, 5, 5, 1],
    pool(
      [3, 3],
      [2, 2],
      [
        [1, 1],
        [1, 1],
      ],
    ),
  ],
  [
    [2, 4, 3, 2],
    pool(
      [3, 2],
      [1, 2],
      [
        [2, 0],
        [0, 1],
      ],
    ),
  ],
  [[1, 1, 1, 3], pool([1, 1])],
  [
    [1, 3, 3, 1],
    pool(
      [3, 3],
      [1, 1],
      [
        [1, 1],
        [1, 1],
      ],
    ),
  ],
  [
    [1, 7, 2, 1],
    pool(
      [2, 2],
      [3, 1],
      [
        [0, 1],
        [1, 0],
      ],
    ),
  ],
  [[0, 4, 4, 2], pool([2, 2])],
  [[1, 4, 4, 0], pool([2, 2])],
];

export function poolTests(ctx: ConformanceContext): void {
  describe("maxPool", () => {
    dtypeTest(ctx, NUMERIC, "hand-worked 4×4, 2×2 windows, stride 2", (dtype) => {
      const x = tensor([1, 5, 2, 0, 3, 4, 8, 1, 0, 0, -1, -2, 9, 0, -3, -4], [1, 4, 4, 1], dtype);
      expectTensor(run("maxPool", [x], pool([2, 2])), { dtype, shape: [1, 2, 2, 1], values: [5, 8, 9, -1] });
    });

    dtypeTest(ctx, NUMERIC, "padding never wins the max (all-negative input)", (dtype) => {
      const x = tensor([-5, -4, -3, -2, -1, -6, -7, -8, -9], [1, 3, 3, 1], dtype);
      const y = run(
        "maxPool",
        [x],
        pool(
          [3, 3],
          [1, 1],
          [
            [1, 1],
            [1, 1],
          ],
        ),
      );
      expectTensor(y, { shape: [1, 3, 3, 1], values: [-1, -1, -1, -1, -1, -1, -1, -1, -1] });
      const corner = run(
        "maxPool",
        [x],
        pool(
          [2, 2],
          [2, 2],
          [
            [1, 0],
            [1, 0],
          ],
        ),
      );
      expectTensor(corner, { shape: [1, 2, 2, 1], values: [-5, -3, -2, -1] });
    });

    dtypeTest(ctx, NUMERIC, "equals the reference", (dtype) => {
      POOL_CASES.forEach(([xs, a], k) => {
        const x = randomTensor(xs, dtype, 3 * k + 1, -9, 9);
        const e = maxPoolRef(x.ref, a);
        expectTensor(run("maxPool", [x.t], a), { dtype, shape: e.shape, values: e.data });
      });
    });

    test("errors", () => {
      const x = tensor(new Array(16).fill(0), [1, 4, 4, 1]);
      expectError(
        () => run("maxPool", [tensor(new Array(16).fill(0), [1, 4, 4, 1], "bool")], pool([2, 2])),
        DTypeError,
        /^maxPool: x must be numeric \(float32, float64 or int32\), got bool/,
      );
      expectError(
        () => run("maxPool", [tensor(new Array(16).fill(0), [4, 4, 1])], pool([2, 2])),
        ShapeError,
        /^maxPool: x must have rank 4, got shape \[4,4,1\]/,
      );
      expectError(
        () => run("maxPool", [x], pool([0, 2])),
        ValueError,
        /^maxPool: filterSize must be 2 positive integers, got \[0,2\]/,
      );
      expectError(
        () => run("maxPool", [x], pool([2, 2], [1, -1])),
        ValueError,
        /^maxPool: strides must be 2 positive integers, got \[1,-1\]/,
      );
      expectError(
        () =>
          run(
            "maxPool",
            [x],
            pool(
              [2, 2],
              [1, 1],
              [
                [0, 0],
                [0, -1],
              ],
            ),
          ),
        ValueError,
        /^maxPool: padding must be \[\[top, bottom\], \[left, right\]\]/,
      );
      expectError(
        () => run("maxPool", [x], pool([5, 2])),
        ShapeError,
        /^maxPool: the window \(5 with dilation 1\) is larger than the padded input \(4\)/,
      );
    });
  });

  describe("maxPoolBackward", () => {
    dtypeTest(ctx, FLOATS, "each window's gradient goes to its first maximum (hand-worked)", (dtype) => {
      // Ties everywhere: every 2×2 window sends its gradient to its top-left element.
      const x = tensor(new Array(16).fill(1), [1, 4, 4, 1], dtype);
      const dy = tensor([1, 2, 3, 4], [1, 2, 2, 1], dtype);
      expectTensor(run("maxPoolBackward", [dy, x], pool([2, 2])), {
        dtype,
        shape: [1, 4, 4, 1],
        values: [1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0],
      });
      // A tie inside one window, row-major order: (0,1) comes before (1,0).
      const x2 = tensor([0, 7, 7, 7], [1, 2, 2, 1], dtype);
      expectTensor(run("maxPoolBackward", [tensor([5], [1, 1, 1, 1], dtype), x2], pool([2, 2])), {
        values: [0, 5, 0, 0],
      });
      // Overlapping windows accumulate on a shared maximum.
      const x3 = tensor([0, 0, 0, 0, 9, 0, 0, 0, 0], [1, 3, 3, 1], dtype);
      const dy3 = tensor([1, 2, 3, 4], [1, 2, 2, 1], dtype);
      expectTensor(run("maxPoolBackward", [dy3, x3], pool([2, 2], [1, 1])), {
        values: [0, 0, 0, 0, 10, 0, 0, 0, 0],
      });
    });

    dtypeTest(ctx, FLOATS, "equals the reference, ties included", (dtype) => {
      POOL_CASES.forEach(([xs, a], k) => {
        // Few distinct values make ties common.
        const x = randomTensor(xs, dtype, 5 * k + 1, -2, 2);
        const xi = tensor(x.ref.data.map(Math.floor), xs, dtype);
        const dy = randomTensor(poolOutShapeRef(xs, a), dtype, 5 * k + 2);
        const e = maxPoolBackwardRef(dy.ref, { shape: xs, data: x.ref.data.map(Math.floor) }, a);
        expectTensor(run("maxPoolBackward", [dy.t, xi], a), {
          dtype,
          shape: xs,
          values: roundData(dtype, e.data),
          tol: ctx.tol(dtype),
        });
      });
    });

    test("errors", () => {
      const x = tensor(new Array(16).fill(0), [1, 4, 4, 1]);
      expectError(
        () => run("maxPoolBackward", [tensor(new Array(9).fill(0), [1, 3, 3, 1]), x], pool([2, 2])),
        ShapeError,
        /^maxPoolBackward: dy must have shape \[1,2,2,1\], got \[1,3,3,1\]/,
      );
      expectError(
        () => run("maxPoolBackward", [tensor(new Array(4).fill(0), [1, 2, 2, 1], "int32"), x], pool([2, 2])),
        DTypeError,
        /^maxPoolBackward: dy must be float32 or float64, got int32/,
      );
      expectError(
        () =>
          run(
            "maxPoolBackward",
            [
              tensor(new Array(4).fill(0), [1, 2, 2, 1]),
              tensor(new Array(16).fill(0), [1, 4, 4, 1], "int32"),
            ],
            pool([2, 2]),
          ),
        DTypeError,
        /^maxPoolBackward: dy and x must have the same dtype, got float32 and int32/,
      );
    });
  });

  describe("avgPool", () => {
    dtypeTest(ctx, FLOATS, "divides by the in-bounds count (hand-worked)", (dtype) => {
      const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1], dtype);
      const y = run(
        "avgPool",
        [x],
        pool(
          [3, 3],
          [1, 1],
          [
            [1, 1],
            [1, 1],
          ],
        ),
      );
      // Corners average 4 elements, edges 6, the centre 9.
      expectTensor(y, {
        dtype,
        shape: [1, 3, 3, 1],
        values: [12 / 4, 21 / 6, 16 / 4, 27 / 6, 45 / 9, 33 / 6, 24 / 4, 39 / 6, 28 / 4].map((v) =>
          dtype === "float32" ? Math.fround(v) : v,
        ),
        tol: ctx.tol(dtype),
      });
      expectTensor(run("avgPool", [tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2], dtype)], pool([2, 2])), {
        shape: [1, 1, 1, 2],
        values: [4, 5],
      });
    });

    dtypeTest(ctx, FLOATS, "equals the reference", (dtype) => {
      POOL_CASES.forEach(([xs, a], k) => {
        const x = randomTensor(xs, dtype, 7 * k + 1, -9, 9);
        const e = avgPoolRef(x.ref, a);
        expectTensor(run("avgPool", [x.t], a), {
          dtype,
          shape: e.shape,
          values: roundData(dtype, e.data),
          tol: ctx.tol(dtype),
        });
      });
    });

    test("errors", () => {
      expectError(
        () => run("avgPool", [tensor(new Array(16).fill(0), [1, 4, 4, 1], "int32")], pool([2, 2])),
        DTypeError,
        /^avgPool: x must be float32 or float64, got int32/,
      );
      expectError(
        () => run("avgPool", [tensor(new Array(4).fill(0), [2, 2])], pool([2, 2])),
        ShapeError,
        /^avgPool: x must have rank 4, got shape \[2,2\]/,
      );
      expectError(
        () => run("avgPool", [tensor(new Array(16).fill(0), [1, 4, 4, 1])], pool([2, 2], [0, 1])),
        ValueError,
        /^avgPool: strides must be 2 positive integers, got \[0,1\]/,
      );
    });
  });

  describe("avgPoolBackward", () => {
    dtypeTest(ctx, FLOATS, "spreads each gradient over the in-bounds window (hand-worked)", (dtype) => {
      const dy = tensor([4], [1, 1, 1, 1], dtype);
      const a = {
        ...pool(
          [2, 2],
          [1, 1],
          [
            [1, 0],
            [1, 0],
          ],
        ),
        inputShape: [1, 1, 1, 1],
      };
      expectTensor(run("avgPoolBackward", [dy], a), { dtype, shape: [1, 1, 1, 1], values: [4] });
      const dy2 = tensor([1, 2, 3, 4], [1, 2, 2, 1], dtype);
      expectTensor(run("avgPoolBackward", [dy2], { ...pool([2, 2]), inputShape: [1, 4, 4, 1] }), {
        values: [0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1, 1, 0.75, 0.75, 1, 1],
      });
    });

    dtypeTest(ctx, FLOATS, "equals the reference", (dtype) => {
      POOL_CASES.forEach(([xs, a], k) => {
        const dy = randomTensor(poolOutShapeRef(xs, a), dtype, 9 * k + 1);
        const e = avgPoolBackwardRef(dy.ref, xs, a);
        expectTensor(run("avgPoolBackward", [dy.t], { ...a, inputShape: xs }), {
          dtype,
          shape: xs,
          values: roundData(dtype, e.data),
          tol: ctx.tol(dtype),
        });
      });
    });

    test("errors", () => {
      const dy = tensor(new Array(4).fill(0), [1, 2, 2, 1]);
      expectError(
        () => run("avgPoolBackward", [dy], { ...pool([2, 2]), inputShape: [4, 4, 1] }),
        ShapeError,
        /^avgPoolBackward: inputShape must have rank 4, got \[4,4,1\]/,
      );
      expectError(
        () => run("avgPoolBackward", [dy], { ...pool([2, 2]), inputShape: [1, 6, 6, 1] }),
        ShapeError,
        /^avgPoolBackward: dy must have shape \[1,3,3,1\], got \[1,2,2,1\]/,
      );
      expectError(
        () =>
          run("avgPoolBackward", [tensor([1, 2, 3, 4], [1, 2, 2, 1], "int32")], {
            ...pool([2, 2]),
            inputShape: [1, 4, 4, 1],
          }),
        DTypeError,
        /^avgPoolBackward: dy must be float32 or float64, got int32/,
      );
    });
  });

  /** Random pooling geometry; padding below the window so that every window meets the input. */
  const geometry = fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 7 }),
      w: fc.integer({ min: 1, max: 7 }),
      c: fc.integer({ min: 1, max: 3 }),
      kh: fc.integer({ min: 1, max: 3 }),
      kw: fc.integer({ min: 1, max: 3 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      pad: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
      seed: seedArb,
    })
    .map((g) => ({
      ...g,
      pad: [
        Math.min(g.pad[0], g.kh - 1),
        Math.min(g.pad[1], g.kh - 1),
        Math.min(g.pad[2], g.kw - 1),
        Math.min(g.pad[3], g.kw - 1),
      ],
    }))
    .filter((g) => g.h + g.pad[0] + g.pad[1] >= g.kh && g.w + g.pad[2] + g.pad[3] >= g.kw)
    .map((g) => ({
      xs: [g.n, g.h, g.w, g.c],
      a: pool(
        [g.kh, g.kw],
        [g.sh, g.sw],
        [
          [g.pad[0], g.pad[1]],
          [g.pad[2], g.pad[3]],
        ],
      ),
      seed: g.seed,
    }));

  property(
    ctx,
    "maxPool, avgPool and their backward forms equal the reference on random geometry",
    fc.record({ g: geometry, dtype: fc.constantFrom<DType>("float32", "float64") }),
    ({ g, dtype }) => {
      if (!ctx.dtypes().includes(dtype)) return;
      const x = randomTensor(g.xs, dtype, g.seed, -3, 3);
      // Integer-valued x makes ties, which maxPoolBackward must break toward the first maximum.
      const xi = { shape: g.xs, data: x.ref.data.map(Math.floor) };
      const xt = tensor(xi.data, g.xs, dtype);
      const ys = poolOutShapeRef(g.xs, g.a);
      const dy = randomTensor(ys, dtype, g.seed + 1);
      const tol = ctx.tol(dtype);
      expectTensor(run("maxPool", [x.t], g.a), { shape: ys, values: maxPoolRef(x.ref, g.a).data });
      expectTensor(run("maxPool", [xt], g.a), { shape: ys, values: maxPoolRef(xi, g.a).data });
      expectTensor(run("maxPoolBackward", [dy.t, xt], g.a), {
        shape: g.xs,
        values: roundData(dtype, maxPoolBackwardRef(dy.ref, xi, g.a).data),
        tol,
      });
      expectTensor(run("avgPool", [x.t], g.a), {
        shape: ys,
        values: roundData(dtype, avgPoolRef(x.ref, g.a).data),
        tol,
      });
      expectTensor(run("avgPoolBackward", [dy.t], { ...g.a, inputShape: g.xs }), {
        shape: g.xs,
        values: roundData(dtype, avgPoolBackwardRef(dy.ref, g.xs, g.a).data),
        tol,
      });
    },
  );

  property(
    ctx,
    "avgPoolBackward is the adjoint of avgPool: <avgPool(x), dy> = <x, avgPoolBackward(dy)>",
    geometry,
    (g) => {
      const dtype = ctx.dtypes().includes("float64") ? "float64" : "float32";
      const x = randomTensor(g.xs, dtype, g.seed);
      const y = run("avgPool", [x.t], g.a);
      const dy = randomTensor(y.shape, dtype, g.seed + 1);
      const dx = run("avgPoolBackward", [dy.t], { ...g.a, inputShape: g.xs });
      const lhs = dot(values(y), dy.ref.data);
      const rhs = dot(x.ref.data, values(dx));
      const scale = 1 + dot(x.ref.data.map(Math.abs), values(dx).map(Math.abs));
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual((dtype === "float64" ? 1e-12 : 1e-5) * scale);
    },
  );
}
