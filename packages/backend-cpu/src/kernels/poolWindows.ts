import type { Pool2DAttrs, Shape } from "@axon/core";

/**
 * Calls fn(outOffset, h0, h1, w0, w1) for every output pixel of a pooling of x [N,H,W,C] into
 * y [N,OH,OW,C], where [h0, h1) × [w0, w1) is the window clipped to the input: padded positions
 * are simply not part of the window. The window may be empty when the padding exceeds it.
 */
export function forEachWindow(
  x: Shape,
  y: Shape,
  attrs: Pool2DAttrs,
  fn: (outOff: number, inBase: number, h0: number, h1: number, w0: number, w1: number) => void,
): void {
  const [n, h, w, c] = x;
  const [, oh, ow] = y;
  const [fh, fw] = attrs.filterSize;
  const [sh, sw] = attrs.strides;
  const top = attrs.padding[0][0];
  const left = attrs.padding[1][0];
  for (let b = 0; b < n; b++) {
    const inBase = b * h * w * c;
    for (let i = 0; i < oh; i++) {
      const hs = i * sh - top;
      const h0 = Math.max(0, hs);
      const h1 = Math.min(h, hs + fh);
      for (let j = 0; j < ow; j++) {
        const ws = j * sw - left;
        const w0 = Math.max(0, ws);
        const w1 = Math.min(w, ws + fw);
        fn(((b * oh + i) * ow + j) * c, inBase, h0, h1, w0, w1);
      }
    }
  }
}
