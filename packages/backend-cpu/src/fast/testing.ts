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
