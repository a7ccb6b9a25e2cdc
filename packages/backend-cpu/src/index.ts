import { registerBackend } from "@axon/core";
import { CpuBackend } from "./backend.ts";

export { CpuBackend } from "./backend.ts";
export { KERNELS } from "./kernels/index.ts";

/** Registers the CPU backend under "cpu"; the highest priority backend is the default. */
export function registerCpuBackend(priority = 1): void {
  registerBackend("cpu", () => new CpuBackend(), { priority });
}
