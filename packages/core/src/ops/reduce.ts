import { runPrimitive } from "../engine.ts";
import { ShapeError, fmtShape } from "../errors.ts";
import { normalizeAxes, normalizeAxis, sizeOf } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import {
  asFloat,
  castTo,
  checkBoolean,
  checkTensor,
  countOver,
  keptShape,
  opScope,
  scalarOf,
  stableMax,
} from "./util.ts";

/** An axis argument: one axis, several, or none for every axis. Negative axes count from the end. */
export type Axis = number | readonly number[];

function axesOf(op: string, x: Tensor, axis: Axis | undefined): number[] {
  if (axis !== undefined && typeof axis !== "number" && !Array.isArray(axis)) {
    throw new ShapeError(
      `${op}: axis must be a number, an array of numbers or undefined, got ${String(axis)}`,
    );
  }
  return normalizeAxes(op, axis, x.rank);
}

function keepDimsArg(op: string, keepDims: unknown): boolean {
  if (keepDims === undefined) return false;
  checkBoolean(op, "keepDims", keepDims);
  return keepDims;
}

/** `y` (reduced over `axes` of `x`) with the reduced axes kept as size 1 when asked. */
function finish(y: Tensor, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  return keepDims ? runPrimitive("reshape", [y], { shape: keptShape(x.shape, axes) }) : y;
}

/** Sum over `axis` (all axes when omitted). bool and int32 sum to int32; an empty sum is 0. */
export function sum(x: Tensor, axis?: Axis, keepDims?: boolean): Tensor {
  checkTensor("sum", "x", x);
  const axes = axesOf("sum", x, axis);
  const keep = keepDimsArg("sum", keepDims);
  return opScope(() => {
    const t = x.dtype === "bool" ? castTo(x, "int32") : x;
    return finish(runPrimitive("sum", [t], { axes }), x, axes, keep);
  });
}

/** Arithmetic mean over `axis`; int32 and bool give float32. The mean of nothing is NaN. */
export function mean(x: Tensor, axis?: Axis, keepDims?: boolean): Tensor {
  checkTensor("mean", "x", x);
  const axes = axesOf("mean", x, axis);
  const keep = keepDimsArg("mean", keepDims);
  return opScope(() => {
    const t = asFloat(x);
    const s = runPrimitive("sum", [t], { axes });
    const m = runPrimitive("div", [s, scalarOf(countOver(x.shape, axes), t.dtype)], {});
    return finish(m, x, axes, keep);
  });
}

function extreme(
  op: "max" | "min",
  x: Tensor,
  axis: Axis | undefined,
  keepDims: boolean | undefined,
): Tensor {
  checkTensor(op, "x", x);
  const axes = axesOf(op, x, axis);
  const keep = keepDimsArg(op, keepDims);
  for (const a of axes) {
    if (x.shape[a] === 0)
      throw new ShapeError(`${op}: cannot reduce over axis ${a} of size 0 in shape ${fmtShape(x.shape)}`);
  }
  return opScope(() => {
    // bool reduces as 0/1: max is "any", min is "all".
    const t = x.dtype === "bool" ? castTo(x, "int32") : x;
    const y = castTo(runPrimitive(op, [t], { axes }), x.dtype);
    return finish(y, x, axes, keep);
  });
}

/** Largest element over `axis` (all axes when omitted). NaN wins. */
export function max(x: Tensor, axis?: Axis, keepDims?: boolean): Tensor {
  return extreme("max", x, axis, keepDims);
}

/** Smallest element over `axis` (all axes when omitted). NaN wins. */
export function min(x: Tensor, axis?: Axis, keepDims?: boolean): Tensor {
  return extreme("min", x, axis, keepDims);
}

/** True if any element over `axis` is true (nonzero). */
export function any(x: Tensor, axis?: Axis, keepDims?: boolean): Tensor {
  checkTensor("any", "x", x);
  const axes = axesOf("any", x, axis);
  const keep = keepDimsArg("any", keepDims);
  return opScope(() => {
    const b = x.dtype === "bool" ? x : runPrimitive("notEqual", [x, scalarOf(0, x.dtype)], {});
    const s = runPrimitive("sum", [castTo(b, "int32")], { axes });
    return finish(runPrimitive("greater", [s, scalarOf(0, "int32")], {}), x, axes, keep);
  });
}

/** True if every element over `axis` is true (nonzero); true over nothing. */
export function all(x: Tensor, axis?: Axis, keepDims?: boolean): Tensor {
  checkTensor("all", "x", x);
  const axes = axesOf("all", x, axis);
  const keep = keepDimsArg("all", keepDims);
  return opScope(() => {
    const b = x.dtype === "bool" ? x : runPrimitive("notEqual", [x, scalarOf(0, x.dtype)], {});
    const s = runPrimitive("sum", [castTo(runPrimitive("logicalNot", [b], {}), "int32")], { axes });
    return finish(runPrimitive("equal", [s, scalarOf(0, "int32")], {}), x, axes, keep);
  });
}

