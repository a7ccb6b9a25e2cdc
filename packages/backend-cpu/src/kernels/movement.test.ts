import { type DType, broadcastShapes, sizeOf } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NUM_RUNS,
  broadcastRead,
  broadcastShapesArb,
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

const dtypeArb = fc.constantFrom<DType>("float64", "float32", "int32", "bool");

function data(seed: number, n: number, dtype: DType): number[] {
  const v = randomValues(seed, n, dtype !== "float64");
  if (dtype === "bool") return v.map((x) => (x > 0 ? 1 : 0));
  return dtype === "float32" ? v.map(Math.fround) : v;
}

describe("reshape", () => {
  it("returns the input buffer itself", () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = run("reshape", [x], { shape: [3, 1, 2] });
    expect(y.shape).toEqual([3, 1, 2]);
    expect(y.storageOrThrow("test").buffer).toBe(x.storageOrThrow("test").buffer);
    expect(values(y)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(values(run("reshape", [tensor([7], [1, 1])], { shape: [] }))).toEqual([7]);
  });
});

describe("transpose", () => {
  it("permutes axes like a reference", () => {
    const arb = fc.tuple(shapeArb(6, 3), seedArb).chain(([shape, seed]) =>
      fc.tuple(
        fc.constant(shape),
        fc.shuffledSubarray(
          shape.map((_, i) => i),
          { minLength: shape.length },
        ),
        fc.constant(seed),
      ),
    );
    fc.assert(
      fc.property(arb, dtypeArb, ([shape, perm, seed], dtype) => {
        const x = data(seed, sizeOf(shape), dtype);
        const y = run("transpose", [tensor(x, shape, dtype)], { perm });
        const outShape = perm.map((p) => shape[p]);
        expect(y.shape).toEqual(outShape);
        const expected = Array.from({ length: sizeOf(outShape) }, (_, i) => {
          const idx = unravel(i, outShape);
          const src = new Array<number>(shape.length);
          perm.forEach((p, d) => {
            src[p] = idx[d];
          });
          return x[ravel(src, shape)];
        });
        expect(values(y)).toEqual(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("copies long contiguous runs (block path)", () => {
    const x = Array.from({ length: 2 * 3 * 40 }, (_, i) => i);
    const y = run("transpose", [tensor(x, [2, 3, 40], "int32")], { perm: [1, 0, 2] });
    const expected: number[] = [];
    for (let j = 0; j < 3; j++)
      for (let i = 0; i < 2; i++) for (let k = 0; k < 40; k++) expected.push(x[(i * 3 + j) * 40 + k]);
    expect(values(y)).toEqual(expected);
  });
});

describe("broadcastTo", () => {
  it("repeats along broadcast axes", () => {
    fc.assert(
      fc.property(broadcastShapesArb(2), seedArb, dtypeArb, ([s, other], seed, dtype) => {
        const target = broadcastShapes("test", s, other);
        const x = data(seed, sizeOf(s), dtype);
        const y = run("broadcastTo", [tensor(x, s, dtype)], { shape: target });
        expect(y.shape).toEqual(target);
        expect(values(y)).toEqual(
          Array.from({ length: sizeOf(target) }, (_, i) => broadcastRead(x, s, unravel(i, target))),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("slice", () => {
  it("copies the box [begin, begin + size)", () => {
    const arb = fc
      .tuple(shapeArb(5, 4), seedArb)
      .chain(([shape, seed]) =>
        fc.tuple(
          fc.constant(shape),
          fc.tuple(
            ...shape.map((d) =>
              fc
                .integer({ min: 0, max: d })
                .chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: d - b }))),
            ),
          ),
          fc.constant(seed),
        ),
      );
    fc.assert(
      fc.property(arb, dtypeArb, ([shape, box, seed], dtype) => {
        const begin = box.map(([b]) => b);
        const size = box.map(([, s]) => s);
        const x = data(seed, sizeOf(shape), dtype);
        const y = run("slice", [tensor(x, shape, dtype)], { begin, size });
        expect(y.shape).toEqual(size);
        const expected = Array.from(
          { length: sizeOf(size) },
          (_, i) =>
            x[
              ravel(
                unravel(i, size).map((v, d) => v + begin[d]),
                shape,
              )
            ],
        );
        expect(values(y)).toEqual(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("pad", () => {
  it("surrounds x with a constant", () => {
    const arb = fc
      .tuple(shapeArb(4, 3), seedArb)
      .chain(([shape, seed]) =>
        fc.tuple(
          fc.constant(shape),
          fc.tuple(
            ...shape.map(() => fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))),
          ),
          fc.constant(seed),
        ),
      );
    fc.assert(
      fc.property(arb, dtypeArb, fc.constantFrom(0, 1, -3), ([shape, paddings, seed], dtype, value) => {
        const x = data(seed, sizeOf(shape), dtype);
        const y = run("pad", [tensor(x, shape, dtype)], { paddings, value });
        const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
        expect(y.shape).toEqual(outShape);
        const fill = dtype === "bool" ? (value !== 0 ? 1 : 0) : value;
        const expected = Array.from({ length: sizeOf(outShape) }, (_, i) => {
          const src = unravel(i, outShape).map((v, d) => v - paddings[d][0]);
          return src.every((v, d) => v >= 0 && v < shape[d]) ? x[ravel(src, shape)] : fill;
        });
        expect(values(y)).toEqual(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("pads with NaN and pads empty tensors", () => {
    expect(values(run("pad", [tensor([1], [1])], { paddings: [[1, 0]], value: Number.NaN }))).toEqual([
      Number.NaN,
      1,
    ]);
    expect(values(run("pad", [tensor([], [0])], { paddings: [[1, 2]], value: 5 }))).toEqual([5, 5, 5]);
    expect(values(run("pad", [tensor([9], [])], { paddings: [], value: 5 }))).toEqual([9]);
  });
});

describe("concat", () => {
  it("joins tensors along an axis", () => {
    const arb = fc
      .tuple(shapeArb(4, 3), seedArb)
      .filter(([s]) => s.length > 0)
      .chain(([shape, seed]) =>
        fc.tuple(
          fc.constant(shape),
          fc.integer({ min: 0, max: shape.length - 1 }),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
          fc.constant(seed),
        ),
      );
    fc.assert(
      fc.property(arb, dtypeArb, ([shape, axis, sizes, seed], dtype) => {
        const shapes = sizes.map((s) => shape.map((d, i) => (i === axis ? s : d)));
        const parts = shapes.map((s, k) => data(seed + k, sizeOf(s), dtype));
        const y = run(
          "concat",
          parts.map((p, k) => tensor(p, shapes[k], dtype)),
          { axis },
        );
        const outShape = shape.map((d, i) => (i === axis ? sizes.reduce((a, b) => a + b, 0) : d));
        expect(y.shape).toEqual(outShape);
        const expected = Array.from({ length: sizeOf(outShape) }, (_, i) => {
          const idx = unravel(i, outShape);
          let k = 0;
          let at = idx[axis];
          while (at >= sizes[k]) at -= sizes[k++];
          idx[axis] = at;
          return parts[k][ravel(idx, shapes[k])];
        });
        expect(values(y)).toEqual(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("copies wide bands with block copies", () => {
    const a = Array.from({ length: 2 * 50 }, (_, i) => i);
    const b = Array.from({ length: 3 * 50 }, (_, i) => 1000 + i);
    const y = run("concat", [tensor(a, [2, 50], "float32"), tensor(b, [3, 50], "float32")], { axis: 0 });
    expect(values(y)).toEqual([...a, ...b]);
  });
});
