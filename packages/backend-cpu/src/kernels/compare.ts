import type { ComparePrim, Kernel, LogicalPrim, TypedArray } from "@axon/core";
import { type BinaryFn, broadcastBinary } from "./binary.ts";

/** A broadcasting kernel whose output is bool (0/1) whatever the input dtype. */
function boolKernel<P extends ComparePrim | LogicalPrim>(fn: BinaryFn): Kernel<P, TypedArray> {
  return ([a, b], _attrs, out) => broadcastBinary(a, b, out, fn);
}

// IEEE comparisons: any NaN operand compares false, except notEqual which is true.
export const equal = boolKernel<"equal">((a, b) => (a === b ? 1 : 0));
export const notEqual = boolKernel<"notEqual">((a, b) => (a !== b ? 1 : 0));
export const less = boolKernel<"less">((a, b) => (a < b ? 1 : 0));
export const lessEqual = boolKernel<"lessEqual">((a, b) => (a <= b ? 1 : 0));
export const greater = boolKernel<"greater">((a, b) => (a > b ? 1 : 0));
export const greaterEqual = boolKernel<"greaterEqual">((a, b) => (a >= b ? 1 : 0));
export const logicalAnd = boolKernel<"logicalAnd">((a, b) => (a !== 0 && b !== 0 ? 1 : 0));
export const logicalOr = boolKernel<"logicalOr">((a, b) => (a !== 0 || b !== 0 ? 1 : 0));
