import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../errors.ts";
import * as ax from "../../ops/index.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import {
  conv2dRef,
  expectError,
  floatDTypes,
  matmulRef,
  randomValues,
  sizeOfShape,
  stored,
} from "./helpers.ts";

export function linalgTests(ctx: ConformanceContext): void {
  describe("matmul", () => {
    for (const dtype of floatDTypes(ctx)) {
      it(`2-D products with every transpose combination (${dtype})`, () => {
        const a = randomValues(6, 1);
        const b = randomValues(12, 2);
        const ref = matmulRef(a, b, 1, 2, 3, 4).map((v) => stored(v, dtype));
        const A = ax.tensor(a, [2, 3], dtype);
        const B = ax.tensor(b, [3, 4], dtype);
        expectAllClose(ax.matmul(A, B), ref, ctx.tol(dtype), [2, 4]);
        expectAllClose(ax.matmul(ax.transpose(A), B, true), ref, ctx.tol(dtype), [2, 4]);
        expectAllClose(ax.matmul(A, ax.transpose(B), false, true), ref, ctx.tol(dtype), [2, 4]);
        expectAllClose(ax.matmul(ax.transpose(A), ax.transpose(B), true, true), ref, ctx.tol(dtype), [2, 4]);
      });
    }

    it("1-D operands work like NumPy", () => {
      const m = ax.tensor([
        [1, 2],
        [3, 4],
      ]);
      const v = ax.tensor([1, 10]);
      expectAllClose(ax.matmul(v, m), [31, 42], undefined, [2]);
      expectAllClose(ax.matmul(m, v), [21, 43], undefined, [2]);
      expectAllClose(ax.matmul(v, v), [101], undefined, []);
      const batch = ax.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
      expectAllClose(ax.matmul(batch, v), [21, 43, 65, 87], undefined, [2, 2]);
      expectAllClose(ax.matmul(v, batch), [31, 42, 75, 86], undefined, [2, 2]);
    });

    it("batch dimensions broadcast", () => {
      const a = randomValues(2 * 2 * 3, 3);
      const b = randomValues(3 * 3 * 4, 4);
      const y = ax.matmul(ax.tensor(a, [2, 1, 2, 3]), ax.tensor(b, [3, 3, 4]));
      expect(y.shape).toEqual([2, 3, 2, 4]);
      const expected: number[] = [];
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++)
          expected.push(...matmulRef(a.slice(i * 6, i * 6 + 6), b.slice(j * 12, j * 12 + 12), 1, 2, 3, 4));
      expectAllClose(y, expected, ctx.tol("float32"));
    });

    it("int32 matmul stays int32; mixed dtypes promote", () => {
      const i = ax.tensor([1, 2, 3, 4], [2, 2], "int32");
      const y = ax.matmul(i, i);
      expect(y.dtype).toBe("int32");
      expectAllClose(y, [7, 10, 15, 22]);
      expect(ax.matmul(i, ax.eye(2)).dtype).toBe("float32");
    });

    it("dot: vectors give a scalar, matrices a product", () => {
      expectAllClose(ax.dot(ax.tensor([1, 2, 3]), ax.tensor([4, 5, 6])), [32], undefined, []);
      expectAllClose(ax.dot(ax.eye(2), ax.tensor([3, 4])), [3, 4], undefined, [2]);
      expectAllClose(ax.dot(ax.tensor(2), ax.tensor([3, 4])), [6, 8]);
      expectError(() => ax.dot(ax.zeros([1, 2, 2]), ax.zeros([2])), ShapeError, "dot", [
        "rank <= 2",
        "[1,2,2]",
      ]);
      expectError(() => ax.dot(ax.zeros([3]), ax.zeros([2])), ShapeError, "dot", [
        "inner dimensions",
        "[3]",
        "[2]",
      ]);
    });

    it("refuses mismatched inner dimensions, naming both shapes", () => {
      expectError(() => ax.matmul(ax.zeros([32, 784]), ax.zeros([100, 10])), ShapeError, "matmul", [
        "inner dimensions",
        "[32,784]",
        "[100,10]",
      ]);
      expectError(() => ax.matmul(ax.zeros([2, 3]), ax.zeros([2, 3]), false, false), ShapeError, "matmul", [
        "[2,3]",
      ]);
      expectError(() => ax.matmul(ax.tensor(1), ax.zeros([2])), ShapeError, "matmul", ["rank >= 1", "[]"]);
      expectError(() => ax.matmul(ax.zeros([2, 2, 2]), ax.zeros([3, 2, 2])), ShapeError, "matmul", [
        "[2]",
        "[3]",
      ]);
    });
  });

  describe("conv2d and pooling", () => {
    it("resolves 'same' padding like TensorFlow", () => {
      // H = 5, k = 3, s = 2: out 3, total (3−1)·2 + 3 − 5 = 2 → [1, 1].
      expect(ax.resolvePadding("conv2d", "same", [5, 5], [3, 3], [2, 2])).toEqual([
        [1, 1],
        [1, 1],
      ]);
      // H = 6, k = 3, s = 2: out 3, total (3−1)·2 + 3 − 6 = 1 → the extra row goes to the bottom.
      expect(ax.resolvePadding("conv2d", "same", [6, 6], [3, 3], [2, 2])).toEqual([
        [0, 1],
        [0, 1],
      ]);
      // H = 5, k = 3, d = 2, s = 1: span 5, total 4 → [2, 2]; W = 4, k = 2, s = 3: out 2, total 3+2−4 = 1.
      expect(ax.resolvePadding("conv2d", "same", [5, 4], [3, 2], [1, 3], [2, 1])).toEqual([
        [2, 2],
        [0, 1],
      ]);
      // A stride larger than the window can need no padding at all.
      expect(ax.resolvePadding("conv2d", "same", [4, 4], [1, 1], [2, 2])).toEqual([
        [0, 0],
        [0, 0],
      ]);
      expect(ax.resolvePadding("conv2d", 2, [4, 4], [3, 3], [1, 1])).toEqual([
        [2, 2],
        [2, 2],
      ]);
      expect(ax.resolvePadding("conv2d", "valid", [4, 4], [3, 3], [1, 1])).toEqual([
        [0, 0],
        [0, 0],
      ]);
    });

    it("conv2d with 'same' padding on a hand-worked case", () => {
      // All-ones 5×5 input and 3×3 filter, stride 2, 'same': each output counts the in-bounds taps.
      const y = ax.conv2d(ax.ones([1, 5, 5, 1]), ax.ones([3, 3, 1, 1]), { padding: "same", strides: 2 });
      expectAllClose(y, [4, 6, 4, 6, 9, 6, 4, 6, 4], undefined, [1, 3, 3, 1]);
    });

    for (const dtype of floatDTypes(ctx)) {
      const cases: [string, ax.Conv2DOptions][] = [
        ["valid", {}],
        ["same, stride 2", { padding: "same", strides: 2 }],
        [
          "explicit, dilation 2",
          {
            padding: [
              [1, 0],
              [2, 1],
            ],
            dilations: 2,
          },
        ],
        ["number padding, strides [1,2]", { padding: 1, strides: [1, 2] }],
      ];
      for (const [name, options] of cases) {
        it(`conv2d matches a float64 reference: ${name} (${dtype})`, () => {
          const xs = [2, 6, 7, 3];
          const fs = [3, 3, 3, 2];
          const x = randomValues(sizeOfShape(xs), 11);
          const f = randomValues(sizeOfShape(fs), 12);
          const strides =
            typeof options.strides === "number"
              ? ([options.strides, options.strides] as const)
              : (options.strides ?? [1, 1]);
          const dil =
            typeof options.dilations === "number"
              ? ([options.dilations, options.dilations] as const)
              : (options.dilations ?? [1, 1]);
          const pad = ax.resolvePadding("conv2d", options.padding ?? "valid", [6, 7], [3, 3], strides, dil);
          const ref = conv2dRef(x, xs, f, fs, strides, pad, dil);
          const y = ax.conv2d(ax.tensor(x, xs, dtype), ax.tensor(f, fs, dtype), options);
          expectAllClose(
            y,
            ref.data.map((v) => stored(v, dtype)),
            ctx.tol(dtype),
            ref.shape,
          );
        });
      }
    }

    it("conv2d takes an unbatched [H, W, C] input", () => {
      const y = ax.conv2d(ax.ones([4, 4, 2]), ax.ones([2, 2, 2, 3]));
      expectAllClose(y, new Array(27).fill(8), undefined, [3, 3, 3]);
    });

    it("the conv2d backprops are the adjoints of conv2d", () => {
      const dtype = floatDTypes(ctx).at(-1)!;
      const xs = [1, 5, 6, 2];
      const fs = [3, 2, 2, 3];
      for (const options of [
        { padding: "same", strides: 2 },
        {
          padding: [
            [0, 1],
            [1, 1],
          ],
          dilations: [2, 1],
        },
      ] as ax.Conv2DOptions[]) {
        const x = ax.tensor(randomValues(sizeOfShape(xs), 21), xs, dtype);
        const f = ax.tensor(randomValues(sizeOfShape(fs), 22), fs, dtype);
        const y = ax.conv2d(x, f, options);
        const dy = ax.tensor(randomValues(y.size, 23), y.shape, dtype);
        const lhs = ax.sum(ax.mul(y, dy)).dataSync()[0];
        const dx = ax.conv2dBackpropInput(dy, f, xs, options);
        const df = ax.conv2dBackpropFilter(x, dy, fs, options);
        expect(dx.shape).toEqual(xs);
        expect(df.shape).toEqual(fs);
        const viaInput = ax.sum(ax.mul(x, dx)).dataSync()[0];
        const viaFilter = ax.sum(ax.mul(f, df)).dataSync()[0];
        const tol = dtype === "float64" ? 1e-10 : 1e-4;
        expect(Math.abs(viaInput - lhs)).toBeLessThan(tol * (1 + Math.abs(lhs)));
        expect(Math.abs(viaFilter - lhs)).toBeLessThan(tol * (1 + Math.abs(lhs)));
      }
    });

    it("conv2d refuses bad arguments, naming them", () => {
      const x = ax.zeros([1, 4, 4, 2]);
      expectError(() => ax.conv2d(x, ax.zeros([3, 3, 3, 1])), ShapeError, "conv2d", [
        "channels",
        "[1,4,4,2]",
        "[3,3,3,1]",
      ]);
      expectError(() => ax.conv2d(x, ax.zeros([3, 3, 2])), ShapeError, "conv2d", [
        "filter",
        "rank 4",
        "[3,3,2]",
      ]);
      expectError(
        () => ax.conv2d(x, ax.zeros([3, 3, 2, 1]), { padding: "full" as never }),
        ValueError,
        "conv2d",
        ["padding", "'same'", "'full'"],
      );
      expectError(() => ax.conv2d(x, ax.zeros([3, 3, 2, 1]), { strides: 0 }), ValueError, "conv2d", [
        "strides",
        "positive",
        "[0,0]",
      ]);
      expectError(() => ax.conv2d(x, ax.zeros([5, 5, 2, 1])), ShapeError, "conv2d", ["window", "larger"]);
    });

    it("maxPool and avgPool on a hand-worked case", () => {
      const x = ax.tensor(
        Array.from({ length: 16 }, (_, i) => i),
        [1, 4, 4, 1],
      );
      expectAllClose(ax.maxPool(x, { filterSize: 2 }), [5, 7, 13, 15], undefined, [1, 2, 2, 1]);
      expectAllClose(
        ax.avgPool(x, { filterSize: 2 }),
        [2.5, 4.5, 10.5, 12.5],
        ctx.tol("float32"),
        [1, 2, 2, 1],
      );
      expectAllClose(ax.maxPool(x, { filterSize: 3, strides: 1 }), [10, 11, 14, 15], undefined, [1, 2, 2, 1]);
      expectAllClose(
        ax.maxPool(x, { filterSize: [1, 4], strides: [2, 1] }),
        [3, 11],
        undefined,
        [1, 2, 1, 1],
      );
    });

    it("'same' pooling pads at the bottom/right and averages only in-bounds elements", () => {
      // 3×3 input, window 2, stride 2: out 2, total padding 1 → [0, 1].
      const x = ax.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3, 1]);
      expectAllClose(ax.maxPool(x, { filterSize: 2, padding: "same" }), [5, 6, 8, 9], undefined, [2, 2, 1]);
      expectAllClose(
        ax.avgPool(x, { filterSize: 2, padding: "same" }),
        [3, 4.5, 7.5, 9],
        undefined,
        [2, 2, 1],
      );
      expectAllClose(
        ax.maxPool(ax.neg(x), { filterSize: 2, padding: "same" }),
        [-1, -3, -7, -9],
        undefined,
        [2, 2, 1],
      );
      const i = ax.avgPool(ax.tensor([1, 2, 3, 4], [1, 2, 2, 1], "int32"), { filterSize: 2 });
      expect(i.dtype).toBe("float32");
      expectAllClose(i, [2.5], ctx.tol("float32"));
      expectError(() => ax.maxPool(x, {} as never), ValueError, "maxPool", ["filterSize"]);
      expectError(() => ax.avgPool(ax.zeros([4, 4]), { filterSize: 2 }), ShapeError, "avgPool", [
        "rank 4",
        "[4,4]",
      ]);
    });
  });
}
