import { add, div, mul, sqrt, square, sub } from "@axon/core";
import { Optimizer, type ParamGroup, type UpdateRule, withWeightDecay } from "./optimizer.ts";
import type { LearningRate } from "./schedules.ts";
import { checkBeta, checkEpsilon, checkKeys, checkLr, checkWeightDecay } from "./validate.ts";

export interface RMSPropOptions {
  readonly lr: LearningRate;
  /** The decay of the mean square, in [0, 1) (default 0.9). */
  readonly beta?: number;
  /** Added to √s so a parameter with tiny gradients does not take huge steps (default 1e-8). */
  readonly epsilon?: number;
  /** L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: number;
}

export interface RMSPropHyper {
  readonly lr: LearningRate;
  readonly beta: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

/** `s ← βs + (1−β)g²`, `W ← W − lr·g/(√s + ε)`; s starts at zero. */
export const rmspropRule: UpdateRule<RMSPropOptions, RMSPropHyper> = {
  name: "RMSProp",
  slotNames: ["meanSquare"],
  resolve(o, who) {
    checkKeys(who, o, ["lr", "beta", "epsilon", "weightDecay"]);
    return {
      lr: checkLr(who, o.lr),
      beta: checkBeta(who, "beta", o.beta ?? 0.9),
      epsilon: checkEpsilon(who, o.epsilon ?? 1e-8),
      weightDecay: checkWeightDecay(who, o.weightDecay ?? 0),
    };
  },
  update({ value, grad, slots, hyper, lr }) {
    const g = withWeightDecay(grad, value, hyper.weightDecay);
    const meanSquare = add(mul(slots.meanSquare, hyper.beta), mul(square(g), 1 - hyper.beta));
    const stepDir = div(g, add(sqrt(meanSquare), hyper.epsilon));
    return { value: sub(value, mul(stepDir, lr)), slots: { meanSquare } };
  },
};

/** RMSProp: each coordinate's step is divided by a running root mean square of its gradients. */
export class RMSProp extends Optimizer<RMSPropOptions, RMSPropHyper> {
  constructor(options: RMSPropOptions);
  constructor(groups: readonly ParamGroup<RMSPropOptions>[], defaults?: Partial<RMSPropOptions>);
  constructor(
    optionsOrGroups: RMSPropOptions | readonly ParamGroup<RMSPropOptions>[],
    defaults?: Partial<RMSPropOptions>,
  ) {
    super(rmspropRule, optionsOrGroups, defaults);
  }
}
