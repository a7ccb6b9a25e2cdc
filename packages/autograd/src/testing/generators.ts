import { type DType, type Tensor, getBackend, makeTensor, sizeOf, typedArrayFor } from "@axon/core";
import fc from "fast-check";
import type { GradCheckOptions } from "../grad-check.ts";

/** One input of a generated case: plain values, its shape and dtype (floats are checked, the rest are constants). */
export interface Input {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  /** int32/bool for constant inputs (indices, conditions); float inputs leave it out. */
  readonly dtype?: DType;
}

export interface Case {
  readonly inputs: readonly Input[];
  readonly f: (...xs: Tensor[]) => Tensor;
  /** Overrides of the gradient check (a case whose function goes through float32 needs a larger step). */
  readonly options?: GradCheckOptions;
  readonly rtol64?: number;
}

/** The float dtype inputs are made in: float64 where the active backend has it, else float32. */
export function inputFloatDType(): "float64" | "float32" {
  return getBackend().dtypes.includes("float64") ? "float64" : "float32";
}

/** A tensor of an input on the active backend (gradCheck casts float inputs to the checked dtype). */
export function tensorOf(i: Input): Tensor {
  const dtype = i.dtype ?? inputFloatDType();
  const data = typedArrayFor(dtype, i.values.length);
  data.set(i.values);
  return makeTensor(data, i.shape, dtype);
}

// ---------------------------------------------------------------- generators

export const dim = (max = 3) => fc.integer({ min: 1, max });
export const shapeArb = (minRank = 0, maxRank = 3, maxDim = 3) =>
  fc.array(dim(maxDim), { minLength: minRank, maxLength: maxRank });

/** A shape that broadcasts to `out`: some leading axes dropped, some axes set to 1. */
export const broadcastableTo = (out: readonly number[]) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

/** `n` shapes that broadcast together, and their broadcast shape. */
export const broadcastShapesArb = (n: number, maxRank = 3) =>
  shapeArb(0, maxRank).chain((out) =>
    fc.tuple(...Array.from({ length: n }, () => broadcastableTo(out))).map((ins) => ({ out, ins })),
  );

/** `size` doubles in [min, max]. */
export const numbers = (size: number, min = -2, max = 2) =>
  fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), {
    minLength: size,
    maxLength: size,
  });

/** `size` doubles with |v| in [lo, hi] and a random sign: away from a singularity at 0. */
export const awayFromZero = (size: number, lo = 0.3, hi = 2) =>
  fc
    .tuple(numbers(size, lo, hi), fc.array(fc.boolean(), { minLength: size, maxLength: size }))
    .map(([m, s]) => m.map((v, i) => (s[i] ? v : -v)));

/** `size` distinct values at least 0.05 apart (no ties for max, min, maxPool). */
export const distinct = (size: number) =>
  fc
    .uniqueArray(fc.integer({ min: -60, max: 60 }), { minLength: size, maxLength: size })
    .map((v) => v.map((k) => k * 0.05));

/** `size` values k + f with f in [0.1, 0.4]: away from the jumps of floor, ceil, round and sign. */
export const offGrid = (size: number) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: -3, max: 3 }), { minLength: size, maxLength: size }),
      numbers(size, 0.1, 0.4),
    )
    .map(([k, f]) => k.map((v, i) => v + f[i]));

/** An input of `shape` whose values come from `gen(size)`. */
export const inputOf = (shape: readonly number[], gen: (size: number) => fc.Arbitrary<number[]> = numbers) =>
  gen(sizeOf(shape)).map((v): Input => ({ values: v, shape }));

/** A random permutation of 0..n-1. */
export const permutation = (n: number) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, i]) => i),
  );

/** A sorted, non-empty-or-empty subset of 0..n-1. */
export const axesOf = (n: number) =>
  fc
    .array(fc.boolean(), { minLength: n, maxLength: n })
    .map((keep) => keep.flatMap((k, i) => (k ? [i] : [])));
