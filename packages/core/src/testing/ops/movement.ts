import { describe, expect, it } from "vitest";
import { DTypeError, ShapeError, ValueError } from "../../errors.ts";
import * as ax from "../../ops/index.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import { expectError } from "./helpers.ts";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export function movementTests(_ctx: ConformanceContext): void {
  describe("movement", () => {
    it("reshape with one inferred dimension; flatten", () => {
      const x = ax.tensor(range(6), [2, 3]);
      expectAllClose(ax.reshape(x, [3, -1]), range(6), undefined, [3, 2]);
      expectAllClose(ax.reshape(x, [-1]), range(6), undefined, [6]);
      expectAllClose(ax.reshape(ax.tensor([5]), []), [5], undefined, []);
      expect(ax.reshape(ax.zeros([0, 3]), [3, 0]).shape).toEqual([3, 0]);
      expect(ax.flatten(x).shape).toEqual([6]);
      expect(ax.flatten(ax.tensor(1)).shape).toEqual([1]);
      expectError(() => ax.reshape(x, [4, -1]), ShapeError, "reshape", ["[2,3]", "6 elements", "[4,-1]"]);
      expectError(() => ax.reshape(x, [4, 2]), ShapeError, "reshape", [
        "[2,3]",
        "6 elements",
        "[4,2]",
        "8 elements",
      ]);
      expectError(() => ax.reshape(x, [-1, -1]), ValueError, "reshape", ["at most one -1", "[-1,-1]"]);
      expectError(() => ax.reshape(ax.zeros([0]), [0, -1]), ShapeError, "reshape", ["[0]", "[0,-1]"]);
    });

    it("expandDims and squeeze, with negative axes", () => {
      const x = ax.zeros([2, 3]);
      expect(ax.expandDims(x).shape).toEqual([1, 2, 3]);
      expect(ax.expandDims(x, -1).shape).toEqual([2, 3, 1]);
      expect(ax.expandDims(x, 1).shape).toEqual([2, 1, 3]);
      expect(ax.expandDims(ax.tensor(1), 0).shape).toEqual([1]);
      const y = ax.zeros([1, 2, 1, 3, 1]);
      expect(ax.squeeze(y).shape).toEqual([2, 3]);
      expect(ax.squeeze(y, -1).shape).toEqual([1, 2, 1, 3]);
      expect(ax.squeeze(y, [0, 2]).shape).toEqual([2, 3, 1]);
      expectError(() => ax.squeeze(y, 1), ShapeError, "squeeze", [
        "axis 1",
        "size 2",
        "expected 1",
        "[1,2,1,3,1]",
      ]);
      expectError(() => ax.expandDims(x, 3), ShapeError, "expandDims", ["axis 3", "rank 3"]);
    });

    it("transpose: default reverses; perm may be negative", () => {
      const x = ax.tensor(range(6), [2, 3]);
      expectAllClose(ax.transpose(x), [0, 3, 1, 4, 2, 5], undefined, [3, 2]);
      const y = ax.tensor(range(24), [2, 3, 4]);
      const t = ax.transpose(y, [1, -1, 0]);
      expect(t.shape).toEqual([3, 4, 2]);
      expectAllClose(ax.slice(t, [1, 2, 0], [1, 1, 2]), [6, 18]);
      expect(ax.transpose(ax.tensor(3)).shape).toEqual([]);
      expectError(() => ax.transpose(y, [0, 0, 1]), ShapeError, "transpose", ["permutation", "[0,0,1]"]);
      expectError(() => ax.transpose(y, [0, 1]), ShapeError, "transpose", ["3 entries", "[2,3,4]", "[0,1]"]);
    });

    it("broadcastTo", () => {
      expectAllClose(ax.broadcastTo(ax.tensor([1, 2]), [2, 2]), [1, 2, 1, 2], undefined, [2, 2]);
      expectAllClose(ax.broadcastTo(ax.tensor([[1], [2]]), [2, 3]), [1, 1, 1, 2, 2, 2], undefined, [2, 3]);
      expectAllClose(ax.broadcastTo(ax.tensor(7), [2]), [7, 7]);
      expectError(() => ax.broadcastTo(ax.zeros([3]), [2, 2]), ShapeError, "broadcastTo", ["[3]", "[2,2]"]);
    });

    it("slice: negative begin, size -1, numbers for 1-D, missing trailing axes", () => {
      const v = ax.tensor(range(5));
      expectAllClose(ax.slice(v, 1, 2), [1, 2]);
      expectAllClose(ax.slice(v, -2), [3, 4]);
      expectAllClose(ax.slice(v, [-3], [-1]), [2, 3, 4]);
      expect(ax.slice(v, 5, 0).shape).toEqual([0]);
      const m = ax.tensor(range(12), [3, 4]);
      expectAllClose(ax.slice(m, [1, 1], [2, 2]), [5, 6, 9, 10], undefined, [2, 2]);
      expectAllClose(ax.slice(m, [2]), [8, 9, 10, 11], undefined, [1, 4]);
      expectAllClose(ax.slice(m, [0, -1], [-1, 1]), [3, 7, 11], undefined, [3, 1]);
      expectError(() => ax.slice(v, 6), ShapeError, "slice", ["begin 6", "axis 0", "size 5"]);
      expectError(() => ax.slice(v, 3, 3), ShapeError, "slice", ["begin 3", "size 3", "axis 0 of size 5"]);
      expectError(() => ax.slice(v, [0, 0]), ValueError, "slice", ["begin", "at most 1", "[0,0]"]);
    });

    it("pad with a constant", () => {
      const x = ax.tensor([
        [1, 2],
        [3, 4],
      ]);
      expectAllClose(
        ax.pad(x, [
          [1, 0],
          [0, 2],
        ]),
        [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0],
        undefined,
        [3, 4],
      );
      expectAllClose(ax.pad(ax.tensor([1]), [[1, 1]], -1), [-1, 1, -1]);
      const i = ax.pad(ax.tensor([1], undefined, "int32"), [[0, 1]], 5);
      expect(i.dtype).toBe("int32");
      expectAllClose(i, [1, 5]);
      expectError(() => ax.pad(x, [[1, 1]]), ShapeError, "pad", [
        "one [before, after] pair per axis",
        "2",
        "got 1",
      ]);
      expectError(
        () =>
          ax.pad(x, [
            [1, 1],
            [-1, 0],
          ]),
        ValueError,
        "pad",
        ["non-negative", "[-1,0]"],
      );
    });

    it("concat, stack, split and unstack round trip", () => {
      const a = ax.tensor(range(6), [2, 3]);
      const b = ax.tensor(
        range(3).map((v) => v + 10),
        [1, 3],
      );
      const c = ax.concat([a, b]);
      expectAllClose(c, [...range(6), 10, 11, 12], undefined, [3, 3]);
      const [a2, b2] = ax.split(c, [2, -1]);
      expectAllClose(a2, range(6), undefined, [2, 3]);
      expectAllClose(b2, [10, 11, 12], undefined, [1, 3]);
      const wide = ax.concat([a, a], -1);
      expect(wide.shape).toEqual([2, 6]);
      const halves = ax.split(wide, 2, 1);
      expect(halves.length).toBe(2);
      for (const h of halves) expectAllClose(h, range(6), undefined, [2, 3]);
      const s = ax.stack([a, a, a], 1);
      expect(s.shape).toEqual([2, 3, 3]);
      const back = ax.unstack(s, 1);
      expect(back.length).toBe(3);
      for (const u of back) expectAllClose(u, range(6), undefined, [2, 3]);
      expectAllClose(ax.stack([ax.tensor(1), ax.tensor(2)]), [1, 2], undefined, [2]);
      expect(ax.stack([a], -1).shape).toEqual([2, 3, 1]);
      expect(ax.split(ax.zeros([4, 2]), [0, 4, 0]).map((t) => t.shape)).toEqual([
        [0, 2],
        [4, 2],
        [0, 2],
      ]);
    });

    it("concat promotes dtypes and refuses mismatched shapes", () => {
      const c = ax.concat([ax.tensor([1], undefined, "int32"), ax.tensor([0.5])]);
      expect(c.dtype).toBe("float32");
      expectAllClose(c, [1, 0.5]);
      expectError(() => ax.concat([ax.zeros([2, 3]), ax.zeros([2, 4])]), ShapeError, "concat", [
        "tensors[1]",
        "[2,4]",
        "[2,3]",
        "axis 0",
      ]);
      expectError(() => ax.concat([]), ValueError, "concat", ["non-empty"]);
      expectError(() => ax.stack([ax.zeros([2]), ax.zeros([3])]), ShapeError, "stack", [
        "tensors[1]",
        "[3]",
        "expected [2]",
      ]);
      expectError(() => ax.split(ax.zeros([5]), 2), ValueError, "split", ["size 5", "2 equal parts"]);
      expectError(() => ax.split(ax.zeros([5]), [2, 2]), ShapeError, "split", ["[2,2]", "size 5"]);
      expectError(() => ax.split(ax.zeros([5]), [-1, -1]), ValueError, "split", ["at most one -1"]);
    });

    it("gather with number arrays (negative allowed), int32 tensors, scalars and other axes", () => {
      const x = ax.tensor(range(12), [3, 4]);
      expectAllClose(ax.gather(x, [2, 0]), [8, 9, 10, 11, 0, 1, 2, 3], undefined, [2, 4]);
      expectAllClose(ax.gather(x, [-1]), [8, 9, 10, 11], undefined, [1, 4]);
      expectAllClose(
        ax.gather(x, ax.tensor([3, 1], undefined, "int32"), 1),
        [3, 1, 7, 5, 11, 9],
        undefined,
        [3, 2],
      );
      expectAllClose(ax.gather(x, 1), [4, 5, 6, 7], undefined, [4]);
      expectAllClose(ax.gather(x, [[0], [2]], -1), [0, 2, 4, 6, 8, 10], undefined, [3, 2, 1]);
      expectError(() => ax.gather(x, [3]), ValueError, "gather", ["index 3", "size 3"]);
      expectError(() => ax.gather(x, ax.tensor([0])), DTypeError, "gather", ["indices", "int32", "float32"]);
    });

    it("scatterAdd adds slices at indices, accumulating repeats", () => {
      const x = ax.zeros([4, 2]);
      const y = ax.scatterAdd(x, [1, 3, 1], ax.tensor([1, 2, 3, 4, 5, 6], [3, 2]));
      expectAllClose(y, [0, 0, 6, 8, 0, 0, 3, 4], undefined, [4, 2]);
      const z = ax.scatterAdd(ax.ones([2, 3]), ax.tensor([2, 2], undefined, "int32"), ax.ones([2, 2]), 1);
      expectAllClose(z, [1, 1, 3, 1, 1, 3], undefined, [2, 3]);
      expectError(() => ax.scatterAdd(x, [0], ax.zeros([2, 2])), ShapeError, "scatterAdd", [
        "updates",
        "[1,2]",
        "[2,2]",
      ]);
    });

    it("oneHot, with out-of-range indices giving rows of offValue", () => {
      const o = ax.oneHot([0, 2, -1, 3], 3);
      expect(o.dtype).toBe("float32");
      expectAllClose(o, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], undefined, [4, 3]);
      const t = ax.oneHot(ax.tensor([[1], [0]], undefined, "int32"), 2, 5, -1, "int32");
      expect(t.dtype).toBe("int32");
      expectAllClose(t, [-1, 5, 5, -1], undefined, [2, 1, 2]);
      expectAllClose(ax.tensor([1], undefined, "int32").oneHot(2), [0, 1]);
      expectError(() => ax.oneHot([0], -1), ValueError, "oneHot", ["depth", "non-negative integer", "-1"]);
      expectError(() => ax.oneHot(ax.tensor([0]), 2), DTypeError, "oneHot", ["indices", "int32", "float32"]);
    });

    it("tile and reverse", () => {
      const x = ax.tensor([
        [1, 2],
        [3, 4],
      ]);
      expectAllClose(ax.tile(x, [1, 2]), [1, 2, 1, 2, 3, 4, 3, 4], undefined, [2, 4]);
      expectAllClose(ax.tile(x, [2, 1]), [1, 2, 3, 4, 1, 2, 3, 4], undefined, [4, 2]);
      expect(ax.tile(x, [0, 3]).shape).toEqual([0, 6]);
      expectAllClose(ax.reverse(x, 1), [2, 1, 4, 3]);
      expectAllClose(ax.reverse(x), [4, 3, 2, 1]);
      expectError(() => ax.tile(x, [2]), ValueError, "tile", ["2 non-negative integers", "[2,2]", "[2]"]);
    });
  });
}
