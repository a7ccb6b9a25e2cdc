import type { KernelTable } from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import type { GPGPU } from "../gl/gpgpu.ts";
import { binaryKernels } from "./binary.ts";
import { castKernels } from "./cast.ts";
import { conv2dKernels } from "./conv2d.ts";
import { gatherKernels } from "./gather.ts";
import { matmulKernels } from "./matmul.ts";
import { movementKernels } from "./movement.ts";
import { poolKernels } from "./pool.ts";
import { randomKernels } from "./random.ts";
import { reduceKernels } from "./reduce.ts";
import { unaryKernels } from "./unary.ts";
import { whereKernels } from "./where.ts";

/**
 * Every primitive's WebGL kernel. Where to look:
 * unary.ts (neg … round, logicalNot), binary.ts (add … mod, comparisons, logicalAnd/Or), where.ts,
 * cast.ts, reduce.ts (sum/max/min, argmax/argmin), movement.ts (reshape, transpose, broadcastTo,
 * slice, pad, concat), gather.ts (gather, scatterAdd), matmul.ts, conv2d.ts (and both backprops),
 * pool.ts (max/avg pooling and their backwards), random.ts (randomUniform). Small primitives on
 * host values do not come here: the backend runs them with the JavaScript kernels of src/host/.
 */
export function makeKernelTable(g: GPGPU): KernelTable<GLBuffer> {
  return {
    ...unaryKernels(g),
    ...binaryKernels(g),
    ...whereKernels(g),
    ...castKernels(g),
    ...reduceKernels(g),
    ...movementKernels(g),
    ...gatherKernels(g),
    ...matmulKernels(g),
    ...conv2dKernels(g),
    ...poolKernels(g),
    ...randomKernels(g),
  };
}
