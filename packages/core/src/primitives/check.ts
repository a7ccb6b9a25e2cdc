import { type DType, isFloat, isNumeric } from "../dtype.ts";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.ts";
import type { TensorSpec } from "./types.ts";

/** Validation helpers shared by the primitives' inference functions. */

export function expectDType(op: string, arg: string, spec: TensorSpec, allowed: readonly DType[]): void {
  if (!allowed.includes(spec.dtype)) {
    throw new DTypeError(`${op}: ${arg} must have dtype ${allowed.join(" or ")}, got ${spec.dtype}`);
  }
}

export function expectFloat(op: string, arg: string, spec: TensorSpec): void {
  if (!isFloat(spec.dtype))
    throw new DTypeError(`${op}: ${arg} must be float32 or float64, got ${spec.dtype}`);
}

export function expectNumeric(op: string, arg: string, spec: TensorSpec): void {
  if (!isNumeric(spec.dtype))
    throw new DTypeError(`${op}: ${arg} must be numeric (float32, float64 or int32), got ${spec.dtype}`);
}

export function expectSameDType(op: string, a: TensorSpec, b: TensorSpec, names = ["a", "b"]): void {
  if (a.dtype !== b.dtype) {
    throw new DTypeError(
      `${op}: ${names[0]} and ${names[1]} must have the same dtype, got ${a.dtype} and ${b.dtype}`,
    );
  }
}

export function expectRank(op: string, arg: string, spec: TensorSpec, rank: number): void {
  if (spec.shape.length !== rank) {
    throw new ShapeError(`${op}: ${arg} must have rank ${rank}, got shape ${fmtShape(spec.shape)}`);
  }
}

export function expectPositiveInts(op: string, arg: string, values: readonly number[], length: number): void {
  if (values.length !== length || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ValueError(`${op}: ${arg} must be ${length} positive integers, got [${values.join(",")}]`);
  }
}
