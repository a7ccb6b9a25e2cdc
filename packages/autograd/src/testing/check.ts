import type { FloatDType } from "@axon/core";
import fc from "fast-check";
import { expect } from "vitest";
import { type GradCheckOptions, gradCheck } from "../grad-check.ts";
import { type Case, tensorOf } from "./generators.ts";

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/** fast-check runs per property: small in CI so a suite stays well under a minute. */
export const NUM_RUNS = env.CI ? 10 : 40;

/** The dtypes a property checks, in order: float64 with a tight bound, then float32. */
export const BOTH: readonly FloatDType[] = ["float64", "float32"];

/**
 * The gradient check of a case in one dtype, failing with the details when it does not pass.
 * `overrides` (a backend's tolerance for this case) apply on top of the case's own options.
 */
export function checkCase(name: string, c: Case, dtype: FloatDType, overrides?: GradCheckOptions): void {
  const inputs = c.inputs.map(tensorOf);
  const r = gradCheck(c.f, inputs, { dtype, ...c.options, ...overrides });
  const bound = dtype === "float64" ? (overrides?.rtol ?? c.rtol64 ?? 1e-6) : r.rtol;
  const good = r.ok && (r.relativeDifference <= bound || r.maxAbsDifference <= r.atol);
  if (!good) {
    const shapes = c.inputs.map((i) => `[${i.shape.join(",")}]`).join(" ");
    expect.fail(
      `${name} (${dtype}) inputs ${shapes}: relative difference ${r.relativeDifference}, worst ${JSON.stringify(r.worst)}\n` +
        `inputs: ${JSON.stringify(c.inputs.map((i) => i.values))}`,
    );
  }
  for (const x of inputs) x.dispose();
}

/** How a property runs: fast-check runs, dtypes, and a backend's tolerance per dtype for this case. */
export interface PropertyOptions {
  readonly numRuns?: number;
  readonly dtypes?: readonly FloatDType[];
  readonly overrides?: Partial<Record<FloatDType, GradCheckOptions>>;
}

/** A property over generated cases: the gradient check passes in each dtype (by default float64, tight, and float32). */
export function gradProperty(name: string, arb: fc.Arbitrary<Case>, options: PropertyOptions = {}): void {
  const dtypes = options.dtypes ?? BOTH;
  fc.assert(
    fc.property(arb, (c) => {
      for (const dtype of dtypes) checkCase(name, c, dtype, options.overrides?.[dtype]);
    }),
    { numRuns: options.numRuns ?? NUM_RUNS },
  );
}
