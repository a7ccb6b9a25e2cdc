import type { BufferInfo, OutputSpec, PrimAttrs, PrimName } from "@axon/core";
import { type CpuBuffer, bytesOf } from "../wasm/heap.ts";
import type { WasmRuntime } from "../wasm/runtime.ts";

/**
 * A WebAssembly kernel for one primitive. It returns null to hand the call to the JavaScript kernel
 * (a dtype or a case it does not cover).
 */
export type FastKernel<P extends PrimName> = (
  rt: WasmRuntime,
  inputs: readonly BufferInfo<CpuBuffer>[],
  attrs: PrimAttrs[P],
  out: OutputSpec,
) => CpuBuffer | null;

export type FastKernelTable = { readonly [P in PrimName]?: FastKernel<P> };

/** A new heap buffer for `length` elements of `dtype` (contents undefined). */
export function heapBuffer(rt: WasmRuntime, dtype: OutputSpec["dtype"], length: number): CpuBuffer {
  return rt.newBuffer(dtype, length);
}

export { bytesOf };
