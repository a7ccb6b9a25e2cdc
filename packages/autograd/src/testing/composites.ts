import * as ax from "@axon/core";
import fc from "fast-check";
import {
  type Case,
  awayFromZero,
  axesOf,
  broadcastShapesArb,
  dim,
  distinct,
  inputOf,
  numbers,
  shapeArb,
} from "./generators.ts";

// Core's composite ops are plain compositions of primitives; their gradients come from the
// primitives' rules. Each is checked the same way as a primitive.

/** A composite op's generator, the title of its test and the name its tolerance is looked up by. */
export interface CompositeCase {
  readonly title: string;
  readonly name: string;
  readonly arb: fc.Arbitrary<Case>;
}
const unaryOp = (
  f: (x: ax.Tensor) => unknown,
  gen: (n: number) => fc.Arbitrary<number[]> = numbers,
  minRank = 0,
) =>
  shapeArb(minRank)
    .chain((s) => inputOf(s, gen))
    .map((x): Case => ({ inputs: [x], f: f as Case["f"] }));

/** An op along one random axis (of a rank ≥ 1 input). */
const alongAxis = (
  f: (x: ax.Tensor, axis: number) => ax.Tensor,
  gen: (n: number) => fc.Arbitrary<number[]> = numbers,
) =>
  shapeArb(1)
    .chain((s) => fc.tuple(inputOf(s, gen), fc.integer({ min: -s.length, max: s.length - 1 })))
    .map(([x, axis]): Case => ({ inputs: [x], f: (v) => f(v, axis) }));

const kinkFree = (n: number) => awayFromZero(n, 0.1, 2);

const poolCase = (op: "maxPool" | "avgPool") =>
  fc
    .record({
      n: dim(2),
      h: dim(5),
      w: dim(5),
      c: dim(2),
      k: dim(3),
      stride: dim(2),
      padding: fc.constantFrom<ax.PaddingSpec>("same", "valid"),
    })
    .filter((g) => g.padding === "same" || (g.h >= g.k && g.w >= g.k))
    .chain((g) =>
      inputOf([g.n, g.h, g.w, g.c], op === "maxPool" ? distinct : numbers).map(
        (x): Case => ({
          inputs: [x],
          f: (v) =>
            (op === "maxPool" ? ax.maxPool : ax.avgPool)(v, {
              filterSize: g.k,
              strides: g.stride,
              padding: g.padding,
            }),
        }),
      ),
    );

/** Core's composite ops with the generator of their cases: a title for the test and a name for its tolerance. */
export const COMPOSITE_CASES: readonly CompositeCase[] = [
  {
    title: "softmax",
    name: "softmax",
    arb: alongAxis(
      (x, a) => ax.softmax(x, a),
      (n) => numbers(n, -4, 4),
    ),
  },
  {
    title: "logSoftmax",
    name: "logSoftmax",
    arb: alongAxis(
      (x, a) => ax.logSoftmax(x, a),
      (n) => numbers(n, -4, 4),
    ),
  },
  {
    title: "logSumExp",
    name: "logSumExp",
    arb: shapeArb(1)
      .chain((s) =>
        fc.tuple(
          inputOf(s, (n) => numbers(n, -4, 4)),
          axesOf(s.length),
          fc.boolean(),
        ),
      )
      .map(([x, axes, keep]): Case => ({ inputs: [x], f: (v) => ax.logSumExp(v, axes, keep) })),
  },
  {
    title: "softplus",
    name: "softplus",
    arb: unaryOp(
      (x) => ax.softplus(x),
      (n) => numbers(n, -5, 5),
    ),
  },
  {
    title: "elu",
    name: "elu",
    arb: unaryOp((x) => ax.elu(x, 0.7), kinkFree),
  },
  {
    title: "selu",
    name: "selu",
    arb: unaryOp((x) => ax.selu(x), kinkFree),
  },
  {
    title: "leakyRelu",
    name: "leakyRelu",
    arb: unaryOp((x) => ax.leakyRelu(x, 0.2), kinkFree),
  },
  {
    title: "relu",
    name: "relu",
    arb: unaryOp((x) => ax.relu(x), kinkFree),
  },
  {
    title: "sigmoid",
    name: "sigmoid",
    arb: unaryOp(
      (x) => ax.sigmoid(x),
      (n) => numbers(n, -5, 5),
    ),
  },
  {
    title: "gelu",
    name: "gelu",
    arb: unaryOp((x) => ax.gelu(x)),
  },
  {
    title: "swish",
    name: "swish",
    arb: unaryOp((x) => ax.swish(x)),
  },
  {
    title: "square, clip",
    name: "clip",
    arb: unaryOp(
      (x) => ax.clip(ax.square(x), 0.5, 3),
      (n) => awayFromZero(n, 0.8, 1.6),
    ),
  },
  {
    title: "mean",
    name: "mean",
    arb: shapeArb(1)
      .chain((s) => fc.tuple(inputOf(s), axesOf(s.length)))
      .map(([x, axes]): Case => ({ inputs: [x], f: (v) => ax.mean(v, axes) })),
  },
  {
    title: "moments (mean and variance)",
    name: "moments",
    arb: shapeArb(1)
      .chain((s) => fc.tuple(inputOf(s), axesOf(s.length), fc.boolean()))
      .map(
        ([x, axes, keep]): Case => ({
          inputs: [x],
          f: (v) => ax.moments(v, axes, keep) as unknown as ax.Tensor,
        }),
      ),
  },
  {
    title: "matmul with broadcasting and vectors",
    name: "matmul",
    arb: fc
      .tuple(
        broadcastShapesArb(2, 2),
        dim(),
        dim(),
        dim(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
      )
      .chain(([{ ins }, m, k, n, tA, tB, vecA, vecB]) => {
        const aShape = vecA ? [k] : [...ins[0], ...(tA ? [k, m] : [m, k])];
        const bShape = vecB ? [k] : [...ins[1], ...(tB ? [n, k] : [k, n])];
        return fc
          .tuple(inputOf(aShape), inputOf(bShape))
          .map((inputs): Case => ({ inputs, f: (a, b) => ax.matmul(a, b, tA && !vecA, tB && !vecB) }));
      }),
  },
  {
    title: "conv2d with strides, padding ('same', 'valid', explicit) and dilations",
    name: "conv2d",
    arb: fc
      .record({
        n: dim(2),
        h: dim(5),
        w: dim(5),
        c: dim(2),
        o: dim(2),
        k: dim(3),
        stride: dim(2),
        dilation: dim(2),
        padding: fc.constantFrom<ax.PaddingSpec>("same", "valid", 1),
      })
      .filter((g) => g.padding === "same" || g.h + 2 * Number(g.padding === 1) >= g.dilation * (g.k - 1) + 1)
      .filter((g) => g.padding === "same" || g.w + 2 * Number(g.padding === 1) >= g.dilation * (g.k - 1) + 1)
      .chain((g) =>
        fc.tuple(inputOf([g.n, g.h, g.w, g.c]), inputOf([g.k, g.k, g.c, g.o])).map(
          (inputs): Case => ({
            inputs,
            f: (x, f) => ax.conv2d(x, f, { strides: g.stride, padding: g.padding, dilations: g.dilation }),
          }),
        ),
      ),
  },
  {
    title: "maxPool ('same' and 'valid')",
    name: "maxPool",
    arb: poolCase("maxPool"),
  },
  {
    title: "avgPool ('same' and 'valid')",
    name: "avgPool",
    arb: poolCase("avgPool"),
  },
];
