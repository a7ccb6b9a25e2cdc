import { describe, expect, it } from "vitest";
import * as ax from "../../ops/index.ts";
import { Tensor } from "../../tensor.ts";
import { expectAllClose } from "../allclose.ts";
import type { ConformanceContext } from "../context.ts";

/** Every op that takes a tensor first, which must also be a method of Tensor. */
const METHOD_OPS = [
  "neg",
  "abs",
  "sign",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "reciprocal",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "erf",
  "floor",
  "ceil",
  "round",
  "square",
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "mod",
  "floorDiv",
  "clip",
  "equal",
  "notEqual",
  "less",
  "lessEqual",
  "greater",
  "greaterEqual",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
  "logicalNot",
  "where",
  "cast",
  "isNaN",
  "isFinite",
  "isInf",
  "sum",
  "mean",
  "max",
  "min",
  "any",
  "all",
  "argmax",
  "argmin",
  "logSumExp",
  "moments",
  "reshape",
  "flatten",
  "expandDims",
  "squeeze",
  "transpose",
  "broadcastTo",
  "slice",
  "pad",
  "split",
  "unstack",
  "gather",
  "scatterAdd",
  "oneHot",
  "tile",
  "reverse",
  "matmul",
  "dot",
  "conv2d",
  "conv2dBackpropInput",
  "conv2dBackpropFilter",
  "maxPool",
  "avgPool",
  "relu",
  "relu6",
  "leakyRelu",
  "elu",
  "selu",
  "softplus",
  "logSigmoid",
  "swish",
  "gelu",
  "softmax",
  "logSoftmax",
  "zerosLike",
  "onesLike",
  "fullLike",
  "bernoulli",
] as const;

export function methodTests(_ctx: ConformanceContext): void {
  describe("chainable methods", () => {
    it("every tensor-first op is a method of the same name", () => {
      for (const name of METHOD_OPS) {
        expect(typeof (ax as Record<string, unknown>)[name], `op ${name}`).toBe("function");
        expect(typeof (Tensor.prototype as unknown as Record<string, unknown>)[name], `method ${name}`).toBe(
          "function",
        );
      }
    });

    it("methods compute what the free functions do", () => {
      const x = ax.tensor([
        [1, -2],
        [3, 4],
      ]);
      expectAllClose(x.add(2).mul(x).sum(), Array.from(ax.sum(ax.mul(ax.add(x, 2), x)).dataSync()));
      expectAllClose(x.square().sum(1, true), [5, 25], undefined, [2, 1]);
      expectAllClose(x.relu().softmax(0), Array.from(ax.softmax(ax.relu(x), 0).dataSync()));
      expectAllClose(x.matmul(x, false, true), Array.from(ax.matmul(x, x, false, true).dataSync()));
      expectAllClose(x.greater(0).where(x, 0), [1, 0, 3, 4]);
      expectAllClose(x.reshape([-1]).slice(1, 2), [-2, 3]);
      expectAllClose(x.transpose().flatten(), [1, 3, -2, 4]);
      expectAllClose(x.argmax(-1), [0, 1]);
      expect(x.split(2).length).toBe(2);
      expect(x.moments().mean.array()).toBe(1.5);
      expect(x.cast("int32").dtype).toBe("int32");
    });
  });
}
