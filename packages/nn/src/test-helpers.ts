import { gradCheck, type GradCheckResult } from "@axon/autograd";
import { registerCpuBackend } from "@axon/backend-cpu";
import { type Tensor, makeTensor, setBackend, typedArrayFor, type DType } from "@axon/core";
import { beforeAll, expect } from "vitest";
import { functionalCall } from "./functional-call.ts";
import type { Module } from "./module.ts";

/** Shared by the package's tests: the CPU backend, plain-data tensors, closeness, layer gradient checks. */

export function useCpuBackend(): void {
  beforeAll(async () => {
    registerCpuBackend();
    await setBackend("cpu");
  });
}

/** fast-check runs per property: few in CI so the package stays well under a minute. */
export const NUM_RUNS = process.env.CI ? 10 : 40;

export const values = (x: Tensor): number[] => Array.from(x.dataSync() as ArrayLike<number>);

export function t(list: readonly number[], shape: readonly number[], dtype: DType = "float32"): Tensor {
  const data = typedArrayFor(dtype, list.length);
  data.set(list);
  return makeTensor(data, shape, dtype);
}

export function expectClose(
  actual: Tensor | readonly number[],
  expected: readonly number[],
  tol = 1e-5,
): void {
  const a = Array.isArray(actual) ? actual : values(actual as Tensor);
  expect(a.length, "element count").toBe(expected.length);
  a.forEach((v, i) => {
    if (!(Math.abs(v - expected[i]) <= tol * (1 + Math.abs(expected[i]))))
      expect.fail(`element ${i}: got ${v}, expected ${expected[i]} (tol ${tol})`);
  });
}

/** Deterministic values in [-1, 1] away from 0 (no activation kinks, no pooling ties). */
export function spread(shape: readonly number[], salt = 1, dtype: DType = "float64"): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const list = Array.from({ length: n }, (_, i) => {
    const v = Math.sin(12.9898 * (i + 1) * salt + 78.233 * salt) * 43758.5453;
    const u = v - Math.floor(v);
    return (u < 0.5 ? -1 : 1) * (0.1 + 0.9 * Math.abs(2 * u - 1));
  });
  return t(list, shape, dtype);
}

/**
 * gradCheck (float64) of a layer with respect to its input and every parameter, in training or
 * evaluation mode. A factory builds a fresh layer for each evaluation, so a seeded random layer
 * (dropout) draws the same mask every time.
 */
export function gradCheckLayer(
  make: Module | (() => Module),
  x: Tensor,
  mode: "train" | "eval",
): GradCheckResult {
  const build = () => {
    const m = typeof make === "function" ? make() : make;
    return mode === "train" ? m.train() : m.eval();
  };
  const named = build().namedParameters();
  const names = named.map(([n]) => n);
  return gradCheck(
    (input: Tensor, ...ps: Tensor[]) => {
      const m = build();
      return functionalCall(m, Object.fromEntries(names.map((n, i) => [n, ps[i]])), () => m.call(input));
    },
    [x, ...named.map(([, p]) => p.value)],
    { dtype: "float64" },
  );
}

export function expectGradOk(r: GradCheckResult): void {
  if (!r.ok)
    expect.fail(
      `gradCheck failed: relative difference ${r.relativeDifference}, worst ${JSON.stringify(r.worst)}`,
    );
}
