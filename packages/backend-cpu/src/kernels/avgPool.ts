import type { Kernel, TypedArray } from "@axon/core";
import { forEachWindow } from "./poolWindows.ts";
import { allocOut } from "./util.ts";

/** Mean over the in-bounds elements of each window; a window lying entirely in the padding gives 0. */
export const avgPool: Kernel<"avgPool", TypedArray> = ([x], attrs, out) => {
  const res = allocOut(out);
  const src = x.buffer;
  const [, , w, c] = x.shape;
  const sum = new Float64Array(c);
  forEachWindow(x.shape, out.shape, attrs, (o, base, h0, h1, w0, w1) => {
    const count = Math.max(0, h1 - h0) * Math.max(0, w1 - w0);
    if (count === 0) return;
    sum.fill(0);
    for (let ih = h0; ih < h1; ih++) {
      for (let iw = w0; iw < w1; iw++) {
        const p = base + (ih * w + iw) * c;
        for (let ch = 0; ch < c; ch++) sum[ch] += src[p + ch];
      }
    }
    for (let ch = 0; ch < c; ch++) res[o + ch] = sum[ch] / count;
  });
  return res;
};
