import { sizeOf } from "@axon/core";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { UniformSpec } from "../gl/program.ts";
import type { Kernels } from "./types.ts";
import { broadcastStrides, collapse, glType, stridedOffsets } from "./util.ts";

/**
 * Batched matmul: a [...batch, m, k] (or [..., k, m] transposed), b [...batch, k, n] (or
 * [..., n, k]); the batch dimensions broadcast. One output element per fragment, k ascending.
 */
export function matmulKernels(g: GPGPU): Kernels<"matmul"> {
  return {
    matmul(inputs, { transposeA, transposeB }, out) {
      const [a, b] = inputs;
      const ra = a.shape.length;
      const rank = out.shape.length;
      const m = out.shape[rank - 2];
      const n = out.shape[rank - 1];
      const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
      const batch = out.shape.slice(0, -2);
      const aBatch = a.shape.slice(0, -2);
      const bBatch = b.shape.slice(0, -2);
      const aMat = m * k;
      const bMat = k * n;
      const c = collapse(batch, [
        broadcastStrides(aBatch, batch).map((s) => s * aMat),
        broadcastStrides(bBatch, batch).map((s) => s * bMat),
      ]);
      const offsets = stridedOffsets("bt", c.dims, c.strides, undefined, "batch");
      const t = glType(out.dtype);
      const uniforms: UniformSpec[] = [
        ...offsets.uniforms,
        { name: "u_m", type: "int", value: m },
        { name: "u_n", type: "int", value: n },
        { name: "u_k", type: "int", value: k },
        // element strides of a along (row, k) and of b along (k, col)
        { name: "u_a", type: "int", value: transposeA ? [1, m] : [k, 1] },
        { name: "u_b", type: "int", value: transposeB ? [1, k] : [n, 1] },
      ];
      const source = `${t} compute(int idx) {
  int mn = u_m * u_n;
  int batch = idx / mn;
  int r = idx - batch * mn;
  int row = r / u_n;
  int col = r - row * u_n;
  ${offsets.code}
  int ia = bt0 + row * u_a[0];
  int ib = bt1 + col * u_b[1];
  int sa = u_a[1];
  int sb = u_b[0];
  ${t} acc = ${t === "float" ? "0.0" : "0"};
  for (int j = 0; j < u_k; j++) {
    acc += read0(ia) * read1(ib);
    ia += sa;
    ib += sb;
  }
  return acc;
}`;
      return g.run(
        { inputs: [a.buffer, b.buffer], uniforms, outDType: out.dtype, source },
        sizeOf(out.shape),
      );
    },
  };
}
