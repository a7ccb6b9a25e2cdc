import fc from "fast-check";
import { expect, it } from "vitest";
import { type DType, typedArrayFor } from "../dtype.ts";
import { DTypeError } from "../errors.ts";
import { makeTensor, tidy } from "../engine.ts";
import type { Tensor } from "../tensor.ts";
import type { ConformanceContext } from "./context.ts";
import { type Ref, rng } from "./reference.ts";

/** Helpers shared by the primitive modules: they build tensors with `makeTensor` only. */

/** A tensor of `dtype` holding `values` (booleans and numbers; the store rounds to the dtype). */
export function tensor(
  values: ArrayLike<number | boolean>,
  shape: readonly number[],
  dtype: DType = "float32",
): Tensor {
  const data = typedArrayFor(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    data[i] = typeof v === "boolean" ? (v ? 1 : 0) : dtype === "bool" ? (v !== 0 ? 1 : 0) : v;
  }
  return makeTensor(data, [...shape], dtype);
}

/** The values a tensor holds, as a reference array (the dtype's rounding already applied). */
export function toRef(t: Tensor): Ref {
  return { shape: [...t.shape], data: Array.from(t.dataSync() as ArrayLike<number>) };
}

export function values(t: Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>);
}

/** A tensor of `dtype` filled from a seeded generator, returned with the values it really holds. */
export function randomTensor(
  shape: readonly number[],
  dtype: DType,
  seed: number,
  lo = -1,
  hi = 1,
): { t: Tensor; ref: Ref } {
  const n = shape.reduce((a, b) => a * b, 1);
  const r = rng(seed);
  const data = Array.from({ length: n }, () => r()).map((u) =>
    dtype === "bool"
      ? u < 0.5
        ? 0
        : 1
      : dtype === "int32"
        ? Math.floor(lo + (hi - lo) * u)
        : lo + (hi - lo) * u,
  );
  const t = tensor(data, shape, dtype);
  return { t, ref: toRef(t) };
}

/** The value `v` becomes when stored in `dtype` (float32 rounding, int32 wrap-around, bool 0/1). */
export function roundTo(dtype: DType, v: number): number {
  switch (dtype) {
    case "float32":
      return Math.fround(v);
    case "int32":
      return v | 0;
    case "bool":
      return v !== 0 ? 1 : 0;
    default:
      return v;
  }
}

export function roundData(dtype: DType, data: readonly number[]): number[] {
  return data.map((v) => roundTo(dtype, v));
}

/** A test whose tensors are all released when it ends (pass or fail). */
export function test(title: string, fn: () => void): void {
  it(title, () => {
    tidy(() => {
      fn();
    });
  });
}

/** Checks that the active backend refuses to hold each of `dtypes` (those it does not list). */
export function expectDTypesRefused(dtypes: readonly DType[]): void {
  for (const d of dtypes) {
    expect(() => makeTensor(typedArrayFor(d, 1), [1], d)).toThrow(DTypeError);
  }
}

/** One test per dtype; where the backend lacks it (or an `also` dtype), the test checks that it is refused instead. */
export function dtypeTest(
  ctx: ConformanceContext,
  dtypes: readonly DType[],
  title: string,
  fn: (dtype: DType) => void,
  also: readonly DType[] = [],
): void {
  for (const dtype of dtypes) {
    it(`${title} [${dtype}]`, () => {
      const missing = [dtype, ...also].filter((d) => !ctx.dtypes().includes(d));
      if (missing.length > 0) return expectDTypesRefused(missing);
      tidy(() => {
        fn(dtype);
      });
    });
  }
}

/** A fast-check property with the context's run count; every run releases its tensors. */
export function property<T>(
  ctx: ConformanceContext,
  title: string,
  arb: fc.Arbitrary<T>,
  fn: (value: T) => void,
): void {
  it(title, () => {
    fc.assert(
      fc.property(arb, (v) => {
        tidy(() => {
          fn(v);
        });
      }),
      { numRuns: ctx.numRuns },
    );
  });
}

/** Asserts that `fn` throws an instance of `cls` whose message matches `re`. */
export function expectError(
  fn: () => unknown,
  cls: abstract new (...args: any[]) => Error,
  re: RegExp,
): void {
  let caught: unknown;
  try {
    tidy(() => {
      fn();
    });
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${cls.name} matching ${re}`).toBeInstanceOf(cls);
  expect((caught as Error).message).toMatch(re);
}

/** Dtype lists for `dtypeTest`, which skips the ones a backend does not list. */
export const FLOATS: readonly DType[] = ["float32", "float64"];
export const NUMERIC: readonly DType[] = ["float32", "float64", "int32"];
export const ALL: readonly DType[] = ["float32", "float64", "int32", "bool"];

// ---------------------------------------------------------------- arbitraries

/** A shape of rank in [minRank, maxRank] with dimensions in [minDim, maxDim]. */
export function shapeArb(minRank: number, maxRank: number, minDim = 0, maxDim = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** Two shapes that broadcast to `out`: each drops some leading axes and turns some axes into 1. */
export function broadcastPairArb(
  maxRank = 4,
  maxDim = 3,
): fc.Arbitrary<{ a: number[]; b: number[]; out: number[] }> {
  return shapeArb(0, maxRank, 0, maxDim).chain((out) => {
    const derived = fc
      .record({
        drop: fc.integer({ min: 0, max: out.length }),
        ones: fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      })
      .map(({ drop, ones }) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc.record({ a: derived, b: derived }).map(({ a, b }) => {
      // The broadcast of the two may be smaller than `out` when both dropped or squeezed an axis.
      const rank = Math.max(a.length, b.length);
      const full = Array.from({ length: rank }, (_, i) => {
        const da = a[i - (rank - a.length)] ?? 1;
        const db = b[i - (rank - b.length)] ?? 1;
        return da === 1 ? db : da;
      });
      return { a, b, out: full };
    });
  });
}

export const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
