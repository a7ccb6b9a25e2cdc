import { philox4x32, sizeOf } from "@axon/core";
import { splitRange } from "../wasm/runtime.ts";
import type { FastKernel } from "./types.ts";

/**
 * randomUniform: whole groups of 16 elements (four Philox counters) in WebAssembly, split between
 * threads by groups; the last partial group (fewer than 16 elements) with core's Philox in
 * JavaScript. Element i depends only on (key, i), so every split gives the same numbers.
 */
export const randomUniform: FastKernel<"randomUniform"> = (rt, _inputs, { key }, out) => {
  const dtype = out.dtype;
  if (dtype !== "float32" && dtype !== "float64") return null;
  const n = sizeOf(out.shape);
  const res = rt.newBuffer(dtype, n);
  const groups = Math.floor(n / 16);
  if (groups > 0)
    rt.parallel(
      rt.philox(dtype),
      splitRange(groups, rt.parts("elementwise", n), 1).map(([g0, g1]) => [res.ptr, g0, g1, key[0], key[1]]),
    );
  const data = res.data;
  const words = new Uint32Array(4);
  for (let block = 4 * groups; 4 * block < n; block++) {
    philox4x32(block, 0, 0, 0, key[0], key[1], words);
    for (let j = 0; j < 4 && 4 * block + j < n; j++) data[4 * block + j] = (words[j] >>> 8) * 2 ** -24;
  }
  return res;
};
