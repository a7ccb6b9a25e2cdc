import { afterAll, beforeAll, describe } from "vitest";
import type { Backend } from "../backend.ts";
import type { DType } from "../dtype.ts";
import { registerBackend, removeBackend, setBackend } from "../engine.ts";
import { BackendError } from "../errors.ts";
import {
  type ConformanceContext,
  type ConformanceOptions,
  DEFAULT_NUM_RUNS,
  DEFAULT_TOLERANCE,
  type Tolerance,
} from "./context.ts";
import { engineTests } from "./engine.ts";
import { opTests } from "./ops/index.ts";
import { primitiveTests } from "./prims/index.ts";

export { type Expected, expectAllClose, expectTensor, flat } from "./allclose.ts";
export {
  type ConformanceContext,
  type ConformanceOptions,
  DEFAULT_NUM_RUNS,
  DEFAULT_TOLERANCE,
  type Tolerance,
} from "./context.ts";
export * as reference from "./reference.ts";

/** The per-dtype tolerance of a suite: the backend's overrides merged over the defaults. */
export function mergeTolerance(overrides: ConformanceOptions["tolerance"]): Record<DType, Tolerance> {
  const out = {} as Record<DType, Tolerance>;
  for (const d of Object.keys(DEFAULT_TOLERANCE) as DType[])
    out[d] = { ...DEFAULT_TOLERANCE[d], ...overrides?.[d] };
  return out;
}

/** Registers every conformance test of a backend: primitives (through `runPrimitive` only), engine and ops. */
export function conformanceSuite(options: ConformanceOptions): void {
  describe(`conformance: ${options.name}`, async () => {
    // Started while the tests are collected: modules register one test per dtype the backend lists.
    let instance: Backend;
    try {
      instance = await options.factory();
    } catch (e) {
      throw new BackendError(
        `conformance: backend '${options.name}' failed to start: ${(e as Error).message}`,
      );
    }
    const tolerance = mergeTolerance(options.tolerance);
    const ctx: ConformanceContext = {
      name: options.name,
      dtypes: () => instance.dtypes,
      tol: (dtype) => tolerance[dtype],
      numRuns: options.numRuns ?? DEFAULT_NUM_RUNS,
    };

    beforeAll(async () => {
      // The instance started above, so that the tests run on the backend whose dtypes they saw.
      registerBackend(options.name, () => instance, { priority: 0 });
      await setBackend(options.name);
    });

    afterAll(() => {
      removeBackend(options.name);
    });

    primitiveTests(ctx);
    engineTests(ctx);
    opTests(ctx);
  });
}
