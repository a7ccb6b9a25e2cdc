import {
  type DType,
  type PrimAttrs,
  type PrimName,
  type Shape,
  type Tensor,
  makeTensor,
  runPrimitive,
  setBackend,
  sizeOf,
  stridesOf,
  typedArrayFor,
} from "@axon/core";
import fc from "fast-check";
import { beforeAll } from "vitest";
import { type CpuBackendOptions, registerCpuBackend } from "./index.ts";

/** Property-test runs: fewer in CI, same assertions. */
export const NUM_RUNS = process.env.CI ? 25 : 100;

/**
 * Registers the CPU backend and makes it active for the tests of the calling file. By default it
 * runs the JavaScript reference kernels (the kernel tests pin their exact behaviour); the WebAssembly
 * kernels are compared with them in fast/*.test.ts and run the conformance suite.
 */
export function useCpuBackend(options: CpuBackendOptions = { simd: false }): void {
  beforeAll(async () => {
    registerCpuBackend(1, options);
    await setBackend("cpu");
  });
}

/** A tensor of `dtype` holding `values` (stored as the dtype's typed array would store them). */
export function tensor(values: ArrayLike<number>, shape: Shape, dtype: DType = "float64"): Tensor {
  const data = typedArrayFor(dtype, values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i];
  return makeTensor(data, shape, dtype);
}

export function run<P extends PrimName>(prim: P, inputs: readonly Tensor[], attrs: PrimAttrs[P]): Tensor {
  return runPrimitive(prim, inputs, attrs);
}

export function values(t: Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>);
}

/** Deterministic pseudo-random numbers (mulberry32) so a failing fast-check seed replays exactly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` values in [-2, 2) (floats) or small integers in [-5, 5] (int = true). */
export function randomValues(seed: number, n: number, int = false): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => (int ? Math.floor(r() * 11) - 5 : r() * 4 - 2));
}

export function randomTensor(seed: number, shape: Shape, dtype: DType = "float64"): Tensor {
  return tensor(randomValues(seed, sizeOf(shape), dtype === "int32" || dtype === "bool"), shape, dtype);
}

/** Shapes of rank 0..maxRank with dimensions 0..maxDim. */
export function shapeArb(maxRank = 4, maxDim = 4, minDim = 0): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: 0, maxLength: maxRank });
}

export const seedArb = fc.integer({ min: 0, max: 0x7fffffff });

/** Multi-index of flat position `i` in a row-major `shape`. */
export function unravel(i: number, shape: Shape): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Flat position of a multi-index in a row-major `shape`. */
export function ravel(idx: readonly number[], shape: Shape): number {
  const s = stridesOf(shape);
  let p = 0;
  for (let d = 0; d < idx.length; d++) p += idx[d] * s[d];
  return p;
}

/** Element of `data` (row-major `shape`) read at an index of a broadcast `outShape`. */
export function broadcastRead(data: ArrayLike<number>, shape: Shape, outIdx: readonly number[]): number {
  const lead = outIdx.length - shape.length;
  const idx = shape.map((d, i) => (d === 1 ? 0 : outIdx[lead + i]));
  return data[ravel(idx, shape)];
}

/** Asserts equal lengths and |a − e| ≤ atol + rtol·|e| (NaN matches NaN) elementwise. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol = 0,
  rtol = 0,
): void {
  if (actual.length !== expected.length)
    throw new Error(`length ${actual.length} differs from expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok =
      (Number.isNaN(a) && Number.isNaN(e)) ||
      Object.is(a, e) ||
      a === e ||
      Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) throw new Error(`element ${i}: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}

/** <a, b> in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** `k` shapes that broadcast together: each drops some leading axes of a common shape and sets some axes to 1. */
export function broadcastShapesArb(k: number, maxRank = 4, maxDim = 3): fc.Arbitrary<number[][]> {
  return shapeArb(maxRank, maxDim).chain((full) =>
    fc
      .array(
        fc.tuple(
          fc.integer({ min: 0, max: full.length }),
          fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
        ),
        { minLength: k, maxLength: k },
      )
      .map((specs) => specs.map(([drop, ones]) => full.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)))),
  );
}
