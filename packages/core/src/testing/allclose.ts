import { expect } from "vitest";
import type { Tensor } from "../tensor.ts";
import { fmtShape } from "../errors.ts";
import type { Tolerance } from "./context.ts";

/** Flattens nested arrays of numbers/booleans. */
export function flat(x: unknown): number[] {
  if (typeof x === "number") return [x];
  if (typeof x === "boolean") return [x ? 1 : 0];
  if (Array.isArray(x)) return x.flatMap(flat);
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  throw new Error(`flat: cannot flatten ${String(x)}`);
}

/**
 * Asserts `actual` has `shape` (if given) and values within tolerance of `expected`
 * (NaN matches NaN, ±Inf match exactly), naming the first element that differs.
 */
export function expectAllClose(
  actual: Tensor,
  expected: unknown,
  tol: Tolerance = { atol: 0, rtol: 0 },
  shape?: readonly number[],
): void {
  if (shape) expect(fmtShape(actual.shape), "shape").toBe(fmtShape(shape));
  const a = Array.from(actual.dataSync() as ArrayLike<number>);
  const e = flat(expected);
  expect(a.length, `element count of a tensor of shape ${fmtShape(actual.shape)}`).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    const ok =
      (Number.isNaN(x) && Number.isNaN(y)) || x === y || (Number.isFinite(y) && Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y));
    if (!ok) {
      expect.fail(`element ${i} of shape ${fmtShape(actual.shape)}: got ${x}, expected ${y} (atol ${tol.atol}, rtol ${tol.rtol})`);
    }
  }
}
