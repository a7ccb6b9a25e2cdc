import {
  type Tensor,
  ValueError,
  add,
  cast,
  clip,
  div,
  isFinite as isFiniteTensor,
  maximum,
  mul,
  scalar,
  sqrt,
  sum,
  tidy,
  where,
} from "@axon/core";
import { mapTensors, tensorsOf } from "./tree.ts";

/**
 * Gradient clipping over gradient trees (arrays, plain objects and Maps of tensors; null leaves
 * stay null). Both functions return new tensors and leave their input alone.
 */

/** Every gradient limited to [lo, hi] elementwise. */
export function clipByValue<T>(grads: T, lo: number, hi: number): T {
  if (typeof lo !== "number" || Number.isNaN(lo) || typeof hi !== "number" || Number.isNaN(hi))
    throw new ValueError(`clipByValue: lo and hi must be numbers, got ${String(lo)} and ${String(hi)}`);
  if (lo > hi) throw new ValueError(`clipByValue: lo must be <= hi, got lo ${lo} and hi ${hi}`);
  return mapTensors(grads, (g) => clip(g, lo, hi));
}

/**
 * √(Σ over every tensor of Σ x²), as a 0-d tensor (so no data is read back from the backend).
 * Mixed float32/float64 trees are summed in float64; an empty tree has norm 0.
 */
export function globalNorm(tree: unknown): Tensor {
  const leaves = tensorsOf(tree);
  return tidy(() => {
    if (leaves.length === 0) return scalar(0);
    let total = sum(mul(leaves[0], leaves[0]));
    for (const t of leaves.slice(1)) total = add(total, sum(mul(t, t)));
    return sqrt(total);
  });
}

/**
 * Scales the whole tree by `maxNorm / max(norm, maxNorm)`: nothing changes when the global norm
 * is at most `maxNorm`; otherwise every gradient shrinks by the same factor, so the update keeps
 * its direction (clipping each tensor alone would bend it). `norm` is the norm before clipping.
 * A NaN or infinite norm makes every gradient NaN (as TensorFlow does) rather than quietly
 * zeroing the finite entries, so a training loop can notice the overflow and skip the step.
 */
export function clipByGlobalNorm<T>(grads: T, maxNorm: number): { grads: T; norm: Tensor } {
  if (typeof maxNorm !== "number" || !(maxNorm > 0) || maxNorm === Number.POSITIVE_INFINITY)
    throw new ValueError(
      `clipByGlobalNorm: maxNorm must be a positive finite number, got ${String(maxNorm)}`,
    );
  const norm = globalNorm(grads);
  const clipped = tidy(() => {
    const scale = where(isFiniteTensor(norm), div(maxNorm, maximum(norm, maxNorm)), Number.NaN);
    // The scale is cast to each gradient's dtype so a float32 gradient stays float32.
    return mapTensors(grads, (g) => mul(g, cast(scale, g.dtype)));
  });
  return { grads: clipped, norm };
}
