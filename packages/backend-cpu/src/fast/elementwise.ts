import type { BinaryPrim, BufferInfo, DType, Shape, UnaryPrim } from "@axon/core";
import { broadcastStrides } from "../kernels/util.ts";
import type { BinaryFn, Expr, UnaryFn } from "../wasm/elementwise.ts";
import type { CpuBuffer } from "../wasm/heap.ts";
import { type GridOperand, runElementwise } from "./grid.ts";
import type { FastKernel } from "./types.ts";

export const IN0: Expr = { op: "input", index: 0 };
export const IN1: Expr = { op: "input", index: 1 };
export const IN2: Expr = { op: "input", index: 2 };

/** Operands read as broadcast to `outShape` (NumPy rules). */
export function broadcastOperands(inputs: readonly BufferInfo<CpuBuffer>[], outShape: Shape): GridOperand[] {
  return inputs.map((x) => ({
    buffer: x.buffer,
    dtype: x.dtype,
    strides: broadcastStrides(x.shape, outShape),
  }));
}

/** A kernel computing `expr` over its broadcast inputs when the output dtype is one of `dtypes`. */
export function elementwiseKernel<P extends UnaryPrim | BinaryPrim>(
  expr: Expr,
  dtypes: readonly DType[],
): FastKernel<P> {
  return (rt, inputs, _attrs, out) => {
    if (!dtypes.includes(out.dtype) || inputs.some((x) => x.dtype !== out.dtype)) return null;
    return runElementwise(rt, expr, broadcastOperands(inputs, out.shape), out.shape, out.dtype);
  };
}

const FLOATS: readonly DType[] = ["float32", "float64"];
const NUMERIC: readonly DType[] = ["float32", "float64", "int32"];

function unary<P extends UnaryPrim>(fn: UnaryFn, dtypes: readonly DType[] = FLOATS): FastKernel<P> {
  return elementwiseKernel<P>({ op: "unary", fn, x: IN0 }, dtypes);
}

function binary<P extends BinaryPrim>(fn: BinaryFn, dtypes: readonly DType[] = NUMERIC): FastKernel<P> {
  return elementwiseKernel<P>({ op: "binary", fn, a: IN0, b: IN1 }, dtypes);
}

// Exact in every dtype listed (float64 and int32 arithmetic is what the JavaScript kernels do).
export const neg = unary<"neg">("neg", NUMERIC);
export const abs = unary<"abs">("abs", NUMERIC);
export const sqrt = unary<"sqrt">("sqrt");
export const rsqrt = unary<"rsqrt">("rsqrt");
export const reciprocal = unary<"reciprocal">("reciprocal");
export const floor = unary<"floor">("floor");
export const ceil = unary<"ceil">("ceil");
export const round = unary<"round">("round");
// Polynomial approximations: float32 only (float64 keeps JavaScript's Math functions).
export const exp = unary<"exp">("exp", ["float32"]);
export const log = unary<"log">("log", ["float32"]);
export const tanh = unary<"tanh">("tanh", ["float32"]);
export const sigmoid = unary<"sigmoid">("sigmoid", ["float32"]);
export const erf = unary<"erf">("erf", ["float32"]);

export const add = binary<"add">("add");
export const sub = binary<"sub">("sub");
export const mul = binary<"mul">("mul");
export const div = binary<"div">("div", FLOATS);
export const maximum = binary<"maximum">("max");
export const minimum = binary<"minimum">("min");
