import fc from "fast-check";
import { describe, expect } from "vitest";
import type { DType } from "../../dtype.ts";
import { runPrimitive as run } from "../../engine.ts";
import { DTypeError, ShapeError, ValueError } from "../../errors.ts";
import type { Conv2DAttrs } from "../../primitives/index.ts";
import { expectTensor } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import {
  FLOATS,
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
  conv2dBackpropFilterRef,
  conv2dBackpropInputRef,
  conv2dOutShapeRef,
  conv2dRef,
  dot,
  outSizeRef,
} from "../reference.ts";

function attrs(
  strides: [number, number] = [1, 1],
  padding: [[number, number], [number, number]] = [
    [0, 0],
    [0, 0],
  ],
  dilations: [number, number] = [1, 1],
): Conv2DAttrs {
  return { strides, padding, dilations };
}

/** [x shape, filter shape, attrs]: strides, asymmetric padding, dilations, 1×1 and empty cases. */
const CONV_CASES: readonly (readonly [number[], number[], Conv2DAttrs])[] = [
  [[1, 3, 3, 1], [2, 2, 1, 1], attrs()],
  [[2, 5, 4, 3], [3, 2, 3, 2], attrs()],
  [[1, 5, 5, 2], [3, 3, 2, 3], attrs([2, 2])],
  [
    [1, 6, 7, 1],
    [3, 3, 1, 2],
    attrs(
      [2, 3],
      [
        [1, 2],
        [0, 1],
      ],
    ),
  ],
  [
    [1, 7, 7, 2],
    [3, 3, 2, 1],
    attrs(
      [1, 1],
      [
        [0, 0],
        [0, 0],
      ],
      [2, 3],
    ),
  ],
  [
    [2, 4, 4, 2],
    [2, 3, 2, 2],
    attrs(
      [3, 2],
      [
        [2, 1],
        [1, 2],
      ],
      [2, 1],
    ),
  ],
  [[1, 1, 1, 4], [1, 1, 4, 3], attrs()],
  [
    [1, 2, 2, 1],
    [3, 3, 1, 1],
    attrs(
      [1, 1],
      [
        [1, 1],
        [1, 1],
      ],
    ),
  ],
  [[1, 5, 5, 1], [1, 1, 1, 1], attrs([3, 3])],
  [[0, 3, 3, 2], [2, 2, 2, 2], attrs()],
  [[1, 3, 3, 2], [2, 2, 2, 0], attrs()],
  [[1, 3, 3, 0], [2, 2, 0, 2], attrs()],
];

