import { describe, expect, it } from "vitest";
import { ShapeError } from "../../errors.ts";
import * as ax from "../../ops/index.ts";
import type { Tensor } from "../../tensor.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";
import { erfRef, expectError, floatDTypes, randomValues, stored } from "./helpers.ts";

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

export function activationTests(ctx: ConformanceContext): void {
  describe("activations", () => {
    const cases: [string, (x: Tensor) => Tensor, (x: number) => number][] = [
      ["relu", ax.relu, (x) => Math.max(x, 0)],
      ["relu6", ax.relu6, (x) => Math.min(Math.max(x, 0), 6)],
      ["leakyRelu", (t) => ax.leakyRelu(t), (x) => (x > 0 ? x : 0.01 * x)],
      ["leakyRelu(0.2)", (t) => ax.leakyRelu(t, 0.2), (x) => (x > 0 ? x : 0.2 * x)],
      ["elu", (t) => ax.elu(t), (x) => (x > 0 ? x : Math.expm1(x))],
      ["elu(0.5)", (t) => ax.elu(t, 0.5), (x) => (x > 0 ? x : 0.5 * Math.expm1(x))],
      ["selu", ax.selu, (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x))],
      ["softplus", ax.softplus, (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))],
      ["logSigmoid", ax.logSigmoid, (x) => -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))))],
      ["swish", ax.swish, (x) => x / (1 + Math.exp(-x))],
      ["gelu", (t) => ax.gelu(t), (x) => 0.5 * x * (1 + erfRef(x / Math.SQRT2))],
      [
        "gelu(approximate)",
        (t) => ax.gelu(t, true),
        (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
      ],
      ["sigmoid", ax.sigmoid, (x) => 1 / (1 + Math.exp(-x))],
      ["tanh", ax.tanh, Math.tanh],
    ];
    for (const dtype of floatDTypes(ctx)) {
      for (const [name, fn, ref] of cases) {
        it(`${name} matches a float64 reference (${dtype})`, () => {
          const v = [...randomValues(40, name.length, -8, 8), 0, 7, -7];
          const y = fn(ax.tensor(v, undefined, dtype));
          expect(y.dtype).toBe(dtype);
          expectAllClose(
            y,
            v.map((x) => stored(ref(x), dtype)),
            ctx.tol(dtype),
          );
        });
      }
    }

    it("relu propagates NaN and keeps int32", () => {
      expectAllClose(ax.relu(ax.tensor([Number.NaN, -1, 2])), [Number.NaN, 0, 2]);
      const i = ax.relu(ax.tensor([-3, 4], undefined, "int32"));
      expect(i.dtype).toBe("int32");
      expectAllClose(i, [0, 4]);
      expectAllClose(ax.relu6(ax.tensor([-1, 3, 9])), [0, 3, 6]);
      expectAllClose(ax.leakyRelu(ax.tensor([Number.NaN])), [Number.NaN]);
    });

    it("sigmoid, softplus and logSigmoid stay finite and right at ±1000", () => {
      const x = ax.tensor([-1000, 1000]);
      expectAllClose(ax.sigmoid(x), [0, 1], ctx.tol("float32"));
      expectAllClose(ax.softplus(x), [0, 1000], ctx.tol("float32"));
      expectAllClose(ax.logSigmoid(x), [-1000, 0], ctx.tol("float32"));
      expectAllClose(ax.tanh(x), [-1, 1], ctx.tol("float32"));
      expectAllClose(ax.elu(x), [-1, 1000], ctx.tol("float32"));
      expectAllClose(ax.selu(ax.tensor([-1000])), [-SELU_ALPHA * SELU_SCALE], ctx.tol("float32"));
    });

    for (const dtype of floatDTypes(ctx)) {
      it(`softmax and logSoftmax match a float64 reference on any axis (${dtype})`, () => {
        const v = randomValues(24, 31, -10, 10);
        const shape = [2, 3, 4];
        for (const axis of [0, 1, -1]) {
          const a = (axis + 3) % 3;
          const y = ax.softmax(ax.tensor(v, shape, dtype), axis);
          const ly = ax.logSoftmax(ax.tensor(v, shape, dtype), axis);
          const ref: number[] = new Array(24);
          const lref: number[] = new Array(24);
          const strides = [12, 4, 1];
          for (let i = 0; i < 24; i++) {
            const base = i - (Math.floor(i / strides[a]) % shape[a]) * strides[a];
            const row = Array.from({ length: shape[a] }, (_, k) => v[base + k * strides[a]]);
            const m = Math.max(...row);
            const s = row.reduce((acc, z) => acc + Math.exp(z - m), 0);
            ref[i] = stored(Math.exp(v[i] - m) / s, dtype);
            lref[i] = stored(v[i] - m - Math.log(s), dtype);
          }
          expectAllClose(y, ref, ctx.tol(dtype), shape);
          expectAllClose(ly, lref, ctx.tol(dtype), shape);
        }
      });
    }

    it("softmax and logSoftmax are stable: [1000, 1000], -Inf entries and -Inf rows", () => {
      const x = ax.tensor([
        [1000, 1000],
        [-1000, 0],
        [0, Number.NEGATIVE_INFINITY],
        [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      ]);
      expectAllClose(
        ax.softmax(x),
        [0.5, 0.5, 0, 1, 1, 0, Number.NaN, Number.NaN],
        ctx.tol("float32"),
        [4, 2],
      );
      expectAllClose(
        ax.logSoftmax(x),
        [-Math.LN2, -Math.LN2, -1000, 0, 0, Number.NEGATIVE_INFINITY, Number.NaN, Number.NaN],
        ctx.tol("float32"),
      );
      expectAllClose(
        ax.softmax(ax.tensor([1, 2], undefined, "int32")),
        [1 / (1 + Math.E), Math.E / (1 + Math.E)],
        ctx.tol("float32"),
      );
      expectAllClose(
        ax.softmax(ax.tensor([[3], [4]]), 0),
        [1 / (1 + Math.E), Math.E / (1 + Math.E)],
        ctx.tol("float32"),
        [2, 1],
      );
      expectAllClose(ax.softmax(ax.tensor([5])), [1], ctx.tol("float32"));
      expectError(() => ax.softmax(ax.zeros([2, 2]), 3), ShapeError, "softmax", [
        "axis 3",
        "rank 2",
        "-2..1",
      ]);
      expectError(() => ax.logSoftmax(ax.tensor(1)), ShapeError, "logSoftmax", ["axis -1", "rank 0"]);
    });
  });
}
