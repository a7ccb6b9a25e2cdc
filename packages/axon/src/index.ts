import { registerCpuBackend } from "@axon/backend-cpu";

export * from "@axon/core";
export * from "@axon/autograd";

// The CPU backend is always there; others (WebGL) are registered by their own packages.
registerCpuBackend(2);
