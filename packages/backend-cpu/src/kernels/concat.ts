import { type Kernel, type TypedArray, stridesOf } from "@axon/core";
import { allocOut, stridedCopy } from "./util.ts";

/** Copies each input into its band of the output along `axis`. */
export const concat: Kernel<"concat", TypedArray> = (xs, { axis }, out) => {
  const res = allocOut(out);
  const os = stridesOf(out.shape);
  let start = 0;
  for (const x of xs) {
    stridedCopy(x.buffer, 0, stridesOf(x.shape), res, start * os[axis], os, x.shape);
    start += x.shape[axis];
  }
  return res;
};
