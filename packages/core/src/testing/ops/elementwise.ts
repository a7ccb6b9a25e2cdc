import { describe, expect, it } from "vitest";
import { type DType, DTYPES, isFloat, promoteTypes } from "../../dtype.ts";
import { DTypeError, ShapeError, ValueError } from "../../errors.ts";
import * as ax from "../../ops/index.ts";
import type { Tensor } from "../../tensor.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import { erfRef, expectError, floatDTypes, randomValues, stored } from "./helpers.ts";

const UNARY: [string, (x: Tensor) => Tensor, (x: number) => number, [number, number]][] = [
  ["neg", ax.neg, (x) => -x, [-5, 5]],
  ["abs", ax.abs, Math.abs, [-5, 5]],
  ["sign", ax.sign, Math.sign, [-5, 5]],
  ["exp", ax.exp, Math.exp, [-5, 5]],
  ["log", ax.log, Math.log, [0.01, 10]],
  ["log1p", ax.log1p, Math.log1p, [-0.9, 5]],
  ["expm1", ax.expm1, Math.expm1, [-3, 3]],
  ["sqrt", ax.sqrt, Math.sqrt, [0, 10]],
  ["rsqrt", ax.rsqrt, (x) => 1 / Math.sqrt(x), [0.1, 10]],
  ["reciprocal", ax.reciprocal, (x) => 1 / x, [0.1, 10]],
  ["sin", ax.sin, Math.sin, [-6, 6]],
  ["cos", ax.cos, Math.cos, [-6, 6]],
  ["tanh", ax.tanh, Math.tanh, [-5, 5]],
  ["sigmoid", ax.sigmoid, (x) => 1 / (1 + Math.exp(-x)), [-10, 10]],
  ["erf", ax.erf, erfRef, [-3, 3]],
  ["floor", ax.floor, Math.floor, [-5, 5]],
  ["ceil", ax.ceil, Math.ceil, [-5, 5]],
];

/** The dtype arithmetic gives for two tensors: promotion, with bool counted as int32. */
function arith(a: DType, b: DType): DType {
  const d = promoteTypes(a, b);
  return d === "bool" ? "int32" : d;
}

function make(dtype: DType, values: number[]): Tensor {
  return ax.tensor(dtype === "bool" ? values.map((v) => v !== 0) : values, undefined, dtype);
}

