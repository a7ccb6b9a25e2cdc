import { type DType, type OutputSpec, type PrimAttrs, type PrimName, typedArrayFor } from "@axon/core";
import type { CpuBackend } from "../backend.ts";

/** An input of a direct kernel call: values (rounded to the dtype when written), shape and dtype. */
export interface Operand {
  readonly values: ArrayLike<number>;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Runs one primitive on `backend` straight through its `run` (no engine), returning the output values. */
export function runDirect<P extends PrimName>(
  backend: CpuBackend,
  prim: P,
  inputs: readonly Operand[],
  attrs: PrimAttrs[P],
  out: OutputSpec,
): number[] {
  const bufs = inputs.map((x) => {
    const arr = typedArrayFor(x.dtype, x.values.length);
    for (let i = 0; i < x.values.length; i++) arr[i] = x.values[i];
    return backend.write(arr, x.dtype);
  });
  const res = backend.run(
    prim,
    bufs.map((buffer, i) => ({ buffer, shape: inputs[i].shape, dtype: inputs[i].dtype })),
    attrs,
    out,
  );
  const size = out.shape.reduce((a, b) => a * b, 1);
  const values = Array.from(backend.readSync(res, out.dtype, size) as ArrayLike<number>);
  if (!bufs.includes(res)) backend.free(res);
  for (const b of bufs) backend.free(b);
  return values;
}

/** Deterministic values in [lo, hi) (mulberry32). */
export function randomArray(seed: number, n: number, lo = -1, hi = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + ((hi - lo) * ((t ^ (t >>> 14)) >>> 0)) / 4294967296;
  }
  return out;
}

/** Property-test runs: fewer in CI, same assertions. */
export const FAST_RUNS = process.env.CI ? 15 : 60;

const FLOAT_SPECIALS = [0, -0, 1, -1, 0.5, -2.5, 1e-40, -1e-45, 3e38, -3e38, Infinity, -Infinity, Number.NaN];
const INT_SPECIALS = [0, 1, -1, 2147483647, -2147483648, 7, -7];

/**
 * `n` values for `dtype`, drawn from a small set so that ties are common, with the dtype's special
 * values mixed in: ±0, ±∞, NaN, subnormals and float32 extremes for floats; the int32 extremes; 0/1.
 */
export function valuesFor(dtype: DType, seed: number, n: number): number[] {
  const r = randomArray(seed, n, 0, 1);
  const s = randomArray(seed + 7, n, 0, 1);
  return Array.from(r, (u, i) => {
    if (dtype === "bool") return u < 0.5 ? 0 : 1;
    const specials = dtype === "int32" ? INT_SPECIALS : FLOAT_SPECIALS;
    if (s[i] < 0.2) return specials[Math.floor(s[i] * 5 * specials.length)];
    const v = Math.floor(u * 9) - 4;
    return dtype === "int32" ? v : v / 2;
  });
}

/** Equal bits for every element (NaN payloads aside; −0 and +0 differ). */
export function expectSame(got: readonly number[], want: readonly number[], what: string): void {
  if (got.length !== want.length)
    throw new Error(`${what}: ${got.length} elements, reference ${want.length}`);
  for (let i = 0; i < got.length; i++)
    if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i])))
      throw new Error(`${what}: element ${i} is ${got[i]}, reference ${want[i]}`);
}

/** The NumPy broadcast of `shapes` (every dimension 1 or the common size). */
export function broadcastOf(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    let d = 1;
    for (const s of shapes) {
      const v = s[i - (rank - s.length)] ?? 1;
      if (v !== 1) d = v;
    }
    return d;
  });
}

export const sizeOfShape = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