function argExtreme(
  op: "argmax" | "argmin",
  x: Tensor,
  axis: number | undefined,
  keepDims: boolean | undefined,
): Tensor {
  checkTensor(op, "x", x);
  const keep = keepDimsArg(op, keepDims);
  if (axis !== undefined && typeof axis !== "number")
    throw new ShapeError(`${op}: axis must be a number or undefined, got ${String(axis)}`);
  if (axis === undefined && x.size === 0)
    throw new ShapeError(`${op}: cannot take the ${op} of an empty tensor of shape ${fmtShape(x.shape)}`);
  const ax = axis === undefined ? undefined : normalizeAxis(op, axis, x.rank);
  if (ax !== undefined && x.shape[ax] === 0) {
    throw new ShapeError(`${op}: axis ${axis} has size 0 in shape ${fmtShape(x.shape)}`);
  }
  return opScope(() => {
    const t = x.dtype === "bool" ? castTo(x, "int32") : x;
    if (ax === undefined) {
      const flat = runPrimitive("reshape", [t], { shape: [sizeOf(x.shape)] });
      const i = runPrimitive(op, [flat], { axis: 0 });
      return keep ? runPrimitive("reshape", [i], { shape: x.shape.map(() => 1) }) : i;
    }
    return finish(runPrimitive(op, [t], { axis: ax }), x, [ax], keep);
  });
}

/**
 * Index (int32) of the first largest element along `axis`. Without an axis, the index into the
 * flattened tensor, as in NumPy and PyTorch (not TF.js's axis 0): `x.argmax()` finds the overall
 * maximum, `logits.argmax(-1)` the class of each row.
 */
export function argmax(x: Tensor, axis?: number, keepDims?: boolean): Tensor {
  return argExtreme("argmax", x, axis, keepDims);
}

/** Index (int32) of the first smallest element along `axis`; without an axis, into the flattened tensor. */
export function argmin(x: Tensor, axis?: number, keepDims?: boolean): Tensor {
  return argExtreme("argmin", x, axis, keepDims);
}

/**
 * log(Σ exp(x)) over `axis`, without overflow: the maximum is subtracted first. Rows of −Inf give
 * −Inf, a +Inf element gives +Inf, NaN propagates. int32 and bool give float32.
 */
export function logSumExp(x: Tensor, axis?: Axis, keepDims?: boolean): Tensor {
  checkTensor("logSumExp", "x", x);
  const axes = axesOf("logSumExp", x, axis);
  const keep = keepDimsArg("logSumExp", keepDims);
  return opScope(() => {
    const t = asFloat(x);
    const m = stableMax(t, axes);
    const shifted = runPrimitive("exp", [runPrimitive("sub", [t, m], {})], {});
    const s = runPrimitive("reshape", [runPrimitive("sum", [shifted], { axes })], { shape: m.shape });
    const out = runPrimitive("add", [runPrimitive("log", [s], {}), m], {});
    return keep
      ? out
      : runPrimitive("reshape", [out], { shape: x.shape.filter((_, i) => !axes.includes(i)) });
  });
}

/**
 * Mean and population variance over `axes` (all when omitted). The variance is the mean of squared
 * deviations from the mean, which stays accurate when the mean is large.
 */
export function moments(x: Tensor, axes?: Axis, keepDims?: boolean): { mean: Tensor; variance: Tensor } {
  checkTensor("moments", "x", x);
  const ax = axesOf("moments", x, axes);
  const keep = keepDimsArg("moments", keepDims);
  return opScope(() => {
    const t = asFloat(x);
    const n = scalarOf(countOver(x.shape, ax), t.dtype);
    const m = runPrimitive(
      "reshape",
      [runPrimitive("div", [runPrimitive("sum", [t], { axes: ax }), n], {})],
      {
        shape: keptShape(x.shape, ax),
      },
    );
    const d = runPrimitive("sub", [t, m], {});
    const v = runPrimitive(
      "div",
      [runPrimitive("sum", [runPrimitive("mul", [d, d], {})], { axes: ax }), n],
      {},
    );
    const outShape = keep ? keptShape(x.shape, ax) : x.shape.filter((_, i) => !ax.includes(i));
    return {
      mean: runPrimitive("reshape", [m], { shape: outShape }),
      variance: runPrimitive("reshape", [v], { shape: outShape }),
    };
  });
}
