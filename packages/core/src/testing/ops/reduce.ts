import { describe, expect, it } from "vitest";
import { ShapeError, ValueError } from "../../errors.ts";
import * as ax from "../../ops/index.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import { expectError, floatDTypes, randomValues, stored } from "./helpers.ts";

const X = [
  [1, 2, 3],
  [4, 5, 6],
];

export function reduceTests(ctx: ConformanceContext): void {
  describe("reductions", () => {
    it("sum over all axes, one axis, negative axes, several axes and keepDims", () => {
      const x = ax.tensor(X);
      expectAllClose(ax.sum(x), [21], undefined, []);
      expectAllClose(ax.sum(x, 0), [5, 7, 9], undefined, [3]);
      expectAllClose(ax.sum(x, -1), [6, 15], undefined, [2]);
      expectAllClose(ax.sum(x, [0, 1]), [21], undefined, []);
      expectAllClose(ax.sum(x, [-1, 0], true), [21], undefined, [1, 1]);
      expectAllClose(ax.sum(x, 1, true), [6, 15], undefined, [2, 1]);
      expectAllClose(ax.sum(x, []), [1, 2, 3, 4, 5, 6], undefined, [2, 3]);
      expectAllClose(x.sum(0, true), [5, 7, 9], undefined, [1, 3]);
    });

    it("sum of bool and int32 is int32; an empty sum is 0", () => {
      const b = ax.sum(ax.tensor([true, true, false]));
      expect(b.dtype).toBe("int32");
      expectAllClose(b, [2]);
      const i = ax.sum(
        ax.tensor(
          [
            [1, 2],
            [3, 4],
          ],
          undefined,
          "int32",
        ),
        1,
      );
      expect(i.dtype).toBe("int32");
      expectAllClose(i, [3, 7]);
      expectAllClose(ax.sum(ax.zeros([0, 3]), 0), [0, 0, 0], undefined, [3]);
      expectAllClose(ax.sum(ax.zeros([0])), [0], undefined, []);
      expectAllClose(ax.sum(ax.tensor(4)), [4], undefined, []);
    });

    it("mean, including int32 (float32 result) and the NaN mean of nothing", () => {
      const x = ax.tensor(X);
      expectAllClose(ax.mean(x), [3.5], ctx.tol("float32"), []);
      expectAllClose(ax.mean(x, 0), [2.5, 3.5, 4.5], ctx.tol("float32"));
      expectAllClose(ax.mean(x, -1, true), [2, 5], ctx.tol("float32"), [2, 1]);
      const i = ax.mean(ax.tensor([1, 2], undefined, "int32"));
      expect(i.dtype).toBe("float32");
      expectAllClose(i, [1.5], ctx.tol("float32"));
      expectAllClose(ax.mean(ax.zeros([0])), [Number.NaN]);
    });

    it("max and min, with bool meaning any and all; NaN wins", () => {
      const x = ax.tensor([
        [1, 9, 3],
        [4, -5, 6],
      ]);
      expectAllClose(ax.max(x), [9], undefined, []);
      expectAllClose(ax.min(x, 1), [1, -5]);
      expectAllClose(ax.max(x, 0, true), [4, 9, 6], undefined, [1, 3]);
      expectAllClose(ax.max(ax.tensor([1, Number.NaN, 3])), [Number.NaN]);
      const b = ax.tensor([
        [true, false],
        [true, true],
      ]);
      const mx = ax.max(b, 1);
      expect(mx.dtype).toBe("bool");
      expect(mx.array()).toEqual([true, true]);
      expect(ax.min(b, 1).array()).toEqual([false, true]);
      expect(ax.max(ax.tensor([2, 7], undefined, "int32")).dtype).toBe("int32");
      expectError(() => ax.max(ax.zeros([2, 0]), 1), ShapeError, "max", ["axis 1", "size 0", "[2,0]"]);
    });

    it("any and all", () => {
      const b = ax.tensor([
        [true, false],
        [false, false],
      ]);
      expect(ax.any(b, 1).array()).toEqual([true, false]);
      expect(ax.all(b, 0).array()).toEqual([false, false]);
      expect(ax.all(ax.tensor([1, 2])).array()).toBe(true);
      expect(ax.any(ax.tensor([0, 0])).array()).toBe(false);
      expect(ax.all(ax.zeros([0])).array()).toBe(true);
      expect(ax.any(b, 1, true).shape).toEqual([2, 1]);
    });

    it("argmax and argmin: first extreme; no axis means the flattened index", () => {
      const x = ax.tensor([
        [1, 9, 9],
        [7, -5, 6],
      ]);
      const a = ax.argmax(x);
      expect(a.dtype).toBe("int32");
      expectAllClose(a, [1], undefined, []);
      expectAllClose(ax.argmin(x), [4], undefined, []);
      expectAllClose(ax.argmax(x, 0), [1, 0, 0]);
      expectAllClose(ax.argmax(x, -1), [1, 0]);
      expectAllClose(ax.argmin(x, 1, true), [0, 1], undefined, [2, 1]);
      expectAllClose(ax.argmax(x, undefined, true), [1], undefined, [1, 1]);
      expectAllClose(ax.argmax(ax.tensor(3)), [0], undefined, []);
      expectAllClose(ax.argmax(ax.tensor([false, true])), [1]);
      expectError(() => ax.argmax(x, 2), ShapeError, "argmax", ["axis 2", "rank 2"]);
      expectError(() => ax.argmax(ax.zeros([0])), ShapeError, "argmax", ["empty", "[0]"]);
    });

    for (const dtype of floatDTypes(ctx)) {
      it(`logSumExp matches a float64 reference (${dtype})`, () => {
        const v = randomValues(12, 5, -20, 20);
        const y = ax.logSumExp(ax.tensor(v, [3, 4], dtype), 1);
        const ref = [0, 1, 2].map((r) => {
          const row = v.slice(r * 4, r * 4 + 4);
          const m = Math.max(...row);
          return stored(m + Math.log(row.reduce((s, z) => s + Math.exp(z - m), 0)), dtype);
        });
        expectAllClose(y, ref, ctx.tol(dtype), [3]);
      });
    }

    it("logSumExp is stable: [1000, 1000], -Inf rows and +Inf", () => {
      const x = ax.tensor([
        [1000, 1000],
        [-1000, -1000],
        [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
        [0, Number.NEGATIVE_INFINITY],
        [Number.POSITIVE_INFINITY, 0],
      ]);
      const y = ax.logSumExp(x, -1);
      expectAllClose(
        y,
        [1000 + Math.LN2, -1000 + Math.LN2, Number.NEGATIVE_INFINITY, 0, Number.POSITIVE_INFINITY],
        ctx.tol("float32"),
        [5],
      );
      expectAllClose(
        ax.logSumExp(ax.tensor([1, 2, 3]), undefined, true),
        [Math.log(Math.E + Math.E ** 2 + Math.E ** 3)],
        ctx.tol("float32"),
        [1],
      );
      expectAllClose(ax.logSumExp(ax.zeros([0])), [Number.NEGATIVE_INFINITY], undefined, []);
      expect(ax.logSumExp(ax.tensor([1, 2], undefined, "int32")).dtype).toBe("float32");
    });

    for (const dtype of floatDTypes(ctx)) {
      it(`moments gives the mean and population variance (${dtype})`, () => {
        const v = randomValues(24, 9, -3, 3);
        const { mean, variance } = ax.moments(ax.tensor(v, [2, 3, 4], dtype), [0, 2]);
        expect(mean.shape).toEqual([3]);
        expect(variance.shape).toEqual([3]);
        const ms: number[] = [];
        const vs: number[] = [];
        for (let j = 0; j < 3; j++) {
          const xs = [0, 1].flatMap((i) => [0, 1, 2, 3].map((k) => v[i * 12 + j * 4 + k]));
          const m = xs.reduce((a, b) => a + b, 0) / xs.length;
          ms.push(stored(m, dtype));
          vs.push(stored(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length, dtype));
        }
        expectAllClose(mean, ms, ctx.tol(dtype));
        expectAllClose(variance, vs, ctx.tol(dtype));
      });
    }

    it("moments keeps dims on request and stays accurate far from zero", () => {
      const { mean, variance } = ax.moments(ax.tensor([10001, 10002, 10003]), 0, true);
      expect(mean.shape).toEqual([1]);
      expectAllClose(mean, [10002], ctx.tol("float32"));
      expectAllClose(variance, [2 / 3], ctx.tol("float32"));
      const all = ax.moments(ax.tensor(X));
      expectAllClose(all.mean, [3.5], ctx.tol("float32"), []);
      expectAllClose(all.variance, [35 / 12], ctx.tol("float32"), []);
    });

    it("refuses bad axes, naming the op, the axis and the rank", () => {
      const x = ax.zeros([2, 3]);
      expectError(() => ax.sum(x, 2), ShapeError, "sum", ["axis 2", "rank 2", "-2..1"]);
      expectError(() => ax.mean(x, -3), ShapeError, "mean", ["axis -3", "rank 2"]);
      expectError(() => ax.sum(x, [0, -2]), ShapeError, "sum", ["repeat"]);
      expectError(() => ax.sum(x, 0.5), ValueError, "sum", ["axis", "integer", "0.5"]);
      expectError(() => ax.sum(x, 0, "yes" as never), ValueError, "sum", [
        "keepDims",
        "true or false",
        "'yes'",
      ]);
      expectError(() => ax.logSumExp(x, 5), ShapeError, "logSumExp", ["axis 5", "rank 2"]);
    });
  });
}
