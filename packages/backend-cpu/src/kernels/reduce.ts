import { type Kernel, type ReducePrim, type TypedArray, sizeOf, stridesOf } from "@axon/core";
import { allocOut, collapseDims } from "./util.ts";

/** Folds x[xOff + j] for j < n into acc[accOff + j·accStride] (accStride 0: all into one cell). */
type Inner = (
  acc: Float64Array,
  accOff: number,
  accStride: number,
  x: TypedArray,
  xOff: number,
  n: number,
) => void;

const sumInner: Inner = (acc, o, s, x, xo, n) => {
  if (s === 0) {
    let t = acc[o];
    for (let j = 0; j < n; j++) t += x[xo + j];
    acc[o] = t;
  } else for (let j = 0; j < n; j++) acc[o + j * s] += x[xo + j];
};

// int32 sums wrap at every step, as int32 arithmetic does.
const sumIntInner: Inner = (acc, o, s, x, xo, n) => {
  if (s === 0) {
    let t = acc[o];
    for (let j = 0; j < n; j++) t = (t + x[xo + j]) | 0;
    acc[o] = t;
  } else for (let j = 0; j < n; j++) acc[o + j * s] = (acc[o + j * s] + x[xo + j]) | 0;
};

// Math.max/min propagate NaN, so one NaN in a reduced slice makes the result NaN.
const maxInner: Inner = (acc, o, s, x, xo, n) => {
  if (s === 0) {
    let t = acc[o];
    for (let j = 0; j < n; j++) t = Math.max(t, x[xo + j]);
    acc[o] = t;
  } else for (let j = 0; j < n; j++) acc[o + j * s] = Math.max(acc[o + j * s], x[xo + j]);
};

const minInner: Inner = (acc, o, s, x, xo, n) => {
  if (s === 0) {
    let t = acc[o];
    for (let j = 0; j < n; j++) t = Math.min(t, x[xo + j]);
    acc[o] = t;
  } else for (let j = 0; j < n; j++) acc[o + j * s] = Math.min(acc[o + j * s], x[xo + j]);
};

/**
 * Reduces over `axes` in one pass over x in memory order: each element is folded into the
 * accumulator cell it maps to (reduced axes have accumulator stride 0). Accumulates in float64,
 * so float32 sums round once at the end; an empty reduction gives the identity (sum 0).
 */
function reduceKernel<P extends ReducePrim>(prim: P): Kernel<P, TypedArray> {
  return ([x], { axes }, out) => {
    const res = allocOut(out);
    const init = prim === "sum" ? 0 : prim === "max" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    const acc = new Float64Array(res.length).fill(init);
    const inner =
      prim === "sum" ? (x.dtype === "int32" ? sumIntInner : sumInner) : prim === "max" ? maxInner : minInner;
    const outStrides = stridesOf(out.shape);
    const accStrides: number[] = [];
    for (let d = 0, k = 0; d < x.shape.length; d++) accStrides.push(axes.includes(d) ? 0 : outStrides[k++]);
    const c = collapseDims(x.shape, [stridesOf(x.shape), accStrides]);
    if (c !== null) walk(c.dims, c.strides[1], x.buffer, sizeOf(x.shape), acc, inner);
    res.set(acc);
    return res;
  };
}

function walk(
  dims: number[],
  as: number[],
  x: TypedArray,
  size: number,
  acc: Float64Array,
  inner: Inner,
): void {
  const rank = dims.length;
  if (rank === 0) {
    inner(acc, 0, 0, x, 0, 1);
    return;
  }
  const n = dims[rank - 1];
  const s = as[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let o = 0;
  for (let p = 0; p < size; p += n) {
    inner(acc, o, s, x, p, n);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      o += as[d];
      if (idx[d] < dims[d]) break;
      o -= as[d] * dims[d];
      idx[d] = 0;
    }
  }
}

export const sum = reduceKernel("sum");
export const max = reduceKernel("max");
export const min = reduceKernel("min");
