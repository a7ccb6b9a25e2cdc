import type { Kernel, TypedArray } from "@axon/core";
import { forEachWindow } from "./poolWindows.ts";
import { allocOut } from "./util.ts";

/**
 * Routes each window's gradient to its first maximum in row-major window order (a first NaN, if
 * any, as in maxPool), accumulating where windows overlap.
 */
export const maxPoolBackward: Kernel<"maxPoolBackward", TypedArray> = ([dy, x], attrs, out) => {
  const res = allocOut(out);
  const acc = out.dtype === "float64" ? (res as Float64Array) : new Float64Array(res.length);
  const src = x.buffer;
  const g = dy.buffer;
  const [, , w, c] = x.shape;
  const best = new Float64Array(c);
  const where = new Int32Array(c);
  forEachWindow(x.shape, dy.shape, attrs, (o, base, h0, h1, w0, w1) => {
    if (h0 >= h1 || w0 >= w1) return;
    const first = base + (h0 * w + w0) * c;
    for (let ch = 0; ch < c; ch++) {
      best[ch] = src[first + ch];
      where[ch] = first + ch;
    }
    for (let ih = h0; ih < h1; ih++) {
      for (let iw = ih === h0 ? w0 + 1 : w0; iw < w1; iw++) {
        const p = base + (ih * w + iw) * c;
        for (let ch = 0; ch < c; ch++) {
          const m = best[ch];
          const v = src[p + ch];
          if (v > m || (Number.isNaN(v) && !Number.isNaN(m))) {
            best[ch] = v;
            where[ch] = p + ch;
          }
        }
      }
    }
    for (let ch = 0; ch < c; ch++) acc[where[ch]] += g[o + ch];
  });
  if (acc !== res) res.set(acc);
  return res;
};
