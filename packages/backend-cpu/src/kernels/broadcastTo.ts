import { type Kernel, type TypedArray, stridesOf } from "@axon/core";
import { allocOut, broadcastStrides, stridedCopy } from "./util.ts";

export const broadcastTo: Kernel<"broadcastTo", TypedArray> = ([x], _attrs, out) => {
  const res = allocOut(out);
  stridedCopy(x.buffer, 0, broadcastStrides(x.shape, out.shape), res, 0, stridesOf(out.shape), out.shape);
  return res;
};
