import { type DType, type Shape, sizeOf } from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import type { GPGPU } from "../gl/gpgpu.ts";
import { collapse, glType, stridedOffsets } from "./util.ts";

/**
 * out[i] = x[base + Σ coord_d(i) · strides[d]] over `outShape`: transpose, broadcastTo and slice
 * are this copy with different strides.
 */
export function stridedCopy(
  g: GPGPU,
  x: GLBuffer,
  dtype: DType,
  outShape: Shape,
  strides: readonly number[],
  base: number,
): GLBuffer {
  const c = collapse(outShape, [strides]);
  const offsets = stridedOffsets("src", c.dims, c.strides, [base]);
  const t = glType(dtype);
  const source = `${t} compute(int idx) {\n  ${offsets.code}\n  return read0(src0);\n}`;
  return g.run({ inputs: [x], uniforms: offsets.uniforms, outDType: dtype, source }, sizeOf(outShape));
}
