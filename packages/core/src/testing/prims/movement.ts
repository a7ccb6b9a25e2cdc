import fc from "fast-check";
import { describe, expect } from "vitest";
import type { DType } from "../../dtype.ts";
import { getBackend, memory, runPrimitive as run } from "../../engine.ts";
import { DTypeError, ShapeError, ValueError } from "../../errors.ts";
import { expectTensor } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import {
  ALL,
  dtypeTest,
  expectError,
  property,
  randomTensor,
  seedArb,
  shapeArb,
  tensor,
  test,
  values,
} from "../harness.ts";
import { broadcastToRef, concatRef, padRef, size, sliceRef, transposeRef } from "../reference.ts";

const dtypeArb = fc.constantFrom<DType>("float32", "int32", "bool");

/** All permutations of 0..n-1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

export function movementTests(ctx: ConformanceContext): void {
  describe("reshape", () => {
    dtypeTest(ctx, ALL, "keeps the elements in row-major order", (dtype) => {
      const cases: [number[], number[]][] = [
        [
          [2, 3],
          [3, 2],
        ],
        [[2, 3], [6]],
        [[6], [1, 2, 1, 3, 1, 1]],
        [[], [1, 1]],
        [[1, 1, 1], []],
        [
          [0, 3],
          [3, 0, 5],
        ],
        [
          [2, 3, 4],
          [4, 3, 2],
        ],
      ];
      cases.forEach(([from, to], k) => {
        const { t, ref } = randomTensor(from, dtype, k + 3, -9, 9);
        expectTensor(run("reshape", [t], { shape: to }), { dtype, shape: to, values: ref.data });
      });
    });

    test("shares the buffer of its input", () => {
      const name = getBackend().name;
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const before = memory().backends[name];
      const y = run("reshape", [x], { shape: [3, 2] });
      const after = memory().backends[name];
      expect(after.numTensors).toBe(before.numTensors + 1);
      expect(after.numBuffers, "reshape allocated a new buffer").toBe(before.numBuffers);
      expect(after.numBytes).toBe(before.numBytes);
      x.dispose();
      expect(values(y)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(memory().backends[name].numBuffers).toBe(before.numBuffers);
      y.dispose();
      expect(memory().backends[name].numBuffers).toBe(before.numBuffers - 1);
    });

    test("errors", () => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      expectError(
        () => run("reshape", [x], { shape: [4] }),
        ShapeError,
        /^reshape: cannot reshape a tensor of shape \[2,3\] \(6 elements\) to \[4\] \(4 elements\)/,
      );
      expectError(
        () => run("reshape", [x], { shape: [-1, 3] }),
        ShapeError,
        /^reshape: shape must hold non-negative integers, got \[-1,3\]/,
      );
      expectError(
        () => run("reshape", [x], { shape: [2.5, 2] }),
        ShapeError,
        /^reshape: shape must hold non-negative integers/,
      );
    });

    property(
      ctx,
      "reshape round trip",
      fc.record({ shape: shapeArb(0, 5, 0, 4), seed: seedArb, dtype: dtypeArb }),
      ({ shape, seed, dtype }) => {
        const { t, ref } = randomTensor(shape, dtype, seed, -9, 9);
        const flat = run("reshape", [t], { shape: [size(shape)] });
        expectTensor(run("reshape", [flat], { shape }), { dtype, shape, values: ref.data });
      },
    );
  });

  describe("transpose", () => {
    dtypeTest(ctx, ALL, "every permutation of ranks 0 to 4", (dtype) => {
      const shapes = [[], [3], [2, 3], [2, 3, 4], [2, 1, 3, 2], [2, 0, 3]];
      shapes.forEach((shape, k) => {
        const { t, ref } = randomTensor(shape, dtype, k + 1, -9, 9);
        for (const perm of permutations(shape.length)) {
          const e = transposeRef(ref, perm);
          expectTensor(run("transpose", [t], { perm }), { dtype, shape: e.shape, values: e.data });
        }
      });
    });

    test("hand-worked 2-D and rank 6", () => {
      expectTensor(run("transpose", [tensor([1, 2, 3, 4, 5, 6], [2, 3])], { perm: [1, 0] }), {
        shape: [3, 2],
        values: [1, 4, 2, 5, 3, 6],
      });
      const { t, ref } = randomTensor([2, 1, 3, 2, 1, 2], "float32", 4);
      const perm = [5, 3, 1, 0, 4, 2];
      const e = transposeRef(ref, perm);
      expectTensor(run("transpose", [t], { perm }), { shape: [2, 2, 1, 2, 1, 3], values: e.data });
    });

    test("errors", () => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      expectError(
        () => run("transpose", [x], { perm: [0, 0] }),
        ShapeError,
        /^transpose: perm must be a permutation of 0..1 for shape \[2,3\], got \[0,0\]/,
      );
      expectError(
        () => run("transpose", [x], { perm: [0] }),
        ShapeError,
        /^transpose: perm must be a permutation of 0..1 for shape \[2,3\], got \[0\]/,
      );
      expectError(
        () => run("transpose", [x], { perm: [1, 2] }),
        ShapeError,
        /^transpose: perm must be a permutation/,
      );
    });

    property(
      ctx,
      "transpose by perm then by its inverse is the identity",
      fc.record({
        shape: shapeArb(0, 6, 0, 3),
        seed: seedArb,
        dtype: dtypeArb,
        order: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
      }),
      ({ shape, seed, dtype, order }) => {
        const perm = shape.map((_, i) => i).sort((a, b) => order[a] - order[b] || a - b);
        const { t, ref } = randomTensor(shape, dtype, seed, -9, 9);
        const y = run("transpose", [t], { perm });
        const e = transposeRef(ref, perm);
        expectTensor(y, { shape: e.shape, values: e.data });
        expectTensor(run("transpose", [y], { perm: inverse(perm) }), { dtype, shape, values: ref.data });
      },
    );
  });

  describe("broadcastTo", () => {
    dtypeTest(ctx, ALL, "adds leading axes and repeats size-1 axes", (dtype) => {
      const cases: [number[], number[]][] = [
        [[], []],
        [[], [2, 2]],
        [[3], [2, 3]],
        [
          [2, 1],
          [2, 4],
        ],
        [
          [1, 3, 1],
          [2, 3, 2],
        ],
        [[1], [0]],
        [
          [1, 3],
          [0, 3],
        ],
        [
          [2, 3],
          [2, 3],
        ],
        [
          [1, 2, 1],
          [2, 1, 2, 3, 2, 2],
        ],
      ];
      cases.forEach(([from, to], k) => {
        const { t, ref } = randomTensor(from, dtype, k + 5, -9, 9);
        expectTensor(run("broadcastTo", [t], { shape: to }), {
          dtype,
          shape: to,
          values: broadcastToRef(ref.data, from, to).data,
        });
      });
    });

    test("hand-worked", () => {
      expectTensor(run("broadcastTo", [tensor([1, 2], [2, 1])], { shape: [2, 3] }), {
        values: [1, 1, 1, 2, 2, 2],
      });
    });

    test("errors", () => {
      const x = tensor([1, 2], [2]);
      expectError(
        () => run("broadcastTo", [x], { shape: [3] }),
        ShapeError,
        /^broadcastTo: cannot broadcast shape \[2\] to \[3\]/,
      );
      expectError(
        () => run("broadcastTo", [tensor([1, 2, 3, 4, 5, 6], [2, 3])], { shape: [3] }),
        ShapeError,
        /^broadcastTo: cannot broadcast shape \[2,3\] to \[3\]/,
      );
      expectError(
        () => run("broadcastTo", [x], { shape: [1, 2, 1] }),
        ShapeError,
        /^broadcastTo: cannot broadcast shape \[2\] to \[1,2,1\]/,
      );
      expectError(
        () => run("broadcastTo", [x], { shape: [-2] }),
        ShapeError,
        /^broadcastTo: shape must hold non-negative integers/,
      );
    });

    property(
      ctx,
      "broadcastTo of a size-1 axis equals the tiled copy (concat of copies)",
      fc.record({
        shape: shapeArb(1, 4, 1, 3),
        axisPick: fc.nat(),
        reps: fc.integer({ min: 0, max: 4 }),
        seed: seedArb,
        dtype: dtypeArb,
      }),
      ({ shape, axisPick, reps, seed, dtype }) => {
        const axis = axisPick % shape.length;
        const one = shape.map((d, i) => (i === axis ? 1 : d));
        const { t } = randomTensor(one, dtype, seed, -9, 9);
        const target = shape.map((d, i) => (i === axis ? reps : d));
        const tiled =
          reps === 0
            ? null
            : run(
                "concat",
                Array.from({ length: reps }, () => t),
                { axis },
              );
        const y = run("broadcastTo", [t], { shape: target });
        expectTensor(y, { dtype, shape: target, values: tiled ? values(tiled) : [] });
      },
    );
  });

  describe("slice", () => {
    dtypeTest(ctx, ALL, "windows of ranks 0 to 6", (dtype) => {
      const cases: [number[], number[], number[]][] = [
        [[], [], []],
        [[5], [1], [3]],
        [[5], [0], [5]],
        [[5], [5], [0]],
        [[5], [2], [0]],
        [
          [3, 4],
          [1, 1],
          [2, 2],
        ],
        [
          [3, 4],
          [0, 3],
          [3, 1],
        ],
        [
          [2, 3, 4],
          [1, 0, 2],
          [1, 3, 2],
        ],
        [
          [0, 3],
          [0, 1],
          [0, 2],
        ],
        [
          [2, 2, 2, 2, 2, 2],
          [1, 0, 1, 0, 1, 0],
          [1, 2, 1, 2, 1, 1],
        ],
      ];
      cases.forEach(([shape, begin, sizes], k) => {
        const { t, ref } = randomTensor(shape, dtype, k + 9, -9, 9);
        const e = sliceRef(ref, begin, sizes);
        expectTensor(run("slice", [t], { begin, size: sizes }), { dtype, shape: sizes, values: e.data });
      });
    });

    test("hand-worked", () => {
      const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
      expectTensor(run("slice", [x], { begin: [1, 1], size: [2, 2] }), {
        shape: [2, 2],
        values: [5, 6, 8, 9],
      });
    });

    test("errors", () => {
      const x = tensor([1, 2, 3], [3]);
      expectError(
        () => run("slice", [x], { begin: [1], size: [3] }),
        ShapeError,
        /^slice: begin \[1\] with size \[3\] is out of bounds for shape \[3\] \(axis 0\)/,
      );
      expectError(
        () => run("slice", [x], { begin: [-1], size: [1] }),
        ShapeError,
        /^slice: begin \[-1\] with size \[1\] is out of bounds/,
      );
      expectError(
        () => run("slice", [x], { begin: [0, 0], size: [1, 1] }),
        ShapeError,
        /^slice: begin and size must have 1 entries for shape \[3\], got \[0,0\] and \[1,1\]/,
      );
    });

    property(
      ctx,
      "slice equals the reference",
      fc.record({
        shape: shapeArb(0, 5, 0, 4),
        cuts: fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 5, maxLength: 5 }),
        seed: seedArb,
        dtype: dtypeArb,
      }),
      ({ shape, cuts, seed, dtype }) => {
        const begin = shape.map((d, i) => cuts[i][0] % (d + 1));
        const sizes = shape.map((d, i) => cuts[i][1] % (d - begin[i] + 1));
        const { t, ref } = randomTensor(shape, dtype, seed, -9, 9);
        expectTensor(run("slice", [t], { begin, size: sizes }), {
          dtype,
          shape: sizes,
          values: sliceRef(ref, begin, sizes).data,
        });
      },
    );
  });

  describe("pad", () => {
    dtypeTest(ctx, ALL, "constant padding of ranks 0 to 6", (dtype) => {
      const cases: [number[], [number, number][], number][] = [
        [[], [], 5],
        [[3], [[1, 2]], 0],
        [[3], [[0, 0]], 7],
        [
          [2, 2],
          [
            [1, 0],
            [0, 3],
          ],
          -1,
        ],
        [
          [0, 2],
          [
            [1, 1],
            [0, 0],
          ],
          4,
        ],
        [
          [2, 0],
          [
            [0, 0],
            [2, 0],
          ],
          1,
        ],
        [
          [1, 2, 1, 2, 1, 1],
          [
            [0, 1],
            [1, 0],
            [0, 0],
            [1, 1],
            [0, 0],
            [2, 0],
          ],
          3,
        ],
      ];
      cases.forEach(([shape, paddings, value], k) => {
        const { t, ref } = randomTensor(shape, dtype, k + 21, -9, 9);
        const v = dtype === "bool" ? (value !== 0 ? 1 : 0) : value;
        const e = padRef(ref, paddings, v);
        expectTensor(run("pad", [t], { paddings, value: v }), { dtype, shape: e.shape, values: e.data });
      });
    });

    dtypeTest(ctx, ["float32", "float64"], "NaN and infinite fill values", (dtype) => {
      const x = tensor([1], [1], dtype);
      expectTensor(run("pad", [x], { paddings: [[1, 1]], value: Number.NaN }), {
        values: [Number.NaN, 1, Number.NaN],
      });
      expectTensor(run("pad", [x], { paddings: [[0, 1]], value: Number.NEGATIVE_INFINITY }), {
        values: [1, Number.NEGATIVE_INFINITY],
      });
    });

    test("hand-worked", () => {
      const x = tensor([1, 2, 3, 4], [2, 2]);
      expectTensor(
        run("pad", [x], {
          paddings: [
            [1, 0],
            [0, 1],
          ],
          value: 0,
        }),
        { shape: [3, 3], values: [0, 0, 0, 1, 2, 0, 3, 4, 0] },
      );
    });

    test("errors", () => {
      const x = tensor([1, 2, 3, 4], [2, 2]);
      expectError(
        () => run("pad", [x], { paddings: [[1, 1]], value: 0 }),
        ShapeError,
        /^pad: paddings must have one \[before, after\] pair per axis \(2\), got 1/,
      );
      expectError(
        () =>
          run("pad", [x], {
            paddings: [
              [-1, 0],
              [0, 0],
            ],
            value: 0,
          }),
        ValueError,
        /^pad: each padding must be two non-negative integers, got \[-1,0\]/,
      );
      expectError(
        () =>
          run("pad", [x], {
            paddings: [
              [0, 0],
              [0.5, 0],
            ],
            value: 0,
          }),
        ValueError,
        /^pad: each padding must be two non-negative integers, got \[0.5,0\]/,
      );
    });
  });

  describe("concat", () => {
    dtypeTest(ctx, ALL, "along every axis, with empty parts", (dtype) => {
      const cases: [number[][], number][] = [
        [[[3], [2]], 0],
        [[[3]], 0],
        [
          [
            [2, 3],
            [1, 3],
            [4, 3],
          ],
          0,
        ],
        [
          [
            [2, 3],
            [2, 1],
            [2, 0],
            [2, 2],
          ],
          1,
        ],
        [
          [
            [0, 3],
            [0, 3],
          ],
          0,
        ],
        [
          [
            [0, 3],
            [0, 2],
          ],
          1,
        ],
        [
          [
            [2, 1, 3],
            [2, 2, 3],
          ],
          1,
        ],
        [
          [
            [1, 2, 1, 2, 1, 2],
            [1, 2, 1, 2, 1, 1],
          ],
          5,
        ],
      ];
      cases.forEach(([shapes, axis], k) => {
        const parts = shapes.map((s, j) => randomTensor(s, dtype, 10 * k + j, -9, 9));
        const e = concatRef(
          parts.map((p) => p.ref),
          axis,
        );
        expectTensor(
          run(
            "concat",
            parts.map((p) => p.t),
            { axis },
          ),
          { dtype, shape: e.shape, values: e.data },
        );
      });
    });

    test("hand-worked", () => {
      const a = tensor([1, 2, 3, 4], [2, 2]);
      const b = tensor([5, 6], [2, 1]);
      expectTensor(run("concat", [a, b], { axis: 1 }), { shape: [2, 3], values: [1, 2, 5, 3, 4, 6] });
      expectTensor(run("concat", [a, a], { axis: 0 }), { shape: [4, 2], values: [1, 2, 3, 4, 1, 2, 3, 4] });
    });

    test("errors", () => {
      const a = tensor(new Array(9).fill(0), [3, 3]);
      expectError(() => run("concat", [], { axis: 0 }), ValueError, /^concat: needs at least one tensor/);
      expectError(
        () => run("concat", [a, tensor(new Array(8).fill(0), [2, 4])], { axis: 1 }),
        ShapeError,
        /^concat: tensors\[1\] has shape \[2,4\], which does not match \[3,3\] outside axis 1/,
      );
      expectError(
        () => run("concat", [a, tensor(new Array(3).fill(0), [3])], { axis: 0 }),
        ShapeError,
        /^concat: tensors\[1\] has shape \[3\], which does not match \[3,3\] outside axis 0/,
      );
      expectError(
        () => run("concat", [a, a], { axis: 2 }),
        ShapeError,
        /^concat: axis 2 is out of range for rank 2/,
      );
      expectError(
        () => run("concat", [tensor([1], [])], { axis: 0 }),
        ShapeError,
        /^concat: axis 0 is out of range for rank 0/,
      );
      expectError(
        () => run("concat", [a, tensor(new Array(9).fill(0), [3, 3], "int32")], { axis: 0 }),
        DTypeError,
        /^concat: tensors\[0\] and tensors\[1\] must have the same dtype, got float32 and int32/,
      );
    });

    property(
      ctx,
      "concat then slice gives the parts back",
      fc.record({
        shape: shapeArb(1, 4, 0, 3),
        extra: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        axisPick: fc.nat(),
        seed: seedArb,
        dtype: dtypeArb,
      }),
      ({ shape, extra, axisPick, seed, dtype }) => {
        const axis = axisPick % shape.length;
        const parts = extra.map((n, j) =>
          randomTensor(
            shape.map((d, i) => (i === axis ? n : d)),
            dtype,
            seed + j,
            -9,
            9,
          ),
        );
        const y = run(
          "concat",
          parts.map((p) => p.t),
          { axis },
        );
        let offset = 0;
        for (const p of parts) {
          const begin = shape.map((_, i) => (i === axis ? offset : 0));
          expectTensor(run("slice", [y], { begin, size: p.t.shape }), {
            dtype,
            shape: p.t.shape,
            values: p.ref.data,
          });
          offset += p.t.shape[axis];
        }
        expect(y.shape[axis]).toBe(offset);
      },
    );
  });
}
