/**
 * Gradient tests any backend can run: `gradientSuite` registers a gradCheck property for every
 * differentiable primitive and every composite op of core, on the active backend. The generators
 * and the check are exported for a package's own properties.
 */
export { BOTH, NUM_RUNS, type PropertyOptions, checkCase, gradProperty } from "./check.ts";
export { COMPOSITE_CASES, type CompositeCase } from "./composites.ts";
export * from "./generators.ts";
export { PRIMITIVE_CASES } from "./primitives.ts";
export {
  GRADIENT_CASE_NAMES,
  type GradientGroup,
  type GradientSuiteOptions,
  gradientSuite,
} from "./suite.ts";
