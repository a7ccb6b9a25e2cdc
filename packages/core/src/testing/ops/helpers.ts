import { expect } from "vitest";
import type { DType } from "../../dtype.ts";
import type { AxonError } from "../../errors.ts";
import type { ConformanceContext } from "../context.ts";

/** The float dtypes the backend supports, float32 first. */
export function floatDTypes(ctx: ConformanceContext): ("float32" | "float64")[] {
  return ctx.dtypes().includes("float64") ? ["float32", "float64"] : ["float32"];
}

export function hasFloat64(ctx: ConformanceContext): boolean {
  return ctx.dtypes().includes("float64");
}

/** Rounds a reference value the way a dtype stores it. */
export function stored(v: number, dtype: DType): number {
  return dtype === "float32" ? Math.fround(v) : v;
}

/**
 * Asserts that `fn` throws an error of class `cls` whose message starts with `op:` and contains
 * every piece (the argument, what was expected and what was given).
 */
export function expectError(
  fn: () => unknown,
  cls: new (...args: never[]) => AxonError,
  op: string,
  pieces: readonly string[] = [],
): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, `${op} should throw ${cls.name}`).toBeInstanceOf(cls);
  const message = (error as Error).message;
  expect(message.startsWith(`${op}:`), `message "${message}" should start with "${op}:"`).toBe(true);
  for (const p of pieces) expect(message, `message of ${op}`).toContain(p);
}

/** A small deterministic generator for test data (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` values in [lo, hi), rounded to float32 so that both float dtypes hold them exactly. */
export function randomValues(n: number, seed: number, lo = -1, hi = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * r()));
}

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Error function to ~1e-15: the series 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3···(2n+1)) has no cancellation. */
export function erfRef(x: number): number {
  if (Math.abs(x) > 6) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Naive NHWC conv2d in float64 with explicit padding. */
export function conv2dRef(
  x: readonly number[],
  xs: readonly number[],
  f: readonly number[],
  fs: readonly number[],
  strides: readonly [number, number],
  pad: readonly [readonly [number, number], readonly [number, number]],
  dil: readonly [number, number] = [1, 1],
): { data: number[]; shape: number[] } {
  const [n, h, w, c] = xs;
  const [kh, kw, , o] = fs;
  const oh = Math.floor((h + pad[0][0] + pad[0][1] - (dil[0] * (kh - 1) + 1)) / strides[0]) + 1;
  const ow = Math.floor((w + pad[1][0] + pad[1][1] - (dil[1] * (kw - 1) + 1)) / strides[1]) + 1;
  const out = new Array<number>(n * oh * ow * o).fill(0);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let oc = 0; oc < o; oc++) {
          let s = 0;
          for (let p = 0; p < kh; p++)
            for (let q = 0; q < kw; q++) {
              const y = i * strides[0] + p * dil[0] - pad[0][0];
              const z = j * strides[1] + q * dil[1] - pad[1][0];
              if (y < 0 || y >= h || z < 0 || z >= w) continue;
              for (let ic = 0; ic < c; ic++)
                s += x[((b * h + y) * w + z) * c + ic] * f[((p * kw + q) * c + ic) * o + oc];
            }
          out[((b * oh + i) * ow + j) * o + oc] = s;
        }
  return { data: out, shape: [n, oh, ow, o] };
}

/** Naive batched matmul of [..., m, k] by [..., k, n] with equal batch shapes (float64). */
export function matmulRef(
  a: readonly number[],
  b: readonly number[],
  batch: number,
  m: number,
  k: number,
  n: number,
): number[] {
  const out = new Array<number>(batch * m * n).fill(0);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[(t * m + i) * k + p] * b[(t * k + p) * n + j];
        out[(t * m + i) * n + j] = s;
      }
  return out;
}
