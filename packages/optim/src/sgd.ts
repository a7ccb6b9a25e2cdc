import { mul, sub } from "@axon/core";
import { Optimizer, type ParamGroup, type UpdateRule, withWeightDecay } from "./optimizer.ts";
import type { LearningRate } from "./schedules.ts";
import { checkKeys, checkLr, checkWeightDecay } from "./validate.ts";

export interface SGDOptions {
  /** A non-negative number or a schedule of the step. */
  readonly lr: LearningRate;
  /** L2 penalty: `wd·W` is added to the gradient (default 0). */
  readonly weightDecay?: number;
}

export interface SGDHyper {
  readonly lr: LearningRate;
  readonly weightDecay: number;
}

/** `W ← W − lr·g`. */
export const sgdRule: UpdateRule<SGDOptions, SGDHyper> = {
  name: "SGD",
  slotNames: [],
  resolve(o, who) {
    checkKeys(who, o, ["lr", "weightDecay"]);
    return { lr: checkLr(who, o.lr), weightDecay: checkWeightDecay(who, o.weightDecay ?? 0) };
  },
  update({ value, grad, hyper, lr }) {
    const g = withWeightDecay(grad, value, hyper.weightDecay);
    return { value: sub(value, mul(g, lr)), slots: {} };
  },
};

/** Plain stochastic gradient descent. */
export class SGD extends Optimizer<SGDOptions, SGDHyper> {
  constructor(options: SGDOptions);
  constructor(groups: readonly ParamGroup<SGDOptions>[], defaults?: Partial<SGDOptions>);
  constructor(
    optionsOrGroups: SGDOptions | readonly ParamGroup<SGDOptions>[],
    defaults?: Partial<SGDOptions>,
  ) {
    super(sgdRule, optionsOrGroups, defaults);
  }
}
