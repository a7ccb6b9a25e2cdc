import { type TypedArray, sizeOf, typedArrayFor } from "@axon/core";
import { broadcastStrides } from "../kernels/util.ts";
import { flush } from "./math.ts";
import { stridedOffsets } from "./strided.ts";
import type { HostKernels } from "./types.ts";

const f32 = Math.fround;

/**
 * Batched matmul with broadcast batches and transpose flags, k ascending as on the GPU: float32
 * products and sums each rounded to float32 (subnormals as zero), int32 wrapping.
 */
export const matmulHostKernels: HostKernels<"matmul"> = {
  matmul([a, b], { transposeA, transposeB }, out) {
    const rank = out.shape.length;
    const m = out.shape[rank - 2];
    const n = out.shape[rank - 1];
    const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
    const batch = out.shape.slice(0, -2);
    const aBase = stridedOffsets(
      batch,
      broadcastStrides(a.shape.slice(0, -2), batch).map((s) => s * m * k),
    );
    const bBase = stridedOffsets(
      batch,
      broadcastStrides(b.shape.slice(0, -2), batch).map((s) => s * k * n),
    );
    // element strides of a along (row, k) and of b along (k, col)
    const [aRow, aK] = transposeA ? [1, m] : [k, 1];
    const [bK, bCol] = transposeB ? [1, k] : [n, 1];
    const isFloat = out.dtype === "float32";
    const va: TypedArray = a.buffer;
    const vb: TypedArray = b.buffer;
    const result = typedArrayFor(out.dtype, sizeOf(out.shape));
    let o = 0;
    for (let t = 0; t < aBase.length; t++) {
      for (let row = 0; row < m; row++) {
        for (let col = 0; col < n; col++) {
          let ia = aBase[t] + row * aRow;
          let ib = bBase[t] + col * bCol;
          let acc = 0;
          for (let j = 0; j < k; j++, ia += aK, ib += bK) {
            if (isFloat) acc = flush(f32(acc + flush(f32(flush(va[ia]) * flush(vb[ib])))));
            else acc = (acc + Math.imul(va[ia], vb[ib])) | 0;
          }
          result[o++] = acc;
        }
      }
    }
    return result;
  },
};
