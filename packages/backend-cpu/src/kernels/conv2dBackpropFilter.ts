import type { Kernel, TypedArray } from "@axon/core";
import { gemm } from "./gemm.ts";
import { chunkRows, convGeometry, im2col, isPointwise } from "./im2col.ts";
import { allocOut } from "./util.ts";

/** dfilter = im2col(x)ᵀ · dy, summed over chunks of rows: the exact adjoint of conv2d with respect to the filter. */
export const conv2dBackpropFilter: Kernel<"conv2dBackpropFilter", TypedArray> = ([x, dy], attrs, out) => {
  const g = convGeometry(x.shape, attrs.filterShape, dy.shape, attrs);
  const res = allocOut(out);
  if (res.length === 0 || g.rows === 0) return res;
  const acc = out.dtype === "float64" ? (res as Float64Array) : new Float64Array(res.length);
  const { rows, depth, o } = g;
  // im2col(x)ᵀ as A: A[i = tap·C + ch, p = row] = cols[p·depth + i].
  if (isPointwise(g)) {
    gemm(depth, o, rows, x.buffer, 0, 1, depth, dy.buffer, 0, o, 1, acc, 0, o);
  } else {
    const step = chunkRows(g);
    const cols = new Float64Array(Math.min(step, rows) * depth);
    for (let r0 = 0; r0 < rows; r0 += step) {
      const r1 = Math.min(rows, r0 + step);
      im2col(x.buffer, g, r0, r1, cols);
      gemm(depth, o, r1 - r0, cols, 0, 1, depth, dy.buffer, r0 * o, o, 1, acc, 0, o);
    }
  }
  if (acc !== res) res.set(acc);
  return res;
};
