import type { Kernel, TypedArray } from "@axon/core";
import { forEachWindow } from "./poolWindows.ts";
import { allocOut } from "./util.ts";

/** Spreads dy / count over the in-bounds elements of each window (count as in avgPool). */
export const avgPoolBackward: Kernel<"avgPoolBackward", TypedArray> = ([dy], attrs, out) => {
  const res = allocOut(out);
  const acc = out.dtype === "float64" ? (res as Float64Array) : new Float64Array(res.length);
  const g = dy.buffer;
  const [, , w, c] = attrs.inputShape;
  forEachWindow(attrs.inputShape, dy.shape, attrs, (o, base, h0, h1, w0, w1) => {
    const count = Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
    if (count === 0) return;
    for (let ih = h0; ih < h1; ih++) {
      for (let iw = w0; iw < w1; iw++) {
        const p = base + (ih * w + iw) * c;
        for (let ch = 0; ch < c; ch++) acc[p + ch] += g[o + ch] / count;
      }
    }
  });
  if (acc !== res) res.set(acc);
  return res;
};
