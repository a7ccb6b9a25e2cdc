import type { ComparePrim, LogicalPrim } from "@axon/core";
import type { BinaryFn, CompareFn, Expr } from "../wasm/elementwise.ts";
import { IN0, IN1, broadcastOperands } from "./elementwise.ts";
import { runElementwise } from "./grid.ts";
import type { FastKernel } from "./types.ts";

/** A comparison of two broadcast operands of any one dtype, written as bool (0/1 bytes). */
function comparison<P extends ComparePrim>(fn: CompareFn): FastKernel<P> {
  const expr: Expr = { op: "compare", fn, a: IN0, b: IN1 };
  return (rt, inputs, _attrs, out) =>
    runElementwise(rt, expr, broadcastOperands(inputs, out.shape), out.shape, "bool");
}

/** and/or of two broadcast bool operands. */
function logical<P extends LogicalPrim>(fn: BinaryFn): FastKernel<P> {
  const expr: Expr = { op: "binary", fn, a: IN0, b: IN1 };
  return (rt, inputs, _attrs, out) =>
    runElementwise(rt, expr, broadcastOperands(inputs, out.shape), out.shape, "bool");
}

// IEEE comparisons as in kernels/compare.ts: any NaN operand compares false, except notEqual.
export const equal = comparison<"equal">("equal");
export const notEqual = comparison<"notEqual">("notEqual");
export const less = comparison<"less">("less");
export const lessEqual = comparison<"lessEqual">("lessEqual");
export const greater = comparison<"greater">("greater");
export const greaterEqual = comparison<"greaterEqual">("greaterEqual");
export const logicalAnd = logical<"logicalAnd">("and");
export const logicalOr = logical<"logicalOr">("or");

const NOT: Expr = { op: "unary", fn: "not", x: IN0 };

export const logicalNot: FastKernel<"logicalNot"> = (rt, inputs, _attrs, out) =>
  runElementwise(rt, NOT, broadcastOperands(inputs, out.shape), out.shape, "bool");
