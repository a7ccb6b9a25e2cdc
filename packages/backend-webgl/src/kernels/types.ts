import type { Kernel, PrimName } from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import type { GPGPU } from "../gl/gpgpu.ts";

/** The kernels of the primitives `K`, built on one GPGPU. */
export type Kernels<K extends PrimName> = { readonly [P in K]: Kernel<P, GLBuffer> };

export type KernelFactory<K extends PrimName> = (g: GPGPU) => Kernels<K>;
