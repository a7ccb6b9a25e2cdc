import { add, div, mul, sqrt, square, sub } from "@axon/core";
import {
  Optimizer,
  type ParamGroup,
  type UpdateArgs,
  type UpdateRule,
  withWeightDecay,
} from "./optimizer.ts";
import type { LearningRate } from "./schedules.ts";
import { checkBeta, checkEpsilon, checkKeys, checkLr, checkWeightDecay } from "./validate.ts";

export interface AdamOptions {
  /** Default 1e-3. */
  readonly lr?: LearningRate;
  /** Decay of the first moment m, in [0, 1) (default 0.9). */
  readonly beta1?: number;
  /** Decay of the second moment v, in [0, 1) (default 0.999). */
  readonly beta2?: number;
  /** Added to √v̂ (default 1e-8). */
  readonly epsilon?: number;
  /** Adam: an L2 penalty added to the gradient (default 0). AdamW: the decoupled decay rate (default 0.01). */
  readonly weightDecay?: number;
}

export interface AdamHyper {
  readonly lr: LearningRate;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

const KEYS = ["lr", "beta1", "beta2", "epsilon", "weightDecay"];

/** Checks Adam's options; AdamW differs only in the default weight decay. */
export function resolveAdam(o: Partial<AdamOptions>, who: string, defaultWeightDecay: number): AdamHyper {
  checkKeys(who, o, KEYS);
  return {
    lr: checkLr(who, o.lr ?? 1e-3),
    beta1: checkBeta(who, "beta1", o.beta1 ?? 0.9),
    beta2: checkBeta(who, "beta2", o.beta2 ?? 0.999),
    epsilon: checkEpsilon(who, o.epsilon ?? 1e-8),
    weightDecay: checkWeightDecay(who, o.weightDecay ?? defaultWeightDecay),
  };
}

/**
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) with t the parameter's
 * own update count (bias correction: m and v start at zero), and `W ← W − lr·m̂/(√v̂ + ε)`.
 * Decoupled (AdamW): the decay skips the moments, `W ← W − lr·wd·W − lr·m̂/(√v̂ + ε)`.
 */
export function adamUpdate({ value, grad, slots, hyper, lr, t }: UpdateArgs<AdamHyper>, decoupled: boolean) {
  const { beta1, beta2, epsilon, weightDecay } = hyper;
  const g = decoupled ? grad : withWeightDecay(grad, value, weightDecay);
  const m = add(mul(slots.m, beta1), mul(g, 1 - beta1));
  const v = add(mul(slots.v, beta2), mul(square(g), 1 - beta2));
  const mHat = div(m, 1 - beta1 ** t);
  const vHat = div(v, 1 - beta2 ** t);
  const decayed = decoupled && weightDecay !== 0 ? sub(value, mul(value, lr * weightDecay)) : value;
  return { value: sub(decayed, mul(div(mHat, add(sqrt(vHat), epsilon)), lr)), slots: { m, v } };
}

export const adamRule: UpdateRule<AdamOptions, AdamHyper> = {
  name: "Adam",
  slotNames: ["m", "v"],
  resolve: (o, who) => resolveAdam(o, who, 0),
  update: (args) => adamUpdate(args, false),
};

/** Adam (Kingma & Ba): momentum on the gradient, scaled per coordinate by its running RMS, with bias correction. */
export class Adam extends Optimizer<AdamOptions, AdamHyper> {
  constructor(options?: AdamOptions);
  constructor(groups: readonly ParamGroup<AdamOptions>[], defaults?: Partial<AdamOptions>);
  constructor(
    optionsOrGroups: AdamOptions | readonly ParamGroup<AdamOptions>[] = {},
    defaults?: Partial<AdamOptions>,
  ) {
    super(adamRule, optionsOrGroups, defaults);
  }
}
