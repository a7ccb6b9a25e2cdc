import { ValueError, sizeOf } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NUM_RUNS,
  dot,
  randomValues,
  ravel,
  rng,
  run,
  seedArb,
  shapeArb,
  tensor,
  unravel,
  useCpuBackend,
  values,
} from "../testUtil.ts";

useCpuBackend();

/** x shape (rank ≥ 1), an axis, an indices shape, and indices in range (needs x.shape[axis] > 0 unless there are none). */
const caseArb = fc
  .tuple(shapeArb(4, 3), shapeArb(2, 3), seedArb)
  .filter(([s]) => s.length > 0)
  .chain(([shape, ishape, seed]) =>
    fc.tuple(
      fc.constant(shape),
      fc.integer({ min: 0, max: shape.length - 1 }),
      fc.constant(ishape),
      fc.constant(seed),
    ),
  )
  .filter(([shape, axis, ishape]) => shape[axis] > 0 || sizeOf(ishape) === 0)
  .map(([shape, axis, ishape, seed]) => {
    const r = rng(seed);
    const idx = Array.from({ length: sizeOf(ishape) }, () => Math.floor(r() * shape[axis]));
    return { shape, axis, ishape, idx, seed };
  });

function gatherRef(x: number[], shape: number[], axis: number, idx: number[], ishape: number[]): number[] {
  const outShape = [...shape.slice(0, axis), ...ishape, ...shape.slice(axis + 1)];
  return Array.from({ length: sizeOf(outShape) }, (_, i) => {
    const o = unravel(i, outShape);
    const k = idx[ravel(o.slice(axis, axis + ishape.length), ishape)];
    return x[ravel([...o.slice(0, axis), k, ...o.slice(axis + ishape.length)], shape)];
  });
}

describe("gather", () => {
  it("matches a reference for any axis and indices rank", () => {
    fc.assert(
      fc.property(caseArb, ({ shape, axis, ishape, idx, seed }) => {
        const x = randomValues(seed, sizeOf(shape));
        const y = run("gather", [tensor(x, shape), tensor(idx, ishape, "int32")], { axis });
        expect(y.shape).toEqual([...shape.slice(0, axis), ...ishape, ...shape.slice(axis + 1)]);
        expect(values(y)).toEqual(gatherRef(x, shape, axis, idx, ishape));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("copies wide rows and repeats indices", () => {
    const x = Array.from({ length: 3 * 40 }, (_, i) => i);
    const y = run("gather", [tensor(x, [3, 40], "float32"), tensor([2, 0, 2], [3], "int32")], { axis: 0 });
    expect(values(y)).toEqual([...x.slice(80), ...x.slice(0, 40), ...x.slice(80)]);
  });

  it("throws a ValueError naming the op, the index and the range", () => {
    const x = tensor([1, 2, 3, 4, 5], [5]);
    expect(() => run("gather", [x, tensor([1, 7], [2], "int32")], { axis: 0 })).toThrow(ValueError);
    expect(() => run("gather", [x, tensor([1, 7], [2], "int32")], { axis: 0 })).toThrow(
      "gather: index 7 is out of range for axis 0 of size 5",
    );
    expect(() => run("gather", [x, tensor([-1], [1], "int32")], { axis: 0 })).toThrow(
      "gather: index -1 is out of range",
    );
    const m = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => run("gather", [m, tensor([3], [], "int32")], { axis: 1 })).toThrow("for axis 1 of size 3");
  });
});

describe("scatterAdd", () => {
  it("is the adjoint of gather: <gather(x, i), u> = <x, scatterAdd(u, i)>", () => {
    fc.assert(
      fc.property(caseArb, ({ shape, axis, ishape, idx, seed }) => {
        const x = randomValues(seed, sizeOf(shape));
        const uShape = [...shape.slice(0, axis), ...ishape, ...shape.slice(axis + 1)];
        const u = randomValues(seed + 1, sizeOf(uShape));
        const s = run("scatterAdd", [tensor(u, uShape), tensor(idx, ishape, "int32")], {
          axis,
          size: shape[axis],
        });
        expect(s.shape).toEqual(shape);
        const lhs = dot(gatherRef(x, shape, axis, idx, ishape), u);
        const rhs = dot(x, values(s));
        expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(lhs)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("accumulates repeated indices, zero-fills the rest, and works on int32", () => {
    const y = run("scatterAdd", [tensor([1, 2, 3, 4], [4]), tensor([1, 3, 1, 1], [4], "int32")], {
      axis: 0,
      size: 5,
    });
    expect(values(y)).toEqual([0, 8, 0, 2, 0]);
    const u = tensor([1, 2, 3, 4, 5, 6], [2, 3], "int32");
    const z = run("scatterAdd", [u, tensor([0, 0, 2], [3], "int32")], { axis: 1, size: 4 });
    expect(z.shape).toEqual([2, 4]);
    expect(values(z)).toEqual([3, 0, 3, 0, 9, 0, 6, 0]);
    const w = run("scatterAdd", [tensor([2147483647, 1], [2], "int32"), tensor([0, 0], [2], "int32")], {
      axis: 0,
      size: 1,
    });
    expect(values(w)).toEqual([-2147483648]);
  });

  it("keeps float32 sums of repeated indices in double until the end", () => {
    const y = run("scatterAdd", [tensor([1e8, 1, -1e8], [3], "float32"), tensor([0, 0, 0], [3], "int32")], {
      axis: 0,
      size: 1,
    });
    expect(values(y)).toEqual([1]);
  });

  it("handles 2-D indices and a size-0 output", () => {
    const u = tensor([1, 2, 3, 4], [2, 2]);
    expect(
      values(run("scatterAdd", [u, tensor([0, 1, 1, 1], [2, 2], "int32")], { axis: 0, size: 2 })),
    ).toEqual([1, 9]);
    const e = run("scatterAdd", [tensor([], [0]), tensor([], [0], "int32")], { axis: 0, size: 0 });
    expect(e.shape).toEqual([0]);
  });

  it("throws a ValueError for an index outside [0, size)", () => {
    expect(() =>
      run("scatterAdd", [tensor([1, 2], [2]), tensor([0, 4], [2], "int32")], { axis: 0, size: 4 }),
    ).toThrow("scatterAdd: index 4 is out of range for axis 0 of size 4");
    expect(() =>
      run("scatterAdd", [tensor([1], [1]), tensor([-2], [1], "int32")], { axis: 0, size: 4 }),
    ).toThrow(ValueError);
  });
});
