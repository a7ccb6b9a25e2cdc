import {
  type DType,
  type Tensor,
  type TypedArray,
  makeTensor,
  registerBackend,
  runPrimitive,
  setBackend,
  typedArrayFor,
} from "@axon/core";
import { type WebGLBackend, createWebGLBackend } from "../backend.ts";

let backend: WebGLBackend | null = null;
let gpuOnly: WebGLBackend | null = null;

/** The shared WebGL backend, registered and active (fails, never skips, without WebGL2). */
export async function useWebGL(): Promise<WebGLBackend> {
  if (!backend) {
    backend = createWebGLBackend();
    const b = backend;
    registerBackend("webgl", () => b, { priority: 10 });
  }
  await setBackend("webgl");
  return backend;
}

/**
 * A second WebGL backend, "webgl-gpu", with host evaluation off (every primitive draws), made
 * active: for tests of the GPU kernels on small tensors.
 */
export async function useWebGLGpuOnly(): Promise<WebGLBackend> {
  if (!gpuOnly) {
    gpuOnly = createWebGLBackend({ hostEvalMax: 0 });
    const b = gpuOnly;
    registerBackend("webgl-gpu", () => b, { priority: -10 });
  }
  await setBackend("webgl-gpu");
  return gpuOnly;
}

export function t(
  values: ArrayLike<number | boolean>,
  shape: readonly number[],
  dtype: DType = "float32",
): Tensor {
  const data = typedArrayFor(dtype, values.length);
  for (let i = 0; i < values.length; i++) data[i] = Number(values[i]);
  return makeTensor(data, shape, dtype);
}

/** Runs a primitive and returns its values read back from the GPU. */
export function run(
  prim: Parameters<typeof runPrimitive>[0],
  inputs: Tensor[],
  attrs: object = {},
): { t: Tensor; v: number[] } {
  const out = runPrimitive(prim, inputs, attrs as never);
  return { t: out, v: Array.from(out.dataSync() as TypedArray) };
}

/** Units in the last place between a float32 result and a double reference. */
export function ulps(actual: number, expected: number): number {
  if (Number.isNaN(actual) && Number.isNaN(expected)) return 0;
  if (actual === expected) return 0;
  // GPUs flush subnormal results to zero.
  if (Math.abs(expected) < 2 ** -126 && Math.abs(actual) <= 2 ** -126) return 0;
  const e = Math.fround(expected);
  if (!Number.isFinite(e) || !Number.isFinite(actual)) return Number.POSITIVE_INFINITY;
  const spacing = Math.max(Math.abs(Math.fround(e * (1 + 2 ** -23)) - e), 2 ** -149);
  return Math.abs(actual - expected) / spacing;
}
