import { type FloatDType, Parameter, ShapeError, Tensor, ValueError, fmtShape } from "@axon/core";
import type { Initializer } from "../init/initializer.ts";
import { describe } from "../module.ts";
import type { Regularizer } from "../regularizers.ts";

/** The options every layer with a kernel and a bias takes. */
export interface WeightOptions {
  /** Add a bias (default true). A layer followed by batch norm can drop it: BN's beta takes its place. */
  useBias?: boolean;
  /** Default `glorotUniform()`, as in Keras. */
  kernelInitializer?: Initializer;
  /** Default `zeros()`. */
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  /** Applied to the output, e.g. `relu`. */
  activation?: (x: Tensor) => Tensor;
  /** Dtype of the weights (default float32). */
  dtype?: FloatDType;
}

export function checkPositiveInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    throw new ValueError(`${op}: ${arg} must be a positive integer, got ${describe(v)}`);
  return v;
}

export function checkOptions<T extends object>(op: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options))
    throw new ValueError(`${op}: options must be an object, got ${describe(options)}`);
  return options;
}

export function checkFunction(op: string, arg: string, v: unknown): void {
  if (v !== undefined && typeof v !== "function")
    throw new ValueError(`${op}: ${arg} must be a function, got ${describe(v)}`);
}

export function checkDType(op: string, dtype: unknown): FloatDType {
  if (dtype === undefined) return "float32";
  if (dtype !== "float32" && dtype !== "float64")
    throw new ValueError(`${op}: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  return dtype;
}

/** A tensor from an initializer, with a clear error if the initializer gives the wrong shape. */
export function initTensor(
  op: string,
  name: string,
  init: Initializer,
  shape: readonly number[],
  dtype: FloatDType,
): Tensor {
  if (typeof init !== "function")
    throw new ValueError(`${op}: the ${name} initializer must be a function, got ${describe(init)}`);
  const t = init(shape, dtype);
  if (!(t instanceof Tensor) || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
    throw new ShapeError(
      `${op}: the ${name} initializer returned ${describe(t)}, expected shape ${fmtShape(shape)}`,
    );
  return t.dtype === dtype ? t : t.cast(dtype);
}

/** A new parameter from an initializer. */
export function initParameter(
  op: string,
  name: string,
  init: Initializer,
  shape: readonly number[],
  dtype: FloatDType,
): Parameter {
  return new Parameter(initTensor(op, name, init, shape, dtype), name);
}

/** Throws unless x has at least `minRank` axes and `size` along `axis`. */
export function checkFeatures(
  op: string,
  x: unknown,
  axis: number,
  size: number,
  what: string,
  minRank = 1,
): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: x must be a Tensor, got ${describe(x)}`);
  const t = x;
  const a = axis < 0 ? t.rank + axis : axis;
  if (t.rank < minRank || a < 0 || a >= t.rank || t.shape[a] !== size)
    throw new ShapeError(
      `${op}: x must have ${size} ${what} on axis ${axis}${minRank > 1 ? ` and rank >= ${minRank}` : ""}, got shape ${fmtShape(t.shape)}`,
    );
}
