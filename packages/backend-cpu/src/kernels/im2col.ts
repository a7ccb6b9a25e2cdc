import type { Conv2DAttrs, Shape, TypedArray } from "@axon/core";

/** Everything the conv2d kernels need to know about one convolution. */
export interface ConvGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly o: number;
  readonly oh: number;
  readonly ow: number;
  readonly sh: number;
  readonly sw: number;
  readonly dh: number;
  readonly dw: number;
  readonly top: number;
  readonly left: number;
  /** Rows of the im2col matrix: one per output pixel, N·OH·OW. */
  readonly rows: number;
  /** Columns of the im2col matrix: kh·kw·C, in the order of the filter's [kh, kw, C] axes. */
  readonly depth: number;
}

export function convGeometry(x: Shape, filter: Shape, y: Shape, attrs: Conv2DAttrs): ConvGeometry {
  const [n, h, w, c] = x;
  const [kh, kw, , o] = filter;
  const [, oh, ow] = y;
  return {
    n,
    h,
    w,
    c,
    kh,
    kw,
    o,
    oh,
    ow,
    sh: attrs.strides[0],
    sw: attrs.strides[1],
    dh: attrs.dilations[0],
    dw: attrs.dilations[1],
    top: attrs.padding[0][0],
    left: attrs.padding[1][0],
    rows: n * oh * ow,
    depth: kh * kw * c,
  };
}

/** A 1×1 window with unit stride and no padding reads x itself as the im2col matrix. */
export function isPointwise(g: ConvGeometry): boolean {
  return (
    g.kh === 1 &&
    g.kw === 1 &&
    g.sh === 1 &&
    g.sw === 1 &&
    g.top === 0 &&
    g.left === 0 &&
    g.oh === g.h &&
    g.ow === g.w
  );
}

/** Rows per im2col chunk: about 2^20 doubles (8 MiB) at a time, however large the batch. */
export function chunkRows(g: ConvGeometry): number {
  return Math.max(1, Math.floor(2 ** 20 / Math.max(1, g.depth)));
}

/**
 * Visits the im2col rows [r0, r1): for output pixel r and window tap (ki, kj), calls
 * fn(colOffset, xOffset) with the offsets of C contiguous channels, or xOffset = -1 where the tap
 * falls in the padding.
 */
function forEachTap(g: ConvGeometry, r0: number, r1: number, fn: (col: number, src: number) => void): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, top, left, depth } = g;
  for (let r = r0; r < r1; r++) {
    const owi = r % ow;
    const ohi = Math.floor(r / ow) % oh;
    const ni = Math.floor(r / (ow * oh));
    const row = (r - r0) * depth;
    for (let ki = 0; ki < kh; ki++) {
      const ih = ohi * sh - top + ki * dh;
      const inRow = ih >= 0 && ih < h;
      for (let kj = 0; kj < kw; kj++) {
        const iw = owi * sw - left + kj * dw;
        const col = row + (ki * kw + kj) * c;
        fn(col, inRow && iw >= 0 && iw < w ? ((ni * h + ih) * w + iw) * c : -1);
      }
    }
  }
}

/** cols[(r − r0)·depth + tap·C + ch] = x at that tap of output pixel r (0 in the padding). */
export function im2col(x: TypedArray, g: ConvGeometry, r0: number, r1: number, cols: Float64Array): void {
  const c = g.c;
  forEachTap(g, r0, r1, (col, src) => {
    if (src < 0) cols.fill(0, col, col + c);
    else for (let ch = 0; ch < c; ch++) cols[col + ch] = x[src + ch];
  });
}

/** The adjoint of im2col: adds every column entry back onto the x position it was read from. */
export function col2im(cols: Float64Array, g: ConvGeometry, r0: number, r1: number, dx: Float64Array): void {
  const c = g.c;
  forEachTap(g, r0, r1, (col, src) => {
    if (src >= 0) for (let ch = 0; ch < c; ch++) dx[src + ch] += cols[col + ch];
  });
}
