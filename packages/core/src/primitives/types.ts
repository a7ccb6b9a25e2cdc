import type { DType } from "../dtype.ts";
import type { Shape } from "../shape.ts";

/** Shape and dtype of a tensor, without data: what shape inference works on. */
export interface TensorSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

export const UNARY_PRIMS = [
  "neg",
  "abs",
  "sign",
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "reciprocal",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "erf",
  "floor",
  "ceil",
  "round",
  "logicalNot",
] as const;
export type UnaryPrim = (typeof UNARY_PRIMS)[number];

/** Elementwise math that only makes sense on floats (callers promote integers first). */
export const FLOAT_UNARY_PRIMS: readonly UnaryPrim[] = [
  "exp",
  "log",
  "log1p",
  "expm1",
  "sqrt",
  "rsqrt",
  "reciprocal",
  "sin",
  "cos",
  "tanh",
  "sigmoid",
  "erf",
  "floor",
  "ceil",
  "round",
];

export const BINARY_PRIMS = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "mod"] as const;
export type BinaryPrim = (typeof BINARY_PRIMS)[number];

export const COMPARE_PRIMS = ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"] as const;
export type ComparePrim = (typeof COMPARE_PRIMS)[number];

export const LOGICAL_PRIMS = ["logicalAnd", "logicalOr"] as const;
export type LogicalPrim = (typeof LOGICAL_PRIMS)[number];

export const REDUCE_PRIMS = ["sum", "max", "min"] as const;
export type ReducePrim = (typeof REDUCE_PRIMS)[number];

export const ARG_REDUCE_PRIMS = ["argmax", "argmin"] as const;
export type ArgReducePrim = (typeof ARG_REDUCE_PRIMS)[number];

/** Explicit 2-D padding: [[top, bottom], [left, right]]. */
export type Padding2D = readonly [readonly [number, number], readonly [number, number]];

export interface Conv2DAttrs {
  readonly strides: readonly [number, number];
  readonly padding: Padding2D;
  readonly dilations: readonly [number, number];
}

export interface Pool2DAttrs {
  readonly filterSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding2D;
}

type NoAttrs = Record<string, never>;

/**
 * Attributes of every primitive. This interface *is* the closed primitive set: `PrimName` is its
 * keys, and tables typed `{ [P in PrimName]: ... }` must cover all of them.
 */
export interface PrimAttrs extends Record<UnaryPrim | BinaryPrim | ComparePrim | LogicalPrim, NoAttrs> {
  where: NoAttrs;
  cast: { readonly dtype: DType };
  /** Reduces over `axes` (normalized, sorted) and drops them; ops add keepDims by reshaping. */
  sum: { readonly axes: readonly number[] };
  max: { readonly axes: readonly number[] };
  min: { readonly axes: readonly number[] };
  /** Index (int32) of the first extreme value along `axis`, which is dropped. */
  argmax: { readonly axis: number };
  argmin: { readonly axis: number };
  reshape: { readonly shape: Shape };
  transpose: { readonly perm: readonly number[] };
  broadcastTo: { readonly shape: Shape };
  /** `begin` and `size` normalized: non-negative and in range. */
  slice: { readonly begin: readonly number[]; readonly size: readonly number[] };
  pad: { readonly paddings: readonly (readonly [number, number])[]; readonly value: number };
  concat: { readonly axis: number };
  /** gather(x, indices): out = x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]. */
  gather: { readonly axis: number };
  /**
   * scatterAdd(updates, indices): the transpose of gather. Output is
   * updates.shape[:axis] ++ [size] ++ updates.shape[axis + indices.rank:], and every slice of
   * `updates` is added at the position its index names (repeated indices accumulate).
   */
  scatterAdd: { readonly axis: number; readonly size: number };
  /** a: [...batch, m, k], b: [...batch, k, n] (after the transposes); batch dimensions broadcast. */
  matmul: { readonly transposeA: boolean; readonly transposeB: boolean };
  /** x: [N, H, W, C], filter: [kh, kw, C, O] → [N, OH, OW, O]. */
  conv2d: Conv2DAttrs;
  /** conv2dBackpropInput(dy, filter) → dx of shape `inputShape`. */
  conv2dBackpropInput: Conv2DAttrs & { readonly inputShape: Shape };
  /** conv2dBackpropFilter(x, dy) → dfilter of shape `filterShape`. */
  conv2dBackpropFilter: Conv2DAttrs & { readonly filterShape: Shape };
  /** Padded positions never win the max. */
  maxPool: Pool2DAttrs;
  /** maxPoolBackward(dy, x) → dx; each window's gradient goes to its first maximum. */
  maxPoolBackward: Pool2DAttrs;
  /** Averages over the in-bounds elements of each window only (padding is not counted). */
  avgPool: Pool2DAttrs;
  /** avgPoolBackward(dy) → dx of shape `inputShape`, dividing by the same in-bounds counts. */
  avgPoolBackward: Pool2DAttrs & { readonly inputShape: Shape };
  /**
   * Uniform numbers in [0, 1) from the Philox-4x32-10 counter-based generator: element i uses
   * counter i under `key`, so every backend produces the same numbers for the same key.
   */
  randomUniform: { readonly shape: Shape; readonly dtype: DType; readonly key: readonly [number, number] };
}

export type PrimName = keyof PrimAttrs;

/** Shape/dtype inference and validation of one primitive. */
export interface PrimDef<P extends PrimName> {
  readonly name: P;
  /** Number of tensor inputs, or "variadic" (concat). */
  readonly arity: number | "variadic";
  /** Throws an AxonError naming the primitive when inputs or attrs are invalid. */
  infer(inputs: readonly TensorSpec[], attrs: PrimAttrs[P]): TensorSpec;
}

export type PrimTable = { readonly [P in PrimName]: PrimDef<P> };
