import { expect } from "vitest";
import type { DType } from "../dtype.ts";
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

/** NaN matches NaN, ±Inf match exactly; otherwise |a − e| ≤ atol + rtol·max(|e|, scale) so sums of products are judged by Σ|term|. */
function compareValues(
  a: readonly number[],
  e: readonly number[],
  tol: Tolerance,
  shape: readonly number[],
  scale?: ArrayLike<number>,
): void {
  expect(a.length, `element count of a tensor of shape ${fmtShape(shape)}`).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    const mag = Math.max(Math.abs(y), scale ? scale[i] : 0);
    const ok =
      (Number.isNaN(x) && Number.isNaN(y)) ||
      x === y ||
      (Number.isFinite(y) && Math.abs(x - y) <= tol.atol + tol.rtol * mag);
    if (!ok) {
      expect.fail(
        `element ${i} of shape ${fmtShape(shape)}: got ${x}, expected ${y} (atol ${tol.atol}, rtol ${tol.rtol}${scale ? `, scale ${scale[i]}` : ""})`,
      );
    }
  }
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
  compareValues(Array.from(actual.dataSync() as ArrayLike<number>), flat(expected), tol, actual.shape);
}

/** What `expectTensor` checks; omitted fields are not checked. */
export interface Expected {
  readonly shape?: readonly number[];
  readonly dtype?: DType;
  readonly values: unknown;
  /** Exact comparison when absent. */
  readonly tol?: Tolerance;
  /** Σ|term| per element for sums of products: the rtol applies to it when it exceeds |expected|. */
  readonly scale?: ArrayLike<number>;
}

/** Asserts dtype, shape and values of a tensor in one call. */
export function expectTensor(actual: Tensor, expected: Expected): void {
  if (expected.dtype) expect(actual.dtype, "dtype").toBe(expected.dtype);
  if (expected.shape) expect(fmtShape(actual.shape), "shape").toBe(fmtShape(expected.shape));
  const tol = expected.tol ?? { atol: 0, rtol: 0 };
  compareValues(
    Array.from(actual.dataSync() as ArrayLike<number>),
    flat(expected.values),
    tol,
    actual.shape,
    expected.scale,
  );
}
