import { expect, it } from "vitest";
import { useCpuBackend } from "../test-helpers.ts";
import { PRIMITIVE_CASES, gradientSuite } from "../testing/index.ts";
import { NON_DIFFERENTIABLE_PRIMS, VJP_RULES } from "./index.ts";

// One property per differentiable primitive (the generators are in `../testing/primitives.ts`,
// shared with every backend): fast-check draws shapes (broadcasting included) and values inside the
// primitive's domain, and gradCheck must pass in float64 (tight) and float32.

useCpuBackend();

gradientSuite({ name: "cpu", dtypes: ["float64", "float32"], groups: ["primitives"] });

it("every primitive is either differentiable with a rule or declared non-differentiable", () => {
  const withRule = Object.keys(VJP_RULES);
  const declared: readonly string[] = NON_DIFFERENTIABLE_PRIMS;
  expect(withRule.filter((p) => declared.includes(p))).toEqual([]);
  expect(Object.keys(PRIMITIVE_CASES).sort()).toEqual([...withRule].sort());
});
