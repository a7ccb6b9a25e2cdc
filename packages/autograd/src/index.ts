export { GradientError, NonDifferentiableError } from "./errors.ts";
export {
  grad,
  valueAndGrad,
  vjp,
  hvp,
  hessianVectorProduct,
  noGrad,
  stopGradient,
  type GradOptions,
  type GradOf,
  type Cotangent,
  type VjpFn,
} from "./grad.ts";
export type { PlaybackOptions } from "./watch.ts";
export { customGrad, type CustomGradResult, type OutputCotangent } from "./custom-grad.ts";
export { checkpoint } from "./checkpoint.ts";
export { gradCheck, type GradCheckOptions, type GradCheckResult, type GradCheckWorst } from "./grad-check.ts";
export {
  flattenTree,
  treeLeaves,
  isTensorCell,
  type FlatTree,
  type GradTree,
  type TensorCell,
} from "./tree.ts";
export { Tape, activeTapes, pauseTapes, type BackwardResult, type NodeBackward } from "./tape.ts";
export {
  VJP_RULES,
  NON_DIFFERENTIABLE_PRIMS,
  isNonDifferentiablePrim,
  ruleOf,
  type DifferentiablePrim,
  type NonDifferentiablePrim,
  type Saves,
  type VjpContext,
  type VjpRule,
  type VjpTable,
} from "./vjp-rules/index.ts";
