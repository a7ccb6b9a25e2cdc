import type { Kernel, TypedArray } from "@axon/core";
import { checkIndices, prod } from "./indices.ts";
import { allocOut } from "./util.ts";

/** x [outer, n, inner] gathered by k indices → [outer, k, inner], one contiguous block per index. */
export const gather: Kernel<"gather", TypedArray> = ([x, indices], { axis }, out) => {
  const n = x.shape[axis];
  const ind = indices.buffer;
  checkIndices("gather", ind, axis, n);
  const res = allocOut(out);
  const src = x.buffer;
  const outer = prod(x.shape, 0, axis);
  const inner = prod(x.shape, axis + 1);
  const k = ind.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const from = (o * n + ind[j]) * inner;
      const to = (o * k + j) * inner;
      if (inner >= 32) res.set(src.subarray(from, from + inner), to);
      else for (let i = 0; i < inner; i++) res[to + i] = src[from + i];
    }
  }
  return res;
};
