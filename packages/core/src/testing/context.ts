import type { Backend } from "../backend.ts";
import type { DType } from "../dtype.ts";

/** Tolerance of a comparison: |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** What a backend tells the conformance suite about itself. */
export interface ConformanceOptions {
  /** Name under which the suite registers the backend. */
  readonly name: string;
  readonly factory: () => Backend | Promise<Backend>;
  /** Tolerance per dtype for transcendental math and accumulations (exact ops are compared exactly). */
  readonly tolerance?: Partial<Record<DType, Tolerance>>;
  /** fast-check runs per property (smaller in CI; the assertions stay the same). */
  readonly numRuns?: number;
}

/** Handed to every module of the suite. */
export interface ConformanceContext {
  readonly name: string;
  /** Dtypes the backend supports (float64 tests run only where it is listed). */
  dtypes(): readonly DType[];
  tol(dtype: DType): Tolerance;
  readonly numRuns: number;
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/** Property-test runs: fewer in CI, same assertions. */
export const DEFAULT_NUM_RUNS = env.CI ? 25 : 100;

export const DEFAULT_TOLERANCE: Record<DType, Tolerance> = {
  float32: { atol: 1e-5, rtol: 1e-5 },
  float64: { atol: 1e-12, rtol: 1e-12 },
  int32: { atol: 0, rtol: 0 },
  bool: { atol: 0, rtol: 0 },
};
