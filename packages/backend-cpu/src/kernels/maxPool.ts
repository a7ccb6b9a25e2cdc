import type { Kernel, TypedArray } from "@axon/core";
import { forEachWindow } from "./poolWindows.ts";
import { allocOut } from "./util.ts";

/**
 * Max over the in-bounds part of each window (padding never wins). NaN propagates, and a window
 * lying entirely in the padding gives the identity of max: −Infinity, or −2³¹ for int32.
 */
export const maxPool: Kernel<"maxPool", TypedArray> = ([x], attrs, out) => {
  const res = allocOut(out);
  const src = x.buffer;
  const [, , w, c] = x.shape;
  const empty = out.dtype === "int32" ? -2147483648 : Number.NEGATIVE_INFINITY;
  forEachWindow(x.shape, out.shape, attrs, (o, base, h0, h1, w0, w1) => {
    if (h0 >= h1 || w0 >= w1) {
      res.fill(empty, o, o + c);
      return;
    }
    const first = base + (h0 * w + w0) * c;
    for (let ch = 0; ch < c; ch++) res[o + ch] = src[first + ch];
    for (let ih = h0; ih < h1; ih++) {
      for (let iw = ih === h0 ? w0 + 1 : w0; iw < w1; iw++) {
        const p = base + (ih * w + iw) * c;
        for (let ch = 0; ch < c; ch++) {
          const m = res[o + ch];
          const v = src[p + ch];
          if (v > m || (Number.isNaN(v) && !Number.isNaN(m))) res[o + ch] = v;
        }
      }
    }
  });
  return res;
};
