import { type FloatDType, getBackend } from "@axon/core";
import { describe, it } from "vitest";
import type { GradCheckOptions } from "../grad-check.ts";
import { BOTH, NUM_RUNS, gradProperty } from "./check.ts";
import { COMPOSITE_CASES } from "./composites.ts";
import { PRIMITIVE_CASES } from "./primitives.ts";

/** The groups of cases a gradient suite registers. */
export type GradientGroup = "primitives" | "composites";

/** The names a tolerance table may use: every differentiable primitive and every composite case. */
export const GRADIENT_CASE_NAMES: readonly string[] = [
  ...Object.keys(PRIMITIVE_CASES),
  ...COMPOSITE_CASES.map((c) => c.name),
];

export interface GradientSuiteOptions {
  /** The backend's name, shown in the titles. */
  readonly name: string;
  /**
   * The dtypes each case is checked in, in order: float64 (relative difference below 1e-6 unless a
   * case says otherwise) and float32 (gradCheck's float32 defaults). Default: both where the active
   * backend has float64, else float32.
   */
  readonly dtypes?: readonly FloatDType[];
  /** fast-check runs per property (default 40, 10 in CI). */
  readonly numRuns?: number;
  /**
   * The backend's tolerance table: gradCheck options by dtype and case name (a primitive such as
   * "sum" or a composite such as "softmax"), applied over the case's own options. A name that is not
   * a case is an error, so the table cannot drift from the cases.
   */
  readonly tolerance?: Partial<Record<FloatDType, Readonly<Record<string, GradCheckOptions>>>>;
  /** Which cases to register (default both). */
  readonly groups?: readonly GradientGroup[];
}

/**
 * Registers one gradCheck property per differentiable primitive and per composite op of core, run
 * on the ACTIVE backend (select it in a `beforeAll` first). A backend package runs it next to core's
 * conformance suite, so every backend is checked for gradients, not only for forward values:
 *
 *     beforeAll(async () => { registerBackend("webgl", …); await setBackend("webgl"); });
 *     gradientSuite({ name: "webgl", dtypes: ["float32"] });
 */
export function gradientSuite(options: GradientSuiteOptions): void {
  for (const table of Object.values(options.tolerance ?? {})) {
    const unknown = Object.keys(table ?? {}).filter((n) => !GRADIENT_CASE_NAMES.includes(n));
    if (unknown.length > 0)
      throw new Error(
        `gradientSuite(${options.name}): no case named ${unknown.join(", ")} in the tolerance table`,
      );
  }
  const groups = options.groups ?? ["primitives", "composites"];
  const property = (name: string) => ({
    numRuns: options.numRuns ?? NUM_RUNS,
    dtypes: options.dtypes ?? (getBackend().dtypes.includes("float64") ? BOTH : (["float32"] as const)),
    overrides: {
      float64: options.tolerance?.float64?.[name],
      float32: options.tolerance?.float32?.[name],
    },
  });
  if (groups.includes("primitives")) {
    describe(`the gradient of every differentiable primitive passes gradCheck on ${options.name}`, () => {
      for (const [prim, arb] of Object.entries(PRIMITIVE_CASES)) {
        it(prim, () => gradProperty(prim, arb, property(prim)));
      }
    });
  }
  if (groups.includes("composites")) {
    describe(`composite ops pass gradCheck on ${options.name}`, () => {
      for (const c of COMPOSITE_CASES) {
        it(c.title, () => gradProperty(c.name, c.arb, property(c.name)));
      }
    });
  }
}
