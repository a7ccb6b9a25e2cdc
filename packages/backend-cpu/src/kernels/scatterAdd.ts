import type { Kernel, TypedArray } from "@axon/core";
import { checkIndices, prod } from "./indices.ts";
import { allocOut } from "./util.ts";

/**
 * The transpose of gather: updates [outer, k, inner] added into a zeroed [outer, size, inner] at
 * the rows the k indices name. float32 accumulates in float64 so repeated indices round once.
 */
export const scatterAdd: Kernel<"scatterAdd", TypedArray> = ([updates, indices], { axis, size }, out) => {
  const ind = indices.buffer;
  checkIndices("scatterAdd", ind, axis, size);
  const res = allocOut(out);
  const acc = out.dtype === "float32" ? new Float64Array(res.length) : res;
  const src = updates.buffer;
  const k = ind.length;
  const outer = prod(updates.shape, 0, axis);
  const inner = prod(updates.shape, axis + indices.shape.length);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const from = (o * k + j) * inner;
      const to = (o * size + ind[j]) * inner;
      // For int32 the store wraps the sum, as int32 addition does.
      for (let i = 0; i < inner; i++) acc[to + i] += src[from + i];
    }
  }
  if (acc !== res) res.set(acc);
  return res;
};
