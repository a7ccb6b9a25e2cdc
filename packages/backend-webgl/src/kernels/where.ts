import { sizeOf } from "@axon/core";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { Kernels } from "./types.ts";
import { broadcastOffsets, glType } from "./util.ts";

/** where(condition, x, y) with the three shapes broadcast together. */
export function whereKernels(g: GPGPU): Kernels<"where"> {
  return {
    where(inputs, _attrs, out) {
      const [cond, a, b] = inputs;
      const offsets = broadcastOffsets([cond.shape, a.shape, b.shape], out.shape);
      const t = glType(out.dtype);
      const source = `${t} compute(int idx) {\n  ${offsets.code}\n  return read0(off0) != 0 ? read1(off1) : read2(off2);\n}`;
      return g.run(
        {
          inputs: [cond.buffer, a.buffer, b.buffer],
          uniforms: offsets.uniforms,
          outDType: out.dtype,
          source,
        },
        sizeOf(out.shape),
      );
    },
  };
}
