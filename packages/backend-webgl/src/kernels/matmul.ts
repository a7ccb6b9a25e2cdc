import { sizeOf } from "@axon/core";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { UniformSpec } from "../gl/program.ts";
import type { Kernels } from "./types.ts";
import { broadcastStrides, collapse, glType, stridedOffsets } from "./util.ts";

/**
 * Batched matmul: a [...batch, m, k] (or [..., k, m] transposed), b [...batch, k, n] (or
 * [..., n, k]); the batch dimensions broadcast. k ascending. When a row has a multiple of 4
 * columns, a fragment computes a texel (four columns) reading b (and a, when k is a multiple of 4
 * and a is not transposed) a texel at a time; otherwise each element on its own.
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
      const head = `
  int mn = u_m * u_n;
  int batch = idx / mn;
  int r = idx - batch * mn;
  int row = r / u_n;
  int col = r - row * u_n;
  ${offsets.code}`;
      const zero = t === "float" ? "0.0" : "0";
      if (n % 4 === 0) {
        // A texel of the output is four columns of one row: b's four columns are one texel too
        // (or, transposed, four rows read along k), so the loop reads vec4s.
        const v = t === "float" ? "vec4" : "ivec4";
        const body =
          !transposeB && !transposeA && k % 4 === 0
            ? `
  int ta = (bt0 + row * u_k) >> 2;
  int tb = (bt1 + col) >> 2;
  int nb = u_n >> 2;
  for (int j = 0; j < u_k; j += 4) {
    ${v} a = fetch0(ta++);
    acc += a.x * fetch1(tb);
    acc += a.y * fetch1(tb + nb);
    acc += a.z * fetch1(tb + 2 * nb);
    acc += a.w * fetch1(tb + 3 * nb);
    tb += 4 * nb;
  }`
            : !transposeB
              ? `
  int ia = bt0 + row * u_a[0];
  int sa = u_a[1];
  int tb = (bt1 + col) >> 2;
  int nb = u_n >> 2;
  for (int j = 0; j < u_k; j++) {
    acc += read0(ia) * fetch1(tb);
    ia += sa;
    tb += nb;
  }`
              : !transposeA && k % 4 === 0
                ? `
  int ta = (bt0 + row * u_k) >> 2;
  int kb = u_k >> 2;
  int tb = (bt1 + col * u_k) >> 2;
  for (int j = 0; j < kb; j++) {
    ${v} a = fetch0(ta + j);
    acc.x += ${t === "float" ? "dot(a, fetch1(tb + j))" : "sum4(a * fetch1(tb + j))"};
    acc.y += ${t === "float" ? "dot(a, fetch1(tb + kb + j))" : "sum4(a * fetch1(tb + kb + j))"};
    acc.z += ${t === "float" ? "dot(a, fetch1(tb + 2 * kb + j))" : "sum4(a * fetch1(tb + 2 * kb + j))"};
    acc.w += ${t === "float" ? "dot(a, fetch1(tb + 3 * kb + j))" : "sum4(a * fetch1(tb + 3 * kb + j))"};
  }`
                : null;
        if (body !== null) {
          const source = `${t === "int" ? "int sum4(ivec4 v) { return v.x + v.y + v.z + v.w; }\n" : ""}${v} computeTexel(int t) {
  int idx = t << 2;
  if (idx >= u_outSize) return ${v}(0);${head}
  ${v} acc = ${v}(0);${body}
  return acc;
}`;
          return g.run(
            { inputs: [a.buffer, b.buffer], uniforms, outDType: out.dtype, source, texel: true },
            sizeOf(out.shape),
          );
        }
      }
      const source = `${t} compute(int idx) {${head}
  int ia = bt0 + row * u_a[0];
  int ib = bt1 + col * u_b[1];
  int sa = u_a[1];
  int sb = u_b[0];
  ${t} acc = ${zero};
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
