import { type DType, type Pool2DAttrs, poolOutShape } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../backend.ts";
import { FAST_RUNS, type Operand, expectSame, runDirect, sizeOfShape, valuesFor } from "./testing.ts";

// Max and average pooling and their backward forms: the WebAssembly kernels against the JavaScript
// reference on random NHWC geometries, windows lying partly or wholly in the padding, every float
// dtype (and int32 for maxPool), with NaN, ±∞ and −0 among the values.
const fast = new CpuBackend({ threads: 1 });
const ref = new CpuBackend({ simd: false });

interface Geometry {
  readonly xs: number[];
  readonly attrs: Pool2DAttrs;
}

const geometryArb: fc.Arbitrary<Geometry> = fc
  .record({
    n: fc.integer({ min: 0, max: 2 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    c: fc.integer({ min: 1, max: 11 }),
    fh: fc.integer({ min: 1, max: 4 }),
    fw: fc.integer({ min: 1, max: 4 }),
    sh: fc.integer({ min: 1, max: 4 }),
    sw: fc.integer({ min: 1, max: 4 }),
    pads: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }),
  })
  .filter(({ h, w, fh, fw, pads }) => h + pads[0] + pads[1] >= fh && w + pads[2] + pads[3] >= fw)
  .map(({ n, h, w, c, fh, fw, sh, sw, pads }) => ({
    xs: [n, h, w, c],
    attrs: {
      filterSize: [fh, fw] as const,
      strides: [sh, sw] as const,
      padding: [
        [pads[0], pads[1]],
        [pads[2], pads[3]],
      ] as const,
    },
  }));

function operand(dtype: DType, shape: number[], seed: number): Operand {
  return { values: valuesFor(dtype, seed, sizeOfShape(shape)), shape, dtype };
}

function same(prim: string, inputs: Operand[], attrs: object, out: { shape: number[]; dtype: DType }): void {
  const what = `${prim} ${inputs.map((x) => `${x.dtype}[${x.shape}]`).join(" ")} ${JSON.stringify(attrs)}`;
  expectSame(
    runDirect(fast, prim as "maxPool", inputs, attrs as never, out),
    runDirect(ref, prim as "maxPool", inputs, attrs as never, out),
    what,
  );
}

/** Every pooling primitive on one geometry in `dtype` (maxPool alone for int32). */
function checkAll(g: Geometry, dtype: DType, seed: number): void {
  const ys = poolOutShape("test", g.xs, g.attrs);
  const x = operand(dtype, g.xs, seed);
  same("maxPool", [x], g.attrs, { shape: ys, dtype });
  if (dtype === "int32") return;
  const dy = operand(dtype, ys, seed + 1);
  same("avgPool", [x], g.attrs, { shape: ys, dtype });
  same("maxPoolBackward", [dy, x], g.attrs, { shape: g.xs, dtype });
  same("avgPoolBackward", [dy], { ...g.attrs, inputShape: g.xs }, { shape: g.xs, dtype });
}

describe("WebAssembly pooling", () => {
  it("matches the reference on random geometries, paddings and dtypes", () => {
    fc.assert(
      fc.property(
        geometryArb,
        fc.constantFrom<DType>("float32", "float64", "int32"),
        fc.integer({ min: 0, max: 1 << 30 }),
        (g, dtype, seed) => checkAll(g, dtype, seed),
      ),
      { numRuns: FAST_RUNS * 5 },
    );
  });

  it("channel counts around the vector width, overlapping and disjoint windows", () => {
    const attrs = (f: number, s: number, p: number): Pool2DAttrs => ({
      filterSize: [f, f],
      strides: [s, s],
      padding: [
        [p, p],
        [p, p],
      ],
    });
    for (const dtype of ["float32", "float64", "int32"] as const)
      for (const c of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17])
        for (const [f, s, p] of [
          [2, 2, 0],
          [3, 1, 1],
          [3, 2, 1],
          [1, 1, 0],
          [2, 1, 0],
          [3, 3, 2],
        ])
          checkAll({ xs: [2, 7, 6, c], attrs: attrs(f, s, p) }, dtype, c * 10 + f);
  });

  it("maxPool keeps the first NaN and the first of −0 and +0; the backward sends dy to that element", () => {
    const attrs: Pool2DAttrs = {
      filterSize: [1, 4],
      strides: [1, 4],
      padding: [
        [0, 0],
        [0, 0],
      ],
    };
    const x: Operand = {
      values: [
        -0,
        0,
        -1,
        -0,
        0,
        -0,
        1,
        1,
        2,
        Number.NaN,
        Number.NaN,
        3,
        -Infinity,
        -Infinity,
        -Infinity,
        -Infinity,
      ],
      shape: [1, 1, 16, 1],
      dtype: "float32",
    };
    const out = { shape: [1, 1, 4, 1], dtype: "float32" as const };
    const y = runDirect(fast, "maxPool", [x], attrs, out);
    expect(Object.is(y[0], -0)).toBe(true);
    expect(Object.is(y[1], 1)).toBe(true);
    expect(y[2]).toBeNaN();
    expect(y[3]).toBe(-Infinity);
    const dy: Operand = { values: [1, 2, 3, 4], shape: [1, 1, 4, 1], dtype: "float32" };
    const dx = runDirect(fast, "maxPoolBackward", [dy, x], attrs, { shape: [1, 1, 16, 1], dtype: "float32" });
    expect(dx).toEqual([1, 0, 0, 0, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 0]);
  });
});
