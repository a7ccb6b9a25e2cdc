import type { ArgReducePrim, Kernel, TypedArray } from "@axon/core";
import { allocOut } from "./util.ts";

/**
 * Index (int32) of the first extreme along `axis`. A NaN counts as the extreme and the first NaN
 * wins (NumPy). Scans the axis outermost so the inner loop runs over contiguous memory.
 */
function argReduceKernel<P extends ArgReducePrim>(prim: P): Kernel<P, TypedArray> {
  const isMax = prim === "argmax";
  return ([x], { axis }, out) => {
    const src = x.buffer;
    const len = x.shape[axis];
    let outer = 1;
    for (let d = 0; d < axis; d++) outer *= x.shape[d];
    let inner = 1;
    for (let d = axis + 1; d < x.shape.length; d++) inner *= x.shape[d];
    const res = allocOut(out);
    const best = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      const base = o * len * inner;
      const ob = o * inner;
      for (let i = 0; i < inner; i++) best[i] = src[base + i];
      for (let k = 1; k < len; k++) {
        const row = base + k * inner;
        for (let i = 0; i < inner; i++) {
          const b = best[i];
          const v = src[row + i];
          // A NaN best is final; otherwise the first NaN beats any number.
          if (!Number.isNaN(b) && (Number.isNaN(v) || (isMax ? v > b : v < b))) {
            best[i] = v;
            res[ob + i] = k;
          }
        }
      }
    }
    return res;
  };
}

export const argmax = argReduceKernel("argmax");
export const argmin = argReduceKernel("argmin");
