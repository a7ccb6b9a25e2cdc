import type { Kernel, PrimName, TypedArray } from "@axon/core";

/** Host kernels of the primitives `K`: the same contract as a backend kernel, on typed arrays. */
export type HostKernels<K extends PrimName> = { readonly [P in K]: Kernel<P, TypedArray> };
