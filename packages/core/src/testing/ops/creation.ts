import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../errors.ts";
import * as ax from "../../ops/index.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import { expectError, hasFloat64 } from "./helpers.ts";

export function creationTests(ctx: ConformanceContext): void {
  describe("creation", () => {
    it("tensor infers the shape from nesting and float32 for numbers", () => {
      const t = ax.tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(t.dtype).toBe("float32");
      expectAllClose(t, [1, 2, 3, 4, 5, 6], undefined, [2, 3]);
      expect(t.array()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(ax.tensor([[[7]]]).shape).toEqual([1, 1, 1]);
    });

    it("tensor of a number or boolean is a scalar", () => {
      const s = ax.tensor(2.5);
      expect(s.shape).toEqual([]);
      expect(s.dtype).toBe("float32");
      expect(s.array()).toBe(2.5);
      const b = ax.tensor(true);
      expect(b.dtype).toBe("bool");
      expect(b.array()).toBe(true);
      expect(ax.scalar(3, "int32").dtype).toBe("int32");
      expect(ax.scalar(3).shape).toEqual([]);
    });

    it("tensor infers bool for booleans", () => {
      const t = ax.tensor([
        [true, false],
        [false, true],
      ]);
      expect(t.dtype).toBe("bool");
      expect(t.array()).toEqual([
        [true, false],
        [false, true],
      ]);
    });

    it("tensor takes the dtype of a typed array", () => {
      expect(ax.tensor(new Float32Array([1, 2])).dtype).toBe("float32");
      const i = ax.tensor(new Int32Array([1, -2, 3]));
      expect(i.dtype).toBe("int32");
      expectAllClose(i, [1, -2, 3], undefined, [3]);
      const b = ax.tensor(new Uint8Array([0, 1, 255]));
      expect(b.dtype).toBe("bool");
      expect(b.array()).toEqual([false, true, true]);
      expectAllClose(b, [0, 1, 1]);
      expect(ax.tensor(new Int16Array([1, 2])).dtype).toBe("int32");
      if (hasFloat64(ctx)) {
        const d = ax.tensor(new Float64Array([0.1, 0.2]));
        expect(d.dtype).toBe("float64");
        expectAllClose(d, [0.1, 0.2]);
      }
    });

    it("tensor reshapes flat values with a shape, and refuses a size mismatch", () => {
      expectAllClose(ax.tensor([1, 2, 3, 4, 5, 6], [2, 3]), [1, 2, 3, 4, 5, 6], undefined, [2, 3]);
      expectAllClose(ax.tensor(new Float32Array([1, 2, 3, 4]), [2, 2]), [1, 2, 3, 4], undefined, [2, 2]);
      expectAllClose(
        ax.tensor(
          [
            [1, 2],
            [3, 4],
          ],
          [4],
        ),
        [1, 2, 3, 4],
        undefined,
        [4],
      );
      expectAllClose(ax.tensor(5, [1, 1]), [5], undefined, [1, 1]);
      expectError(() => ax.tensor([1, 2, 3], [2, 2]), ShapeError, "tensor", [
        "shape [2,2]",
        "4 values",
        "got 3",
      ]);
      expectError(() => ax.tensor(new Float32Array(5), [2, 3]), ShapeError, "tensor", [
        "[2,3]",
        "6 values",
        "got 5",
      ]);
    });

    it("tensor converts to a given dtype", () => {
      const i = ax.tensor([1.7, -1.7, 3], undefined, "int32");
      expect(i.dtype).toBe("int32");
      expectAllClose(i, [1, -1, 3]);
      const b = ax.tensor([0, 2, -0.5], undefined, "bool");
      expect(b.array()).toEqual([false, true, true]);
      const f = ax.tensor([true, false], undefined, "float32");
      expectAllClose(f, [1, 0]);
      expectAllClose(ax.tensor(new Int32Array([3, 4]), [2], "float32"), [3, 4]);
    });

    it("tensor handles empty arrays", () => {
      const e = ax.tensor([]);
      expect(e.shape).toEqual([0]);
      expect(e.dtype).toBe("float32");
      expect(ax.tensor([[], []]).shape).toEqual([2, 0]);
      expect(ax.tensor([], [0, 3]).shape).toEqual([0, 3]);
    });

    it("tensor refuses ragged arrays and non-numbers, naming the element", () => {
      expectError(() => ax.tensor([[1, 2], [3]]), ShapeError, "tensor", [
        "ragged",
        "[1]",
        "length 1",
        "expected 2",
      ]);
      expectError(() => ax.tensor([1, [2]] as never), ShapeError, "tensor", ["ragged", "[1]"]);
      expectError(() => ax.tensor([[1], 2] as never), ShapeError, "tensor", ["ragged", "[1]", "number 2"]);
      expectError(() => ax.tensor(["a"] as never), ValueError, "tensor", ["[0]", "number or boolean", "'a'"]);
      expectError(() => ax.tensor([1], undefined, "float16" as never), ValueError, "tensor", [
        "dtype",
        "float16",
      ]);
      expectError(() => ax.tensor([1], [-1]), ValueError, "tensor", ["shape", "[-1]"]);
      expectError(() => ax.tensor(ax.tensor(1) as never), ValueError, "tensor", ["already a Tensor"]);
    });

    it("zeros, ones and full", () => {
      const z = ax.zeros([2, 3]);
      expect(z.dtype).toBe("float32");
      expectAllClose(z, new Array(6).fill(0), undefined, [2, 3]);
      expectAllClose(ax.ones([2], "int32"), [1, 1], undefined, [2]);
      expect(ax.ones([2], "int32").dtype).toBe("int32");
      expectAllClose(ax.full([2, 2], 7), [7, 7, 7, 7], undefined, [2, 2]);
      expect(ax.full([1], true).dtype).toBe("bool");
      expect(ax.full([1], 3, "int32").dtype).toBe("int32");
      expect(ax.zeros([]).shape).toEqual([]);
      expect(ax.zeros([0, 4]).size).toBe(0);
      expect(ax.ones([3], "bool").array()).toEqual([true, true, true]);
      expectError(() => ax.zeros([2, -1]), ValueError, "zeros", ["shape", "[2,-1]"]);
      expectError(() => ax.full([2], "x" as never), ValueError, "full", ["value", "'x'"]);
    });

    it("zerosLike, onesLike and fullLike keep shape and dtype", () => {
      const x = ax.tensor([[1, 2]], undefined, "int32");
      const z = ax.zerosLike(x);
      expect([z.shape, z.dtype]).toEqual([[1, 2], "int32"]);
      expectAllClose(z, [0, 0]);
      const o = ax.onesLike(x, "float32");
      expect(o.dtype).toBe("float32");
      expectAllClose(o, [1, 1]);
      expectAllClose(ax.fullLike(x, 4), [4, 4]);
      expectAllClose(x.zerosLike(), [0, 0]);
      expectError(() => ax.zerosLike([1, 2] as never), ValueError, "zerosLike", [
        "x must be a Tensor",
        "array",
      ]);
    });

    it("arange counts like Python's range", () => {
      expectAllClose(ax.arange(5), [0, 1, 2, 3, 4], undefined, [5]);
      expect(ax.arange(5).dtype).toBe("float32");
      expectAllClose(ax.arange(1, 2, 0.25), [1, 1.25, 1.5, 1.75], undefined, [4]);
      expectAllClose(ax.arange(5, 0, -2), [5, 3, 1]);
      expect(ax.arange(3, 1).shape).toEqual([0]);
      const i = ax.arange(2, 5, 1, "int32");
      expect(i.dtype).toBe("int32");
      expectAllClose(i, [2, 3, 4]);
      expectError(() => ax.arange(0, 5, 0), ValueError, "arange", ["step", "nonzero", "0"]);
      expectError(() => ax.arange(0, Number.POSITIVE_INFINITY), ValueError, "arange", [
        "stop",
        "finite",
        "Infinity",
      ]);
    });

    it("linspace includes both ends", () => {
      expectAllClose(ax.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], undefined, [5]);
      expectAllClose(ax.linspace(2, 2, 1), [2], undefined, [1]);
      expect(ax.linspace(0, 1, 0).shape).toEqual([0]);
      expectAllClose(ax.linspace(1, -1, 3), [1, 0, -1]);
      expectError(() => ax.linspace(0, 1, 2.5), ValueError, "linspace", [
        "num",
        "non-negative integer",
        "2.5",
      ]);
    });

    it("eye makes identity matrices", () => {
      expectAllClose(ax.eye(3), [1, 0, 0, 0, 1, 0, 0, 0, 1], undefined, [3, 3]);
      expectAllClose(ax.eye(2, 3), [1, 0, 0, 0, 1, 0], undefined, [2, 3]);
      expectAllClose(ax.eye(3, 2), [1, 0, 0, 1, 0, 0], undefined, [3, 2]);
      expect(ax.eye(2, 2, "int32").dtype).toBe("int32");
      expect(ax.eye(0).shape).toEqual([0, 0]);
      expectError(() => ax.eye(-1), ValueError, "eye", ["n", "non-negative integer", "-1"]);
    });
  });
}
