import type { Kernel, TypedArray } from "@axon/core";
import { gemm } from "./gemm.ts";
import { chunkRows, col2im, convGeometry, isPointwise } from "./im2col.ts";
import { allocOut } from "./util.ts";

/** dx = col2im(dy · filterᵀ): the exact adjoint of conv2d with respect to x. */
export const conv2dBackpropInput: Kernel<"conv2dBackpropInput", TypedArray> = ([dy, filter], attrs, out) => {
  const g = convGeometry(attrs.inputShape, filter.shape, dy.shape, attrs);
  const res = allocOut(out);
  if (res.length === 0 || g.rows === 0 || g.o === 0) return res;
  const acc = out.dtype === "float64" ? (res as Float64Array) : new Float64Array(res.length);
  const { rows, depth, o } = g;
  // filterᵀ as B: B[p = out channel, j = tap·C + ch] = filter[j·O + p].
  if (isPointwise(g)) {
    gemm(rows, depth, o, dy.buffer, 0, o, 1, filter.buffer, 0, 1, o, acc, 0, depth);
  } else {
    const step = chunkRows(g);
    const cols = new Float64Array(Math.min(step, rows) * depth);
    for (let r0 = 0; r0 < rows; r0 += step) {
      const r1 = Math.min(rows, r0 + step);
      cols.fill(0);
      gemm(r1 - r0, depth, o, dy.buffer, r0 * o, o, 1, filter.buffer, 0, 1, o, cols, 0, depth);
      col2im(cols, g, r0, r1, acc);
    }
  }
  if (acc !== res) res.set(acc);
  return res;
};
