import { registerBackend } from "@axon/core";
import { CpuBackend, type CpuBackendOptions } from "./backend.ts";

export { CpuBackend, type CpuBackendOptions, getNumThreads, setNumThreads } from "./backend.ts";
export { KERNELS } from "./kernels/index.ts";
export { FAST_KERNELS } from "./fast/index.ts";
export { CpuBuffer } from "./wasm/heap.ts";
export { detectFeatures, type WasmFeatures } from "./wasm/features.ts";

/** Registers the CPU backend under "cpu"; the highest priority backend is the default. */
export function registerCpuBackend(priority = 1, options: CpuBackendOptions = {}): void {
  registerBackend("cpu", () => new CpuBackend(options), { priority });
}
