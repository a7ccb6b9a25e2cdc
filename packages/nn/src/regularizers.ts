import { Tensor, ValueError, abs, add, mul, square, sum } from "@axon/core";

/** A penalty on a weight tensor: a scalar that joins the loss through `model.regularizationLoss()`. */
export interface Regularizer {
  (weight: Tensor): Tensor;
  /** For summaries and error messages, e.g. "l2(0.01)". */
  readonly description: string;
}

function checkFactor(op: string, arg: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    throw new ValueError(`${op}: ${arg} must be a finite number >= 0, got ${String(v)}`);
  return v;
}

function named(description: string, fn: (w: Tensor) => Tensor): Regularizer {
  const penalty = (w: Tensor) => {
    if (!(w instanceof Tensor))
      throw new ValueError(`${description}: weight must be a Tensor, got ${typeof w}`);
    return fn(w);
  };
  return Object.assign(penalty, { description });
}

/** λ·Σ|w|: its gradient is λ·sign(w), which drives small weights to exactly zero (sparsity). */
export function l1(factor = 0.01): Regularizer {
  const lambda = checkFactor("l1", "factor", factor);
  return named(`l1(${lambda})`, (w) => mul(sum(abs(w)), lambda));
}

/**
 * (λ/2)·Σw²: its gradient is exactly λ·w, the same as weight decay λ in plain SGD. (Keras's l2 is
 * λ·Σw², twice this; pass 2λ to match it.)
 */
export function l2(factor = 0.01): Regularizer {
  const lambda = checkFactor("l2", "factor", factor);
  return named(`l2(${lambda})`, (w) => mul(sum(square(w)), lambda / 2));
}

/** l1(λ₁) + l2(λ₂): the elastic-net penalty. */
export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  const a = checkFactor("l1l2", "l1", options.l1 ?? 0.01);
  const b = checkFactor("l1l2", "l2", options.l2 ?? 0.01);
  const p1 = l1(a);
  const p2 = l2(b);
  return named(`l1l2(${a}, ${b})`, (w) => add(p1(w), p2(w)));
}
