import { type Kernel, type TypedArray, stridesOf } from "@axon/core";
import { allocOut, stridedCopy } from "./util.ts";

/** Constant padding: fill with `value` (any non-zero value is true for bool), then copy x inside. */
export const pad: Kernel<"pad", TypedArray> = ([x], { paddings, value }, out) => {
  const res = allocOut(out);
  if (value !== 0 && res.length > x.buffer.length) res.fill(out.dtype === "bool" ? 1 : value);
  const os = stridesOf(out.shape);
  let off = 0;
  for (let d = 0; d < os.length; d++) off += paddings[d][0] * os[d];
  stridedCopy(x.buffer, 0, stridesOf(x.shape), res, off, os, x.shape);
  return res;
};
