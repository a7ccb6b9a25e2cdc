import { type Kernel, type TypedArray, stridesOf } from "@axon/core";
import { allocOut, stridedCopy } from "./util.ts";

/** Output axis i is input axis perm[i]: read the input with its strides permuted. */
export const transpose: Kernel<"transpose", TypedArray> = ([x], { perm }, out) => {
  const res = allocOut(out);
  const xs = stridesOf(x.shape);
  stridedCopy(
    x.buffer,
    0,
    perm.map((p) => xs[p]),
    res,
    0,
    stridesOf(out.shape),
    out.shape,
  );
  return res;
};
