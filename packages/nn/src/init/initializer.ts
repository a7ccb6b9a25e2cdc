import type { DType, RandomOptions, Tensor } from "@axon/core";

/**
 * Makes the initial value of a weight: `init(shape, dtype = "float32", { seed } | { key })`.
 * Without a seed or key the draw comes from the global stream, so `setSeed` makes a model's
 * initialization repeat; a seed given when the initializer was made is used when the call gives
 * none (then every call with the same shape gives the same numbers).
 */
export interface Initializer {
  (shape: readonly number[], dtype?: DType, options?: RandomOptions): Tensor;
  /** What it draws, for error messages and summaries: "varianceScaling(2, fanIn, truncatedNormal)". */
  readonly description: string;
}

/** The random options of one call: the call's own, else the seed the initializer was made with. */
export function randomOptionsOf(made: RandomOptions, call: RandomOptions | undefined): RandomOptions {
  if (call && (call.seed !== undefined || call.key !== undefined)) return call;
  return made;
}

export function makeInitializer(
  description: string,
  fn: (shape: readonly number[], dtype: DType, options: RandomOptions | undefined) => Tensor,
): Initializer {
  return Object.assign(
    (shape: readonly number[], dtype: DType = "float32", options?: RandomOptions) =>
      fn(shape, dtype, options),
    { description },
  );
}
