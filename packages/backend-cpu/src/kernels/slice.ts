import { type Kernel, type TypedArray, stridesOf } from "@axon/core";
import { allocOut, stridedCopy } from "./util.ts";

export const slice: Kernel<"slice", TypedArray> = ([x], { begin }, out) => {
  const res = allocOut(out);
  const xs = stridesOf(x.shape);
  let off = 0;
  for (let d = 0; d < xs.length; d++) off += begin[d] * xs[d];
  stridedCopy(x.buffer, off, xs, res, 0, stridesOf(out.shape), out.shape);
  return res;
};
