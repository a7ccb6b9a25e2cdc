// Adam without bias correction, for comparison: @axon/optim's Adam always corrects (it has no switch).
import * as ax from "@axon/axon";

const { optim } = ax;

interface Hyper {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/** m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², W ← W − lr·m/(√v + ε): Adam's step with m and v used as they are. */
export const uncorrectedAdamRule: ax.optim.UpdateRule<Partial<Hyper>, Hyper> = {
  name: "AdamWithoutBiasCorrection",
  slotNames: ["m", "v"],
  resolve: (o) => ({
    lr: o.lr ?? 1e-3,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    epsilon: o.epsilon ?? 1e-8,
  }),
  update: ({ value, grad, slots, hyper, lr }) => {
    const m = ax.add(ax.mul(slots.m, hyper.beta1), ax.mul(grad, 1 - hyper.beta1));
    const v = ax.add(ax.mul(slots.v, hyper.beta2), ax.mul(ax.square(grad), 1 - hyper.beta2));
    const step = ax.mul(ax.div(m, ax.add(ax.sqrt(v), hyper.epsilon)), lr);
    return { value: ax.sub(value, step), slots: { m, v } };
  },
};

/** An optimizer taking Adam's steps without bias correction. */
export function uncorrectedAdam(options: Partial<Hyper>): ax.optim.Optimizer<Partial<Hyper>, Hyper> {
  return new optim.Optimizer(uncorrectedAdamRule, options);
}

/**
 * How much larger the uncorrected step is than the corrected one at step t when the gradient is
 * constant: m = (1−β₁ᵗ)·m̂ and √v = √(1−β₂ᵗ)·√v̂, so the ratio is (1−β₁ᵗ)/√(1−β₂ᵗ) (3.16 at t = 1 for the defaults).
 */
export function uncorrectedStepRatio(t: number, beta1 = 0.9, beta2 = 0.999): number {
  return (1 - beta1 ** t) / Math.sqrt(1 - beta2 ** t);
}
