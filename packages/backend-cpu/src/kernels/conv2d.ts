import type { Kernel, TypedArray } from "@axon/core";
import { gemm } from "./gemm.ts";
import { chunkRows, convGeometry, im2col, isPointwise } from "./im2col.ts";
import { allocOut } from "./util.ts";

/**
 * conv2d as matmul: y [N·OH·OW, O] = im2col(x) [N·OH·OW, kh·kw·C] · filter [kh·kw·C, O], with the
 * im2col matrix built a chunk of rows at a time to bound memory.
 */
export const conv2d: Kernel<"conv2d", TypedArray> = ([x, filter], attrs, out) => {
  const g = convGeometry(x.shape, filter.shape, out.shape, attrs);
  const res = allocOut(out);
  if (res.length === 0 || g.depth === 0) return res;
  const acc = out.dtype === "float64" ? (res as Float64Array) : new Float64Array(res.length);
  const { rows, depth, o } = g;
  if (isPointwise(g)) {
    gemm(rows, o, depth, x.buffer, 0, depth, 1, filter.buffer, 0, o, 1, acc, 0, o);
  } else {
    const step = chunkRows(g);
    const cols = new Float64Array(Math.min(step, rows) * depth);
    for (let r0 = 0; r0 < rows; r0 += step) {
      const r1 = Math.min(rows, r0 + step);
      im2col(x.buffer, g, r0, r1, cols);
      gemm(r1 - r0, o, depth, cols, 0, depth, 1, filter.buffer, 0, o, 1, acc, r0 * o, o);
    }
  }
  if (acc !== res) res.set(acc);
  return res;
};
