import { registerCpuBackend } from "@axon/backend-cpu";
import {
  type DType,
  type FloatDType,
  type Tensor,
  makeTensor,
  setBackend,
  sizeOf,
  typedArrayFor,
} from "@axon/core";
import fc from "fast-check";
import { beforeAll, expect } from "vitest";
import { type GradCheckOptions, gradCheck } from "./grad-check.ts";

/** Shared by the package's tests: the CPU backend, tensors from plain data, shape and value generators. */

export function useCpuBackend(): void {
  beforeAll(async () => {
    registerCpuBackend();
    await setBackend("cpu");
  });
}

/** fast-check runs per property: small in CI so the package stays well under a minute. */
export const NUM_RUNS = process.env.CI ? 10 : 40;

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

/** One input of a generated case: plain values, its shape and dtype (floats are checked, the rest are constants). */
export interface Input {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly dtype?: DType;
}

export interface Case {
  readonly inputs: readonly Input[];
  readonly f: (...xs: Tensor[]) => Tensor;
  /** Overrides of the gradient check (a case whose function goes through float32 needs a larger step). */
  readonly options?: GradCheckOptions;
  readonly rtol64?: number;
}

export const tensorOf = (i: Input): Tensor => t(i.values, i.shape, i.dtype ?? "float64");

/** The gradient check of a case in one dtype, failing with the details when it does not pass. */
export function checkCase(name: string, c: Case, dtype: FloatDType): void {
  const inputs = c.inputs.map(tensorOf);
  const r = gradCheck(c.f, inputs, { dtype, ...c.options });
  const bound = dtype === "float64" ? (c.rtol64 ?? 1e-6) : r.rtol;
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

/** A property over generated cases: the gradient check passes in float64 (tight) and float32. */
export function gradProperty(name: string, arb: fc.Arbitrary<Case>, numRuns = NUM_RUNS): void {
  fc.assert(
    fc.property(arb, (c) => {
      checkCase(name, c, "float64");
      checkCase(name, c, "float32");
    }),
    { numRuns },
  );
}

// ---------------------------------------------------------------- generators

export const dim = (max = 3) => fc.integer({ min: 1, max });
export const shapeArb = (minRank = 0, maxRank = 3, maxDim = 3) =>
  fc.array(dim(maxDim), { minLength: minRank, maxLength: maxRank });

/** A shape that broadcasts to `out`: some leading axes dropped, some axes set to 1. */
export const broadcastableTo = (out: readonly number[]) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

/** `n` shapes that broadcast together, and their broadcast shape. */
export const broadcastShapesArb = (n: number, maxRank = 3) =>
  shapeArb(0, maxRank).chain((out) =>
    fc.tuple(...Array.from({ length: n }, () => broadcastableTo(out))).map((ins) => ({ out, ins })),
  );

/** `size` doubles in [min, max]. */
export const numbers = (size: number, min = -2, max = 2) =>
  fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), {
    minLength: size,
    maxLength: size,
  });

/** `size` doubles with |v| in [lo, hi] and a random sign: away from a singularity at 0. */
export const awayFromZero = (size: number, lo = 0.3, hi = 2) =>
  fc
    .tuple(numbers(size, lo, hi), fc.array(fc.boolean(), { minLength: size, maxLength: size }))
    .map(([m, s]) => m.map((v, i) => (s[i] ? v : -v)));

/** `size` distinct values at least 0.05 apart (no ties for max, min, maxPool). */
export const distinct = (size: number) =>
  fc
    .uniqueArray(fc.integer({ min: -60, max: 60 }), { minLength: size, maxLength: size })
    .map((v) => v.map((k) => k * 0.05));

/** `size` values k + f with f in [0.1, 0.4]: away from the jumps of floor, ceil, round and sign. */
export const offGrid = (size: number) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: -3, max: 3 }), { minLength: size, maxLength: size }),
      numbers(size, 0.1, 0.4),
    )
    .map(([k, f]) => k.map((v, i) => v + f[i]));

/** An input of `shape` whose values come from `gen(size)`. */
export const inputOf = (shape: readonly number[], gen: (size: number) => fc.Arbitrary<number[]> = numbers) =>
  gen(sizeOf(shape)).map((v): Input => ({ values: v, shape }));

/** A random permutation of 0..n-1. */
export const permutation = (n: number) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, i]) => i),
  );

/** A sorted, non-empty-or-empty subset of 0..n-1. */
export const axesOf = (n: number) =>
  fc
    .array(fc.boolean(), { minLength: n, maxLength: n })
    .map((keep) => keep.flatMap((k, i) => (k ? [i] : [])));
