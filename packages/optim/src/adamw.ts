import { type AdamHyper, type AdamOptions, adamUpdate, resolveAdam } from "./adam.ts";
import { Optimizer, type ParamGroup, type UpdateRule } from "./optimizer.ts";

/**
 * AdamW (Loshchilov & Hutter): weight decay applied to the weights directly, `W ← W − lr·wd·W`,
 * instead of through the gradient, where Adam's scaling would weaken it for parameters with large
 * gradients. The decay follows the learning rate's schedule.
 */
export const adamwRule: UpdateRule<AdamOptions, AdamHyper> = {
  name: "AdamW",
  slotNames: ["m", "v"],
  resolve: (o, who) => resolveAdam(o, who, 0.01),
  update: (args) => adamUpdate(args, true),
};

/** Adam with decoupled weight decay (default `weightDecay` 0.01; give biases a group with 0). */
export class AdamW extends Optimizer<AdamOptions, AdamHyper> {
  constructor(options?: AdamOptions);
  constructor(groups: readonly ParamGroup<AdamOptions>[], defaults?: Partial<AdamOptions>);
  constructor(
    optionsOrGroups: AdamOptions | readonly ParamGroup<AdamOptions>[] = {},
    defaults?: Partial<AdamOptions>,
  ) {
    super(adamwRule, optionsOrGroups, defaults);
  }
}
