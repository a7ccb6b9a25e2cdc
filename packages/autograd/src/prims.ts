import {
  type DType,
  type Shape,
  type Tensor,
  broadcastedAxes,
  makeTensor,
  runPrimitive,
  shapesEqual,
  sizeOf,
  typedArrayFor,
} from "@axon/core";
import { noteCreated } from "./release.ts";

/**
 * The primitive applications VJP rules are written with. They call core's one dispatch
 * directly, so an outer tape records them (higher-order gradients) and a tracer sees them.
 */

export const neg = (x: Tensor): Tensor => runPrimitive("neg", [x], {});
export const add = (a: Tensor, b: Tensor): Tensor => runPrimitive("add", [a, b], {});
export const sub = (a: Tensor, b: Tensor): Tensor => runPrimitive("sub", [a, b], {});
export const mul = (a: Tensor, b: Tensor): Tensor => runPrimitive("mul", [a, b], {});
export const div = (a: Tensor, b: Tensor): Tensor => runPrimitive("div", [a, b], {});
export const pow = (a: Tensor, b: Tensor): Tensor => runPrimitive("pow", [a, b], {});
export const exp = (x: Tensor): Tensor => runPrimitive("exp", [x], {});
export const log = (x: Tensor): Tensor => runPrimitive("log", [x], {});
export const sin = (x: Tensor): Tensor => runPrimitive("sin", [x], {});
export const cos = (x: Tensor): Tensor => runPrimitive("cos", [x], {});
export const sign = (x: Tensor): Tensor => runPrimitive("sign", [x], {});
export const round = (x: Tensor): Tensor => runPrimitive("round", [x], {});
export const equal = (a: Tensor, b: Tensor): Tensor => runPrimitive("equal", [a, b], {});
export const greater = (a: Tensor, b: Tensor): Tensor => runPrimitive("greater", [a, b], {});
export const less = (a: Tensor, b: Tensor): Tensor => runPrimitive("less", [a, b], {});
export const where = (c: Tensor, a: Tensor, b: Tensor): Tensor => runPrimitive("where", [c, a, b], {});
export const cast = (x: Tensor, dtype: DType): Tensor =>
  x.dtype === dtype ? x : runPrimitive("cast", [x], { dtype });
export const reshape = (x: Tensor, shape: Shape): Tensor =>
  shapesEqual(x.shape, shape) ? x : runPrimitive("reshape", [x], { shape });
export const broadcastTo = (x: Tensor, shape: Shape): Tensor =>
  shapesEqual(x.shape, shape) ? x : runPrimitive("broadcastTo", [x], { shape });
export const transpose = (x: Tensor, perm: readonly number[]): Tensor =>
  runPrimitive("transpose", [x], { perm });

/** Sum over `axes` (any order); the axes are dropped. */
export function sum(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length === 0) return x;
  return runPrimitive("sum", [x], { axes: [...axes].sort((a, b) => a - b) });
}

/** A 0-d constant of `dtype`; it broadcasts against anything. */
export function scalar(value: number, dtype: DType): Tensor {
  const data = typedArrayFor(dtype, 1);
  data[0] = value;
  return noteCreated(makeTensor(data, [], dtype));
}

export function full(shape: Shape, value: number, dtype: DType): Tensor {
  const data = typedArrayFor(dtype, sizeOf(shape));
  if (value !== 0) data.fill(value);
  return noteCreated(makeTensor(data, shape, dtype));
}

export const zeros = (shape: Shape, dtype: DType): Tensor => full(shape, 0, dtype);

/** A new handle on the same data: a distinct tensor for a tape to watch, recorded by outer tapes as an identity. */
export const identity = (x: Tensor): Tensor => runPrimitive("reshape", [x], { shape: x.shape });

/** Undoes broadcasting: sums `g` over the axes that broadcasting added or stretched, back to `shape`. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  return reshape(sum(g, broadcastedAxes(shape, g.shape)), shape);
}

/** `shape` with `axes` put back as size-1 dimensions (undoing a reduction that dropped them). */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}