export function elementwiseTests(ctx: ConformanceContext): void {
  const dtypes = DTYPES.filter((d) => ctx.dtypes().includes(d));

  describe("unary math", () => {
    for (const dtype of floatDTypes(ctx)) {
      for (const [name, fn, ref, [lo, hi]] of UNARY) {
        it(`${name} matches a float64 reference (${dtype})`, () => {
          const v = randomValues(64, name.length * 7 + 1, lo, hi);
          const y = fn(ax.tensor(v, undefined, dtype));
          expect(y.dtype).toBe(dtype);
          expectAllClose(
            y,
            v.map((x) => stored(ref(x), dtype)),
            ctx.tol(dtype),
            [64],
          );
        });
      }
    }

    it("round rounds halves to even", () => {
      expectAllClose(ax.round(ax.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 0.4, -2.6])), [0, 2, 2, -0, -2, 0, -3]);
    });

    it("float-only math promotes int32 and bool to float32", () => {
      const i = ax.tensor([0, 1, 4], undefined, "int32");
      for (const fn of [ax.exp, ax.log, ax.sqrt, ax.tanh, ax.sigmoid, ax.erf, ax.reciprocal]) {
        expect(fn(i).dtype, fn.name).toBe("float32");
      }
      expectAllClose(ax.sqrt(i), [0, 1, 2], ctx.tol("float32"));
      expectAllClose(ax.exp(ax.tensor([true, false])), [Math.E, 1], ctx.tol("float32"));
    });

    it("floor, ceil and round leave int32 alone and return a new handle", () => {
      const i = ax.tensor([-3, 0, 7], undefined, "int32");
      for (const fn of [ax.floor, ax.ceil, ax.round]) {
        const y = fn(i);
        expect(y.dtype).toBe("int32");
        expectAllClose(y, [-3, 0, 7]);
        y.dispose();
        expect(i.isDisposed).toBe(false);
      }
    });

    it("neg, abs and sign work on int32 and refuse bool", () => {
      const i = ax.tensor([-3, 0, 7], undefined, "int32");
      expectAllClose(ax.neg(i), [3, 0, -7]);
      expectAllClose(ax.abs(i), [3, 0, 7]);
      expectAllClose(ax.sign(i), [-1, 0, 1]);
      expect(ax.abs(i).dtype).toBe("int32");
      expectError(() => ax.abs(ax.tensor([true])), DTypeError, "abs", ["x", "numeric", "bool"]);
      expectError(() => ax.exp(3 as never), ValueError, "exp", ["x must be a Tensor", "number 3"]);
    });

    it("square squares, including int32", () => {
      expectAllClose(ax.square(ax.tensor([-3, 0.5])), [9, 0.25]);
      const s = ax.square(ax.tensor([-3, 4], undefined, "int32"));
      expect(s.dtype).toBe("int32");
      expectAllClose(s, [9, 16]);
    });
  });

  describe("binary arithmetic", () => {
    const cases: [
      string,
      (a: Tensor | number, b: Tensor | number) => Tensor,
      (a: number, b: number) => number,
    ][] = [
      ["add", ax.add, (a, b) => a + b],
      ["sub", ax.sub, (a, b) => a - b],
      ["mul", ax.mul, (a, b) => a * b],
      ["div", ax.div, (a, b) => a / b],
      ["pow", ax.pow, (a, b) => a ** b],
      ["maximum", ax.maximum, Math.max],
      ["minimum", ax.minimum, Math.min],
      ["mod", ax.mod, (a, b) => a - b * Math.floor(a / b)],
      ["floorDiv", ax.floorDiv, (a, b) => Math.floor(a / b)],
    ];
    for (const dtype of floatDTypes(ctx)) {
      for (const [name, fn, ref] of cases) {
        it(`${name} broadcasts [2,1] with [3] and matches a float64 reference (${dtype})`, () => {
          const a = name === "pow" ? [0.5, 2] : [-2.5, 3.25];
          const b = name === "pow" ? [-1.5, 0.5, 3] : [0.75, -1.5, 2];
          const y = fn(ax.tensor(a, [2, 1], dtype), ax.tensor(b, [3], dtype));
          expect(y.dtype).toBe(dtype);
          const expected = a.flatMap((x) => b.map((z) => stored(ref(x, z), dtype)));
          expectAllClose(y, expected, ctx.tol(dtype), [2, 3]);
        });
      }
    }

    it("int32 arithmetic stays int32, exactly", () => {
      const a = ax.tensor([7, -7, 9], undefined, "int32");
      const b = ax.tensor([2, 2, -4], undefined, "int32");
      for (const [fn, expected] of [
        [ax.add, [9, -5, 5]],
        [ax.sub, [5, -9, 13]],
        [ax.mul, [14, -14, -36]],
        [ax.maximum, [7, 2, 9]],
        [ax.minimum, [2, -7, -4]],
        [ax.mod, [1, 1, -3]],
        [ax.floorDiv, [3, -4, -3]],
      ] as const) {
        const y = fn(a, b);
        expect(y.dtype).toBe("int32");
        expectAllClose(y, expected);
      }
    });

    it("div is true division and pow promotes integers to float32", () => {
      const a = ax.tensor([7, -7], undefined, "int32");
      const d = ax.div(a, 2);
      expect(d.dtype).toBe("float32");
      expectAllClose(d, [3.5, -3.5], ctx.tol("float32"));
      const p = ax.pow(ax.tensor([2, 3], undefined, "int32"), 2);
      expect(p.dtype).toBe("float32");
      expectAllClose(p, [4, 9], ctx.tol("float32"));
    });

    it("mod has the sign of the divisor and floorDiv agrees with it", () => {
      expectAllClose(ax.mod(ax.tensor([-7, 7, -7, 7]), ax.tensor([2, -2, -2, 2])), [1, -1, -1, 1]);
      expectAllClose(ax.floorDiv(ax.tensor([-7, 7, -7, 7]), ax.tensor([2, -2, -2, 2])), [-4, -4, 3, 3]);
      expectAllClose(ax.floorDiv(ax.tensor([6, -6, 7.5, 1, -1]), ax.tensor([3, 3, 2.5, 0, 0])), [
        2,
        -2,
        3,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ]);
      const fa = randomValues(200, 41, -1000, 1000);
      const fb = randomValues(200, 42, -3, 3);
      const fq = ax.floorDiv(ax.tensor(fa), ax.tensor(fb)).dataSync();
      const fm = ax.mod(ax.tensor(fa), ax.tensor(fb)).dataSync();
      for (let k = 0; k < 200; k++) {
        expect(Number.isInteger(fq[k])).toBe(true);
        expect(Math.abs(fq[k] * fb[k] + fm[k] - fa[k])).toBeLessThan(1e-3 * (1 + Math.abs(fa[k])));
      }
      const a = ax.tensor([-7, 7, 100000007], undefined, "int32");
      const q = ax.floorDiv(a, 3);
      const r = ax.mod(a, 3);
      expectAllClose(ax.add(ax.mul(q, 3), r), [-7, 7, 100000007]);
      expectAllClose(q, [-3, 2, 33333335]);
    });

    it("a number on either side is a weak scalar", () => {
      const x = ax.tensor([1, 2, 3]);
      expectAllClose(ax.sub(10, x), [9, 8, 7]);
      expectAllClose(ax.div(6, x), [6, 3, 2], ctx.tol("float32"));
      expectAllClose(x.add(2), [3, 4, 5]);
      expectAllClose(ax.pow(2, x), [2, 4, 8], ctx.tol("float32"));
      expect(ax.add(2, 3).dtype).toBe("float32");
      expectAllClose(ax.add(2, 3), [5], undefined, []);
    });

    it("promotes every pair of dtypes by the lattice bool < int32 < float32 < float64", () => {
      for (const a of dtypes) {
        for (const b of dtypes) {
          const x = make(a, [1, 0]);
          const y = make(b, [1, 1]);
          expect(ax.add(x, y).dtype, `${a} + ${b}`).toBe(arith(a, b));
          expect(ax.mul(x, y).dtype, `${a} * ${b}`).toBe(arith(a, b));
          expect(ax.maximum(x, y).dtype, `maximum(${a}, ${b})`).toBe(arith(a, b));
          const q = arith(a, b);
          expect(ax.div(x, y).dtype, `${a} / ${b}`).toBe(isFloat(q) ? q : "float32");
          expect(ax.equal(x, y).dtype, `${a} == ${b}`).toBe("bool");
          expect(ax.where(ax.tensor([true, false]), x, y).dtype, `where(${a}, ${b})`).toBe(
            promoteTypes(a, b),
          );
          expectAllClose(ax.add(x, y), [2, 1]);
        }
      }
    });

    it("weak scalars take the tensor's dtype unless the number needs a float", () => {
      const expected: Record<DType, [DType, DType, DType]> = {
        // [+ 2, + 0.5, + true]
        float32: ["float32", "float32", "float32"],
        float64: ["float64", "float64", "float64"],
        int32: ["int32", "float32", "int32"],
        bool: ["int32", "float32", "int32"],
      };
      for (const d of dtypes) {
        const t = make(d, [1, 0]);
        const [two, half, yes] = expected[d];
        expect(ax.add(t, 2).dtype, `${d} + 2`).toBe(two);
        expect(ax.add(2, t).dtype, `2 + ${d}`).toBe(two);
        expect(ax.add(t, 0.5).dtype, `${d} + 0.5`).toBe(half);
        expect(ax.add(t, true).dtype, `${d} + true`).toBe(yes);
        expectAllClose(ax.add(t, 0.5), [1.5, 0.5]);
      }
      expect(ax.where(ax.tensor([true]), ax.tensor([1], undefined, "int32"), 0.5).dtype).toBe("float32");
      expect(ax.where(ax.tensor([true]), 1, 0).dtype).toBe("float32");
    });

    it("refuses shapes that do not broadcast, naming both", () => {
      expectError(() => ax.add(ax.zeros([2, 3]), ax.zeros([4])), ShapeError, "add", [
        "[2,3]",
        "[4]",
        "broadcast",
      ]);
      expectError(() => ax.add(ax.zeros([2]), "1" as never), ValueError, "add", [
        "b",
        "Tensor or a number",
        "'1'",
      ]);
      // Ops built from several primitives still name themselves.
      expectError(() => ax.floorDiv(ax.zeros([2]), ax.zeros([3])), ShapeError, "floorDiv", ["[2]", "[3]"]);
      expectError(() => ax.clip(ax.zeros([2]), ax.zeros([3]), 1), ShapeError, "clip", ["[2]", "[3]"]);
      expectError(
        () => ax.logicalXor(ax.tensor([true, false]), ax.tensor([true, true, true])),
        ShapeError,
        "logicalXor",
        ["[3]"],
      );
    });

    it("handles scalars, size-1 and size-0 dimensions", () => {
      expectAllClose(ax.add(ax.tensor(2), ax.tensor(3)), [5], undefined, []);
      expectAllClose(ax.mul(ax.tensor([[2]]), ax.tensor([1, 2, 3])), [2, 4, 6], undefined, [1, 3]);
      expectAllClose(ax.sub(ax.tensor([1]), ax.tensor(1)), [0], undefined, [1]);
      expect(ax.add(ax.zeros([0, 3]), ax.ones([3])).shape).toEqual([0, 3]);
      expect(ax.add(ax.zeros([2, 0]), ax.ones([2, 1])).shape).toEqual([2, 0]);
      expect(ax.exp(ax.zeros([0])).shape).toEqual([0]);
      expect(ax.softmax(ax.zeros([0, 3])).shape).toEqual([0, 3]);
      expect(ax.where(ax.zeros([0], "bool"), 1, 0).shape).toEqual([0]);
      expectAllClose(ax.matmul(ax.zeros([2, 0]), ax.zeros([0, 3])), [0, 0, 0, 0, 0, 0], undefined, [2, 3]);
    });

    it("clip limits to [lo, hi] and keeps NaN", () => {
      expectAllClose(ax.clip(ax.tensor([-5, 0.5, 5, Number.NaN]), -1, 1), [-1, 0.5, 1, Number.NaN]);
      const i = ax.clip(ax.tensor([-5, 2, 9], undefined, "int32"), 0, 4);
      expect(i.dtype).toBe("int32");
      expectAllClose(i, [0, 2, 4]);
      expectAllClose(ax.clip(ax.tensor([1, 5]), ax.tensor([2, 0]), 3), [2, 3]);
      expectError(() => ax.clip(ax.tensor([1]), 2, 1), ValueError, "clip", ["lo", "<= hi", "lo 2", "hi 1"]);
    });
  });

  describe("comparisons and logic", () => {
    it("compares with broadcasting and promotion; NaN is unequal to everything", () => {
      const a = ax.tensor([1, 2, Number.NaN]);
      const b = ax.tensor([2, 2, Number.NaN]);
      expect(ax.equal(a, b).array()).toEqual([false, true, false]);
      expect(ax.notEqual(a, b).array()).toEqual([true, false, true]);
      expect(ax.less(a, b).array()).toEqual([true, false, false]);
      expect(ax.lessEqual(a, b).array()).toEqual([true, true, false]);
      expect(ax.greater(a, 1).array()).toEqual([false, true, false]);
      expect(ax.greaterEqual(a, 1).array()).toEqual([true, true, false]);
      expect(ax.equal(ax.tensor([1, 2], undefined, "int32"), ax.tensor([1, 2.5])).array()).toEqual([
        true,
        false,
      ]);
      expect(ax.less(ax.tensor([1, 2], undefined, "int32"), 1.5).array()).toEqual([true, false]);
      expect(ax.equal(ax.tensor([[1], [2]]), ax.tensor([1, 2])).array()).toEqual([
        [true, false],
        [false, true],
      ]);
    });

    it("logicalAnd/Or/Xor/Not, with numbers counting as true where nonzero", () => {
      const a = ax.tensor([true, true, false, false]);
      const b = ax.tensor([true, false, true, false]);
      expect(ax.logicalAnd(a, b).array()).toEqual([true, false, false, false]);
      expect(ax.logicalOr(a, b).array()).toEqual([true, true, true, false]);
      expect(ax.logicalXor(a, b).array()).toEqual([false, true, true, false]);
      expect(ax.logicalNot(a).array()).toEqual([false, false, true, true]);
      expect(ax.logicalAnd(ax.tensor([0, 2, -1]), true).array()).toEqual([false, true, true]);
      expect(ax.logicalNot(ax.tensor([0, 3], undefined, "int32")).array()).toEqual([true, false]);
      expect(ax.logicalOr(ax.tensor([[true], [false]]), ax.tensor([false, false])).shape).toEqual([2, 2]);
    });

    it("where selects with broadcasting and accepts numbers", () => {
      const c = ax.tensor([[true], [false]]);
      expectAllClose(
        ax.where(c, ax.tensor([1, 2, 3]), ax.tensor([-1, -2, -3])),
        [1, 2, 3, -1, -2, -3],
        undefined,
        [2, 3],
      );
      expectAllClose(ax.where(ax.tensor([true, false]), 1, 0), [1, 0]);
      expectAllClose(ax.where(ax.tensor([true, false]), ax.tensor([5, 6]), Number.NaN), [5, Number.NaN]);
      expectError(() => ax.where(ax.tensor([1, 0]), 1, 0), DTypeError, "where", [
        "condition",
        "bool",
        "float32",
      ]);
    });

    it("cast converts between every dtype", () => {
      expectAllClose(ax.cast(ax.tensor([-1.7, 1.7, 0]), "int32"), [-1, 1, 0]);
      expect(ax.cast(ax.tensor([-1.7, 0, Number.NaN]), "bool").array()).toEqual([true, false, true]);
      expectAllClose(ax.cast(ax.tensor([true, false]), "float32"), [1, 0]);
      expectAllClose(ax.cast(ax.tensor([3, -4], undefined, "int32"), "float32"), [3, -4]);
      const same = ax.cast(ax.tensor([1]), "float32");
      expect(same.dtype).toBe("float32");
      expectError(() => ax.cast(ax.tensor([1]), "int8"), ValueError, "cast", ["dtype", "float32", "'int8'"]);
    });

    it("isNaN, isFinite and isInf", () => {
      const x = ax.tensor([1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]);
      expect(ax.isNaN(x).array()).toEqual([false, true, false, false, false]);
      expect(ax.isFinite(x).array()).toEqual([true, false, false, false, true]);
      expect(ax.isInf(x).array()).toEqual([false, false, true, true, false]);
      const i = ax.tensor([1, 2], undefined, "int32");
      expect(ax.isNaN(i).array()).toEqual([false, false]);
      expect(ax.isFinite(i).array()).toEqual([true, true]);
      expect(ax.isInf(i).array()).toEqual([false, false]);
    });
  });
}
