import { add, mul, sub } from "@axon/core";
import { Optimizer, type ParamGroup, type UpdateRule, withWeightDecay } from "./optimizer.ts";
import type { LearningRate } from "./schedules.ts";
import { checkBeta, checkBoolean, checkChoice, checkKeys, checkLr, checkWeightDecay } from "./validate.ts";

/** How the velocity takes in the gradient: `'classic'` v = βv + g, `'ewa'` v = βv + (1−β)g. */
export type Dampening = "classic" | "ewa";

export interface MomentumOptions {
  readonly lr: LearningRate;
  /** The velocity's decay, in [0, 1) (default 0.9). */
  readonly beta?: number;
  /** Look ahead: step along `g' + β·v` instead of `v` (default false). */
  readonly nesterov?: boolean;
  /**
   * `'classic'` (default, as PyTorch's and Keras' SGD with momentum, so their learning rates carry
   * over) or `'ewa'`, the exponentially weighted average, whose steps are (1−β) times smaller.
   */
  readonly dampening?: Dampening;
  /** L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: number;
}

export interface MomentumHyper {
  readonly lr: LearningRate;
  readonly beta: number;
  readonly nesterov: boolean;
  readonly dampening: Dampening;
  readonly weightDecay: number;
}

const KEYS = ["lr", "beta", "nesterov", "dampening", "weightDecay"];

/**
 * With g' = g (classic) or (1−β)g (ewa): `v ← βv + g'`, then `W ← W − lr·v`, or with Nesterov
 * `W ← W − lr·(g' + βv)`. The velocity starts at zero.
 */
export const momentumRule: UpdateRule<MomentumOptions, MomentumHyper> = {
  name: "Momentum",
  slotNames: ["velocity"],
  resolve(o, who) {
    checkKeys(who, o, KEYS);
    return {
      lr: checkLr(who, o.lr),
      beta: checkBeta(who, "beta", o.beta ?? 0.9),
      nesterov: checkBoolean(who, "nesterov", o.nesterov ?? false),
      dampening: checkChoice(who, "dampening", o.dampening ?? "classic", ["classic", "ewa"] as const),
      weightDecay: checkWeightDecay(who, o.weightDecay ?? 0),
    };
  },
  update({ value, grad, slots, hyper, lr }) {
    const { beta, nesterov, dampening } = hyper;
    const g = withWeightDecay(grad, value, hyper.weightDecay);
    const gIn = dampening === "ewa" ? mul(g, 1 - beta) : g;
    const velocity = add(mul(slots.velocity, beta), gIn);
    const direction = nesterov ? add(gIn, mul(velocity, beta)) : velocity;
    return { value: sub(value, mul(direction, lr)), slots: { velocity } };
  },
};

/** Gradient descent with momentum (heavy ball), optionally Nesterov's. */
export class Momentum extends Optimizer<MomentumOptions, MomentumHyper> {
  constructor(options: MomentumOptions);
  constructor(groups: readonly ParamGroup<MomentumOptions>[], defaults?: Partial<MomentumOptions>);
  constructor(
    optionsOrGroups: MomentumOptions | readonly ParamGroup<MomentumOptions>[],
    defaults?: Partial<MomentumOptions>,
  ) {
    super(momentumRule, optionsOrGroups, defaults);
  }
}
