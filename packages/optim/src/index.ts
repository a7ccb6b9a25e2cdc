export {
  Optimizer,
  withWeightDecay,
  type BaseHyper,
  type OptimizerStateDict,
  type SlotState,
  type UpdateArgs,
  type UpdateResult,
  type UpdateRule,
} from "./optimizer.ts";
export type { OptionsOrGroups, ParamGroup } from "./param-groups.ts";
export { SGD, sgdRule, type SGDOptions, type SGDHyper } from "./sgd.ts";
export {
  Momentum,
  momentumRule,
  type MomentumOptions,
  type MomentumHyper,
  type Dampening,
} from "./momentum.ts";
export { RMSProp, rmspropRule, type RMSPropOptions, type RMSPropHyper } from "./rmsprop.ts";
export { Adam, adamRule, type AdamOptions, type AdamHyper } from "./adam.ts";
export { AdamW, adamwRule } from "./adamw.ts";
export {
  constant,
  inverseTimeDecay,
  exponentialDecay,
  inverseSqrtDecay,
  stepDecay,
  cosineDecay,
  type Schedule,
  type LearningRate,
  type InverseTimeDecayOptions,
  type ExponentialDecayOptions,
  type InverseSqrtDecayOptions,
  type StepDecayOptions,
  type CosineDecayOptions,
} from "./schedules.ts";
export { clipByValue, clipByGlobalNorm, globalNorm } from "./clip.ts";
