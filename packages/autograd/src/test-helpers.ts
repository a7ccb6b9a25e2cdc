import { registerCpuBackend } from "@axon/backend-cpu";
import { type DType, type Tensor, makeTensor, setBackend, typedArrayFor } from "@axon/core";
import { beforeAll, expect } from "vitest";

/**
 * Shared by the package's tests: the CPU backend and tensors from plain data. The gradient
 * properties and their generators are in `./testing/` (`@axon/autograd/testing`), which any backend runs.
 */

export function useCpuBackend(): void {
  beforeAll(async () => {
    registerCpuBackend();
    await setBackend("cpu");
  });
}

export function t(
  values: readonly number[] | number,
  shape: readonly number[] = [],
  dtype: DType = "float64",
): Tensor {
  const list = typeof values === "number" ? [values] : values;
  const data = typedArrayFor(dtype, list.length);
  data.set(list);
  return makeTensor(data, shape, dtype);
}

export const values = (x: Tensor): number[] => Array.from(x.dataSync() as ArrayLike<number>);

export function expectClose(
  actual: Tensor | readonly number[],
  expected: readonly number[],
  tol = 1e-9,
): void {
  const a = Array.isArray(actual) ? actual : values(actual as Tensor);
  expect(a.length).toBe(expected.length);
  a.forEach((v, i) => {
    if (Math.abs(v - expected[i]) > tol * (1 + Math.abs(expected[i]))) {
      expect.fail(`element ${i}: got ${v}, expected ${expected[i]} (tol ${tol})`);
    }
  });
}