export function convTests(ctx: ConformanceContext): void {
  describe("conv2d", () => {
    test("hand-worked: NHWC input, [kh,kw,in,out] filter", () => {
      const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
      const f = tensor([1, 1, 1, 1], [2, 2, 1, 1]);
      expectTensor(run("conv2d", [x, f], attrs()), {
        dtype: "float32",
        shape: [1, 2, 2, 1],
        values: [12, 16, 24, 28],
      });
      // Padding 1 all round with a 2×2 filter of ones: every window sum over the in-bounds part.
      const p = run(
        "conv2d",
        [x, f],
        attrs(
          [1, 1],
          [
            [1, 1],
            [1, 1],
          ],
        ),
      );
      expectTensor(p, {
        shape: [1, 4, 4, 1],
        values: [1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9],
      });
      // Stride 2, dilation 2 with a 2×2 filter picks the four corners.
      const c = run(
        "conv2d",
        [x, tensor([1, 10, 100, 1000], [2, 2, 1, 1])],
        attrs(
          [2, 2],
          [
            [0, 0],
            [0, 0],
          ],
          [2, 2],
        ),
      );
      expectTensor(c, { shape: [1, 1, 1, 1], values: [1 + 30 + 700 + 9000] });
      // Two input channels into two output channels: filter[0,0,c,o].
      const x2 = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
      const f2 = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
      expectTensor(run("conv2d", [x2, f2], attrs()), { shape: [1, 1, 2, 2], values: [7, 10, 15, 22] });
    });

    dtypeTest(
      ctx,
      FLOATS,
      "equals the nested-loop reference on strides, paddings, dilations and empty shapes",
      (dtype) => {
        CONV_CASES.forEach(([xs, fs, a], k) => {
          const x = randomTensor(xs, dtype, 3 * k + 1);
          const f = randomTensor(fs, dtype, 3 * k + 2);
          const e = conv2dRef(x.ref, f.ref, a);
          expectTensor(run("conv2d", [x.t, f.t], a), {
            dtype,
            shape: e.shape,
            values: roundData(dtype, e.data),
            tol: ctx.tol(dtype),
            scale: e.scale,
          });
        });
      },
    );

    test("output size is floor((H + t + b − d·(k−1) − 1)/s) + 1", () => {
      for (const [h, k, s, d, t, b] of [
        [7, 3, 2, 1, 0, 0],
        [7, 3, 2, 2, 1, 0],
        [8, 2, 3, 3, 0, 2],
        [5, 5, 1, 1, 0, 0],
        [1, 1, 4, 1, 3, 3],
      ]) {
        const y = run(
          "conv2d",
          [tensor(new Array(h).fill(1), [1, h, 1, 1]), tensor(new Array(k).fill(1), [k, 1, 1, 1])],
          attrs(
            [s, 1],
            [
              [t, b],
              [0, 0],
            ],
            [d, 1],
          ),
        );
        expect(y.shape).toEqual([1, Math.floor((h + t + b - d * (k - 1) - 1) / s) + 1, 1, 1]);
        expect(y.shape[1]).toBe(outSizeRef(h, k, s, d, [t, b]));
      }
    });

    test("errors", () => {
      const x = tensor(new Array(18).fill(0), [1, 3, 3, 2]);
      const f = tensor(new Array(8).fill(0), [2, 2, 2, 1]);
      expectError(
        () => run("conv2d", [tensor(new Array(18).fill(0), [1, 3, 3, 2], "int32"), f], attrs()),
        DTypeError,
        /^conv2d: x must be float32 or float64, got int32/,
      );
      expectError(
        () => run("conv2d", [x, tensor(new Array(8).fill(0), [2, 2, 2, 1], "int32")], attrs()),
        DTypeError,
        /^conv2d: x and filter must have the same dtype, got float32 and int32/,
      );
      expectError(
        () => run("conv2d", [tensor(new Array(9).fill(0), [3, 3, 1]), f], attrs()),
        ShapeError,
        /^conv2d: x must have rank 4, got shape \[3,3,1\]/,
      );
      expectError(
        () => run("conv2d", [x, tensor(new Array(4).fill(0), [2, 2])], attrs()),
        ShapeError,
        /^conv2d: filter must have rank 4, got shape \[2,2\]/,
      );
      expectError(
        () => run("conv2d", [x, tensor(new Array(12).fill(0), [2, 2, 3, 1])], attrs()),
        ShapeError,
        /^conv2d: input channels differ: x is \[1,3,3,2\] \(NHWC\), filter is \[2,2,3,1\] \(\[kh,kw,in,out\]\)/,
      );
      expectError(
        () =>
          run(
            "conv2d",
            [x, f],
            attrs(
              [1, 1],
              [
                [0, 0],
                [0, 0],
              ],
              [3, 1],
            ),
          ),
        ShapeError,
        /^conv2d: the window \(2 with dilation 3\) is larger than the padded input \(3\)/,
      );
      expectError(
        () => run("conv2d", [x, f], attrs([0, 1])),
        ValueError,
        /^conv2d: strides must be 2 positive integers, got \[0,1\]/,
      );
      expectError(
        () =>
          run(
            "conv2d",
            [x, f],
            attrs(
              [1, 1],
              [
                [0, 0],
                [0, 0],
              ],
              [1, 0],
            ),
          ),
        ValueError,
        /^conv2d: dilations must be 2 positive integers, got \[1,0\]/,
      );
      expectError(
        () =>
          run(
            "conv2d",
            [x, f],
            attrs(
              [1, 1],
              [
                [-1, 0],
                [0, 0],
              ],
            ),
          ),
        ValueError,
        /^conv2d: padding must be \[\[top, bottom\], \[left, right\]\] of non-negative integers/,
      );
    });
  });

  describe("conv2dBackpropInput, conv2dBackpropFilter", () => {
    test("hand-worked", () => {
      // dy of ones through a 2×2 filter of ones over a 3×3 input: each input counts its windows.
      const dy = tensor([1, 1, 1, 1], [1, 2, 2, 1]);
      const f = tensor([1, 1, 1, 1], [2, 2, 1, 1]);
      expectTensor(run("conv2dBackpropInput", [dy, f], { ...attrs(), inputShape: [1, 3, 3, 1] }), {
        shape: [1, 3, 3, 1],
        values: [1, 2, 1, 2, 4, 2, 1, 2, 1],
      });
      const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
      expectTensor(run("conv2dBackpropFilter", [x, dy], { ...attrs(), filterShape: [2, 2, 1, 1] }), {
        shape: [2, 2, 1, 1],
        values: [12, 16, 24, 28],
      });
      // Stride 2 with a 1×1 filter: inputs between the strides get no gradient.
      const dx = run("conv2dBackpropInput", [tensor([1, 2, 3, 4], [1, 2, 2, 1]), tensor([2], [1, 1, 1, 1])], {
        ...attrs([2, 2]),
        inputShape: [1, 3, 3, 1],
      });
      expectTensor(dx, { values: [2, 0, 4, 0, 0, 0, 6, 0, 8] });
    });

    dtypeTest(ctx, FLOATS, "equal the nested-loop references", (dtype) => {
      CONV_CASES.forEach(([xs, fs, a], k) => {
        const ys = conv2dOutShapeRef(xs, fs, a);
        const x = randomTensor(xs, dtype, 5 * k + 1);
        const f = randomTensor(fs, dtype, 5 * k + 2);
        const dy = randomTensor(ys, dtype, 5 * k + 3);
        const di = conv2dBackpropInputRef(dy.ref, f.ref, xs, a);
        expectTensor(run("conv2dBackpropInput", [dy.t, f.t], { ...a, inputShape: xs }), {
          dtype,
          shape: xs,
          values: roundData(dtype, di.data),
          tol: ctx.tol(dtype),
          scale: di.scale,
        });
        const df = conv2dBackpropFilterRef(x.ref, dy.ref, fs, a);
        expectTensor(run("conv2dBackpropFilter", [x.t, dy.t], { ...a, filterShape: fs }), {
          dtype,
          shape: fs,
          values: roundData(dtype, df.data),
          tol: ctx.tol(dtype),
          scale: df.scale,
        });
      });
    });

    test("errors", () => {
      const f = tensor(new Array(4).fill(0), [2, 2, 1, 1]);
      const x = tensor(new Array(9).fill(0), [1, 3, 3, 1]);
      const dy = tensor(new Array(9).fill(0), [1, 3, 3, 1]);
      expectError(
        () => run("conv2dBackpropInput", [dy, f], { ...attrs(), inputShape: [1, 3, 3, 1] }),
        ShapeError,
        /^conv2dBackpropInput: dy must have shape \[1,2,2,1\], got \[1,3,3,1\]/,
      );
      expectError(
        () => run("conv2dBackpropInput", [dy, f], { ...attrs(), inputShape: [3, 3, 1] }),
        ShapeError,
        /^conv2dBackpropInput: inputShape must have rank 4, got \[3,3,1\]/,
      );
      expectError(
        () =>
          run("conv2dBackpropInput", [tensor(new Array(4).fill(0), [1, 2, 2, 1], "int32"), f], {
            ...attrs(),
            inputShape: [1, 3, 3, 1],
          }),
        DTypeError,
        /^conv2dBackpropInput: dy must be float32 or float64, got int32/,
      );
      expectError(
        () => run("conv2dBackpropFilter", [x, dy], { ...attrs(), filterShape: [2, 2, 1, 1] }),
        ShapeError,
        /^conv2dBackpropFilter: dy must have shape \[1,2,2,1\], got \[1,3,3,1\]/,
      );
      expectError(
        () => run("conv2dBackpropFilter", [x, dy], { ...attrs(), filterShape: [2, 2, 1] }),
        ShapeError,
        /^conv2dBackpropFilter: filterShape must have rank 4, got \[2,2,1\]/,
      );
      expectError(
        () =>
          run("conv2dBackpropFilter", [x, tensor(new Array(4).fill(0), [1, 2, 2, 1], "int32")], {
            ...attrs(),
            filterShape: [2, 2, 1, 1],
          }),
        DTypeError,
        /^conv2dBackpropFilter: x and dy must have the same dtype, got float32 and int32/,
      );
      expectError(
        () =>
          run("conv2dBackpropFilter", [x, tensor(new Array(4).fill(0), [1, 2, 2, 1])], {
            ...attrs([1, 0]),
            filterShape: [2, 2, 1, 1],
          }),
        ValueError,
        /^conv2dBackpropFilter: strides must be 2 positive integers/,
      );
    });
  });

  /** A random conv geometry whose window fits the padded input. */
  const geometry = fc
    .record({
      n: fc.integer({ min: 1, max: 2 }),
      h: fc.integer({ min: 1, max: 7 }),
      w: fc.integer({ min: 1, max: 7 }),
      c: fc.integer({ min: 1, max: 3 }),
      o: fc.integer({ min: 1, max: 3 }),
      kh: fc.integer({ min: 1, max: 3 }),
      kw: fc.integer({ min: 1, max: 3 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      dh: fc.integer({ min: 1, max: 2 }),
      dw: fc.integer({ min: 1, max: 2 }),
      pad: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
      seed: seedArb,
    })
    .filter(
      (g) =>
        g.h + g.pad[0] + g.pad[1] >= g.dh * (g.kh - 1) + 1 &&
        g.w + g.pad[2] + g.pad[3] >= g.dw * (g.kw - 1) + 1,
    )
    .map((g) => ({
      xs: [g.n, g.h, g.w, g.c],
      fs: [g.kh, g.kw, g.c, g.o],
      a: attrs(
        [g.sh, g.sw],
        [
          [g.pad[0], g.pad[1]],
          [g.pad[2], g.pad[3]],
        ],
        [g.dh, g.dw],
      ),
      seed: g.seed,
    }));

  property(
    ctx,
    "conv2d equals the nested-loop reference on random shapes, strides, paddings and dilations",
    fc.record({ g: geometry, dtype: fc.constantFrom<DType>("float32", "float64") }),
    ({ g, dtype }) => {
      if (!ctx.dtypes().includes(dtype)) return;
      const x = randomTensor(g.xs, dtype, g.seed);
      const f = randomTensor(g.fs, dtype, g.seed + 1);
      const e = conv2dRef(x.ref, f.ref, g.a);
      expectTensor(run("conv2d", [x.t, f.t], g.a), {
        dtype,
        shape: e.shape,
        values: roundData(dtype, e.data),
        tol: ctx.tol(dtype),
        scale: e.scale,
      });
    },
  );

  property(
    ctx,
    "conv2dBackpropInput and conv2dBackpropFilter are the adjoints of conv2d: <conv(x,f), dy> = <x, dx> = <f, df>",
    geometry,
    (g) => {
      const dtype = ctx.dtypes().includes("float64") ? "float64" : "float32";
      const x = randomTensor(g.xs, dtype, g.seed);
      const f = randomTensor(g.fs, dtype, g.seed + 1);
      const y = run("conv2d", [x.t, f.t], g.a);
      const dy = randomTensor(y.shape, dtype, g.seed + 2);
      const dx = run("conv2dBackpropInput", [dy.t, f.t], { ...g.a, inputShape: g.xs });
      const df = run("conv2dBackpropFilter", [x.t, dy.t], { ...g.a, filterShape: g.fs });
      expect(dx.shape).toEqual(g.xs);
      expect(df.shape).toEqual(g.fs);
      const yy = dot(values(y), dy.ref.data);
      const xx = dot(x.ref.data, values(dx));
      const ff = dot(f.ref.data, values(df));
      // Bound by Σ|x·f·dy| over every term so that cancellation does not make the check flaky.
      const terms = dot(conv2dRef(x.ref, f.ref, g.a).scale, dy.ref.data.map(Math.abs));
      const tol = (dtype === "float64" ? 1e-12 : 1e-5) * (1 + terms);
      expect(Math.abs(xx - yy), `<x, dx> = ${xx} vs <conv(x,f), dy> = ${yy}`).toBeLessThanOrEqual(tol);
      expect(Math.abs(ff - yy), `<f, df> = ${ff} vs <conv(x,f), dy> = ${yy}`).toBeLessThanOrEqual(tol);
    },
  );

  property(
    ctx,
    "conv2d backprops equal the nested-loop references on random geometry",
    fc.record({ g: geometry, dtype: fc.constantFrom<DType>("float32", "float64") }),
    ({ g, dtype }) => {
      if (!ctx.dtypes().includes(dtype)) return;
      const ys = conv2dOutShapeRef(g.xs, g.fs, g.a);
      const x = randomTensor(g.xs, dtype, g.seed);
      const f = randomTensor(g.fs, dtype, g.seed + 1);
      const dy = randomTensor(ys, dtype, g.seed + 2);
      const di = conv2dBackpropInputRef(dy.ref, f.ref, g.xs, g.a);
      expectTensor(run("conv2dBackpropInput", [dy.t, f.t], { ...g.a, inputShape: g.xs }), {
        shape: g.xs,
        values: roundData(dtype, di.data),
        tol: ctx.tol(dtype),
        scale: di.scale,
      });
      const df = conv2dBackpropFilterRef(x.ref, dy.ref, g.fs, g.a);
      expectTensor(run("conv2dBackpropFilter", [x.t, dy.t], { ...g.a, filterShape: g.fs }), {
        shape: g.fs,
        values: roundData(dtype, df.data),
        tol: ctx.tol(dtype),
        scale: df.scale,
      });
    },
  );
}
