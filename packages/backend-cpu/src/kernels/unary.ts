import type { Kernel, TypedArray, UnaryPrim } from "@axon/core";
import { erf as erfScalar } from "./erf.ts";
import { allocOut } from "./util.ts";

export type UnaryFn = (x: number) => number;

/** out[i] = fn(x[i]) computed in doubles; the store rounds once to float32 or wraps to int32. */
export function unaryKernel<P extends UnaryPrim>(fn: UnaryFn): Kernel<P, TypedArray> {
  return ([x], _attrs, out) => {
    const src = x.buffer;
    const res = allocOut(out);
    for (let i = 0; i < res.length; i++) res[i] = fn(src[i]);
    return res;
  };
}

/** sign(±0) = 0 and sign(NaN) = NaN. */
function signOf(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN;
}

/** Logistic function from exp(−|x|), which never overflows. */
function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Round half to even (NumPy/TF): Math.round breaks ties upward, so step back from odd tie results. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// On int32, -x and |x| of −2³¹ wrap back to −2³¹ when stored, like int32 arithmetic.
export const neg = unaryKernel<"neg">((x) => -x);
export const abs = unaryKernel<"abs">(Math.abs);
export const sign = unaryKernel<"sign">(signOf);
export const exp = unaryKernel<"exp">(Math.exp);
export const log = unaryKernel<"log">(Math.log);
export const log1p = unaryKernel<"log1p">(Math.log1p);
export const expm1 = unaryKernel<"expm1">(Math.expm1);
export const sqrt = unaryKernel<"sqrt">(Math.sqrt);
export const rsqrt = unaryKernel<"rsqrt">((x) => 1 / Math.sqrt(x));
export const reciprocal = unaryKernel<"reciprocal">((x) => 1 / x);
export const sin = unaryKernel<"sin">(Math.sin);
export const cos = unaryKernel<"cos">(Math.cos);
export const tanh = unaryKernel<"tanh">(Math.tanh);
export const sigmoid = unaryKernel<"sigmoid">(logistic);
export const erf = unaryKernel<"erf">(erfScalar);
export const floor = unaryKernel<"floor">(Math.floor);
export const ceil = unaryKernel<"ceil">(Math.ceil);
export const round = unaryKernel<"round">(roundHalfEven);
export const logicalNot = unaryKernel<"logicalNot">((x) => (x === 0 ? 1 : 0));
