import type { Kernel, PrimName, TypedArray } from "@axon/core";
import { elementwiseHostKernels } from "./elementwise.ts";
import { matmulHostKernels } from "./matmul.ts";
import { movementHostKernels } from "./movement.ts";
import { reduceHostKernels } from "./reduce.ts";

/**
 * Host evaluation: when every input of a primitive already has its values on the host and no
 * tensor involved holds more than this many elements, the backend runs the primitive in JavaScript
 * and keeps the result on the host (uploaded only when a GPU kernel reads it).
 *
 * 64 elements (16 texels): scalars, loss scales, bias corrections, metric counts, small bias
 * vectors. A host kernel of that size takes about a microsecond; a draw costs tens of microseconds
 * of WebGL validation and driver work on any GPU, and its result needs a readback (a pipeline
 * stall) before JavaScript can see it. Guessing wrong costs at most one upload of 16 texels.
 * JavaScript loops (one core, no SIMD) lose to the draw as sizes grow: on SwiftShader, 8 chained
 * ops with a read take 0.08 ms on the host against 0.84 ms through the GPU at 64 elements, and lose
 * at 4096 (bench/webgl/host-eval.browser-bench.ts, bench/RESULTS.md). A real GPU moves that
 * crossover lower, so the limit stays well below it.
 */
export const DEFAULT_HOST_EVAL_MAX = 64;

/**
 * The primitives with a host kernel: elementwise math, comparisons, logic, where, cast, reductions,
 * movement (not gather/scatterAdd) and matmul. The others (convolutions, pooling, gather,
 * scatterAdd, randomUniform) always run on the GPU.
 */
export const HOST_KERNELS: { readonly [P in PrimName]?: Kernel<P, TypedArray> } = {
  ...elementwiseHostKernels,
  ...reduceHostKernels,
  ...movementHostKernels,
  ...matmulHostKernels,
};
