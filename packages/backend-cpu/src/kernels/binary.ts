import {
  type BinaryPrim,
  type BufferInfo,
  type Kernel,
  type OutputSpec,
  type TypedArray,
  stridesOf,
} from "@axon/core";
import { allocOut, broadcastStrides, collapseDims } from "./util.ts";

export type BinaryFn = (a: number, b: number) => number;

/**
 * out[i] = fn(a, b) over the NumPy broadcast of the two inputs (out.shape). Same-size operands and
 * a scalar operand take flat loops; anything else walks both inputs with broadcast strides.
 */
export function broadcastBinary(
  a: BufferInfo<TypedArray>,
  b: BufferInfo<TypedArray>,
  out: OutputSpec,
  fn: BinaryFn,
): TypedArray {
  const res = allocOut(out);
  const n = res.length;
  const x = a.buffer;
  const y = b.buffer;
  if (n === 0) return res;
  if (x.length === n && y.length === n) {
    for (let i = 0; i < n; i++) res[i] = fn(x[i], y[i]);
    return res;
  }
  if (x.length === n && y.length === 1) {
    const s = y[0];
    for (let i = 0; i < n; i++) res[i] = fn(x[i], s);
    return res;
  }
  if (x.length === 1 && y.length === n) {
    const s = x[0];
    for (let i = 0; i < n; i++) res[i] = fn(s, y[i]);
    return res;
  }
  const c = collapseDims(out.shape, [
    broadcastStrides(a.shape, out.shape),
    broadcastStrides(b.shape, out.shape),
    stridesOf(out.shape),
  ]);
  if (c === null) return res;
  const { dims } = c;
  const [as, bs] = c.strides;
  const rank = dims.length;
  const m = dims[rank - 1];
  const sa = as[rank - 1];
  const sb = bs[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let offA = 0;
  let offB = 0;
  for (let p = 0; p < n; ) {
    for (let j = 0, ia = offA, ib = offB; j < m; j++, ia += sa, ib += sb) res[p++] = fn(x[ia], y[ib]);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      offA += as[d];
      offB += bs[d];
      if (idx[d] < dims[d]) break;
      offA -= as[d] * dims[d];
      offB -= bs[d] * dims[d];
      idx[d] = 0;
    }
  }
  return res;
}

/** A broadcasting binary kernel; `intFn` replaces `floatFn` for int32 (the int32 store wraps results). */
export function binaryKernel<P extends BinaryPrim>(
  floatFn: BinaryFn,
  intFn: BinaryFn = floatFn,
): Kernel<P, TypedArray> {
  return ([a, b], _attrs, out) => broadcastBinary(a, b, out, out.dtype === "int32" ? intFn : floatFn);
}

/** Floor modulo: the result takes the divisor's sign (Python/NumPy), so mod(-1, 3) = 2. */
function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** int32 floor modulo; a zero divisor gives 0, as NumPy's integer mod does. */
function floorModInt(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return (r !== 0 && r < 0 !== b < 0 ? r + b : r) | 0;
}

/** C99 pow, as in NumPy/TF: pow(1, y) = 1 and pow(-1, ±Inf) = 1 even where JS Math.pow gives NaN. */
function c99Pow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return a ** b;
}

export const add = binaryKernel<"add">((a, b) => a + b);
export const sub = binaryKernel<"sub">((a, b) => a - b);
// Math.imul keeps int32 products exact (a plain product can exceed 2^53 before wrapping).
export const mul = binaryKernel<"mul">((a, b) => a * b, Math.imul);
export const div = binaryKernel<"div">((a, b) => a / b);
export const pow = binaryKernel<"pow">(c99Pow);
// Math.max/min propagate NaN and order -0 below +0.
export const maximum = binaryKernel<"maximum">(Math.max);
export const minimum = binaryKernel<"minimum">(Math.min);
export const mod = binaryKernel<"mod">(floorMod, floorModInt);
