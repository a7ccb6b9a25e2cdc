import { type DType, sizeOf } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NUM_RUNS,
  expectClose,
  randomValues,
  ravel,
  run,
  seedArb,
  shapeArb,
  tensor,
  unravel,
  useCpuBackend,
  values,
} from "../testUtil.ts";

useCpuBackend();

/** Reference reduction: visit every element and fold it into the output cell its kept axes name. */
function reduceRef(x: number[], shape: number[], axes: number[], kind: "sum" | "max" | "min"): number[] {
  const outShape = shape.filter((_, d) => !axes.includes(d));
  const init = kind === "sum" ? 0 : kind === "max" ? -Infinity : Infinity;
  const out = new Array<number>(sizeOf(outShape)).fill(init);
  for (let i = 0; i < x.length; i++) {
    const idx = unravel(i, shape).filter((_, d) => !axes.includes(d));
    const o = ravel(idx, outShape);
    out[o] =
      kind === "sum" ? out[o] + x[i] : kind === "max" ? Math.max(out[o], x[i]) : Math.min(out[o], x[i]);
  }
  return out;
}

const caseArb = fc
  .tuple(shapeArb(5, 4), seedArb)
  .chain(([shape, seed]) =>
    fc.tuple(fc.constant(shape), fc.subarray(shape.map((_, i) => i)), fc.constant(seed)),
  );

describe("sum, max, min", () => {
  it.each(["sum", "max", "min"] as const)("%s matches a reference over random axes", (kind) => {
    fc.assert(
      fc.property(
        caseArb,
        fc.constantFrom<DType>("float64", "float32", "int32"),
        ([shape, axes, seed], dtype) => {
          // max/min cannot reduce an empty axis (core refuses it).
          if (kind !== "sum" && axes.some((a) => shape[a] === 0)) return;
          const x = randomValues(seed, sizeOf(shape), dtype === "int32").map(
            dtype === "float32" ? Math.fround : (v) => v,
          );
          const y = run(kind, [tensor(x, shape, dtype)], { axes });
          expect(y.shape).toEqual(shape.filter((_, d) => !axes.includes(d)));
          const expected = reduceRef(x, shape, axes, kind).map(dtype === "float32" ? Math.fround : (v) => v);
          expectClose(values(y), expected, 1e-12, dtype === "float32" ? 1e-7 : 1e-13);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("sums an empty axis to 0", () => {
    const y = run("sum", [tensor([], [2, 0, 3])], { axes: [1] });
    expect(y.shape).toEqual([2, 3]);
    expect(values(y)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(values(run("sum", [tensor([], [0], "int32")], { axes: [0] }))).toEqual([0]);
  });

  it("reduces a scalar over no axes", () => {
    expect(values(run("max", [tensor([4], [])], { axes: [] }))).toEqual([4]);
    expect(values(run("sum", [tensor([1, 2], [2])], { axes: [] }))).toEqual([1, 2]);
  });

  it("max and min propagate NaN", () => {
    const x = tensor([1, Number.NaN, 3, 4, 5, 6], [2, 3]);
    expect(values(run("max", [x], { axes: [1] }))).toEqual([Number.NaN, 6]);
    expect(values(run("min", [x], { axes: [0] }))).toEqual([1, Number.NaN, 3]);
    expect(values(run("max", [x], { axes: [0, 1] }))).toEqual([Number.NaN]);
  });

  it("float32 sums accumulate in doubles", () => {
    // In float32 arithmetic 1e8 + 1 rounds back to 1e8 and the total would be 0.
    expect(values(run("sum", [tensor([1e8, 1, -1e8], [3], "float32")], { axes: [0] }))).toEqual([1]);
  });

  it("int32 sums wrap", () => {
    expect(values(run("sum", [tensor([2147483647, 1, 5], [3], "int32")], { axes: [0] }))).toEqual([
      -2147483643,
    ]);
  });
});

function argRef(x: number[], shape: number[], axis: number, isMax: boolean): number[] {
  const outShape = shape.filter((_, d) => d !== axis);
  return Array.from({ length: sizeOf(outShape) }, (_, o) => {
    const idx = unravel(o, outShape);
    let best = 0;
    for (let k = 0; k < shape[axis]; k++) {
      const full = [...idx.slice(0, axis), k, ...idx.slice(axis)];
      const v = x[ravel(full, shape)];
      const b = x[ravel([...idx.slice(0, axis), best, ...idx.slice(axis)], shape)];
      if (Number.isNaN(b)) break;
      if (Number.isNaN(v) || (isMax ? v > b : v < b)) best = k;
    }
    return best;
  });
}

describe("argmax, argmin", () => {
  it.each(["argmax", "argmin"] as const)("%s returns the first extreme along the axis", (prim) => {
    const arb = fc
      .tuple(shapeArb(4, 4), seedArb)
      .filter(([s]) => s.length > 0)
      .chain(([shape, seed]) =>
        fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.length - 1 }), fc.constant(seed)),
      );
    fc.assert(
      fc.property(arb, fc.boolean(), ([shape, axis, seed], withNaN) => {
        if (shape[axis] === 0) return;
        // Small integers make ties; a few NaNs test that the first NaN wins.
        const x = randomValues(seed, sizeOf(shape), true).map((v) => (withNaN && v === 5 ? Number.NaN : v));
        const y = run(prim, [tensor(x, shape)], { axis });
        expect(y.dtype).toBe("int32");
        expect(values(y)).toEqual(argRef(x, shape, axis, prim === "argmax"));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("picks the first of tied extremes and the first NaN", () => {
    expect(values(run("argmax", [tensor([1, 3, 3, 2], [4])], { axis: 0 }))).toEqual([1]);
    expect(values(run("argmin", [tensor([1, 0, 0, 2], [4], "int32")], { axis: 0 }))).toEqual([1]);
    expect(values(run("argmax", [tensor([1, Number.NaN, 9, Number.NaN], [4])], { axis: 0 }))).toEqual([1]);
    expect(values(run("argmin", [tensor([Number.NaN, -9], [2])], { axis: 0 }))).toEqual([0]);
    expect(values(run("argmax", [tensor([-Infinity, -Infinity], [2])], { axis: 0 }))).toEqual([0]);
  });

  it("reduces a 1-element axis to a scalar index", () => {
    const y = run("argmin", [tensor([5], [1])], { axis: 0 });
    expect(y.shape).toEqual([]);
    expect(values(y)).toEqual([0]);
  });
});
