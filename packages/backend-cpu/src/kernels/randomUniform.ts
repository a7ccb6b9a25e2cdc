import { type Kernel, type TypedArray, philoxUniform } from "@axon/core";
import { allocOut } from "./util.ts";

/** Philox-4x32-10 uniforms in [0, 1): element i depends only on (key, i), like every other backend. */
export const randomUniform: Kernel<"randomUniform", TypedArray> = (_inputs, { key }, out) => {
  const res = allocOut(out);
  philoxUniform(key, res.length, res);
  return res;
};
