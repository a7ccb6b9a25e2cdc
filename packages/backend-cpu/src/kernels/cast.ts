import type { Kernel, TypedArray } from "@axon/core";
import { allocOut } from "./util.ts";

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * cast: to bool is x ≠ 0 (NaN → true); float → int32 truncates toward zero, maps NaN to 0 and
 * saturates at the int32 range; to a float type rounds once (float64 → float32, large int32 → float32).
 */
export const cast: Kernel<"cast", TypedArray> = ([x], { dtype }, out) => {
  const src = x.buffer;
  const res = allocOut(out);
  const n = res.length;
  if (dtype === "bool") {
    for (let i = 0; i < n; i++) res[i] = src[i] !== 0 ? 1 : 0;
  } else if (dtype === "int32" && (x.dtype === "float32" || x.dtype === "float64")) {
    for (let i = 0; i < n; i++) {
      const v = src[i];
      res[i] = Number.isNaN(v) ? 0 : v <= INT32_MIN ? INT32_MIN : v >= INT32_MAX ? INT32_MAX : Math.trunc(v);
    }
  } else {
    // Same value in a wider or equal type, or a float rounding: the typed-array store converts.
    res.set(src);
  }
  return res;
};
