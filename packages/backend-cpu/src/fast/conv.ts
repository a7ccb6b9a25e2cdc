import type { ConvGeometry } from "../kernels/im2col.ts";
import { convGeometry, isPointwise } from "../kernels/im2col.ts";
import type { WasmRuntime } from "../wasm/runtime.ts";
import type { FastKernel } from "./types.ts";

/** Floats of im2col matrix built at a time (8 MiB), however large the batch; tests lower it. */
export const CONV_CHUNK = { floats: 2 ** 21 };

function chunkRows(g: ConvGeometry): number {
  return Math.max(1, Math.floor(CONV_CHUNK.floats / Math.max(1, g.depth)));
}

/** cols[(r − r0)·depth + tap·C + ch] = x at that tap of output pixel r (0 in the padding), in float32. */
export function im2colF32(
  x: Float32Array,
  g: ConvGeometry,
  r0: number,
  r1: number,
  cols: Float32Array,
): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, top, left, depth } = g;
  let owi = r0 % ow;
  let ohi = Math.floor(r0 / ow) % oh;
  let ni = Math.floor(r0 / (ow * oh));
  for (let r = r0; r < r1; r++) {
    let col = (r - r0) * depth;
    for (let ki = 0; ki < kh; ki++) {
      const ih = ohi * sh - top + ki * dh;
      const inRow = ih >= 0 && ih < h;
      const rowBase = (ni * h + ih) * w;
      for (let kj = 0; kj < kw; kj++, col += c) {
        const iw = owi * sw - left + kj * dw;
        if (!inRow || iw < 0 || iw >= w) cols.fill(0, col, col + c);
        else {
          const src = (rowBase + iw) * c;
          if (c >= 16) cols.set(x.subarray(src, src + c), col);
          else for (let ch = 0; ch < c; ch++) cols[col + ch] = x[src + ch];
        }
      }
    }
    if (++owi === ow) {
      owi = 0;
      if (++ohi === oh) {
        ohi = 0;
        ni++;
      }
    }
  }
}

/** The adjoint of im2colF32: adds every column entry back onto the x position it was read from. */
export function col2imF32(
  cols: Float32Array,
  g: ConvGeometry,
  r0: number,
  r1: number,
  dx: Float32Array,
): void {
  const { h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, top, left, depth } = g;
  let owi = r0 % ow;
  let ohi = Math.floor(r0 / ow) % oh;
  let ni = Math.floor(r0 / (ow * oh));
  for (let r = r0; r < r1; r++) {
    let col = (r - r0) * depth;
    for (let ki = 0; ki < kh; ki++) {
      const ih = ohi * sh - top + ki * dh;
      const inRow = ih >= 0 && ih < h;
      const rowBase = (ni * h + ih) * w;
      for (let kj = 0; kj < kw; kj++, col += c) {
        const iw = owi * sw - left + kj * dw;
        if (inRow && iw >= 0 && iw < w) {
          const dst = (rowBase + iw) * c;
          for (let ch = 0; ch < c; ch++) dx[dst + ch] += cols[col + ch];
        }
      }
    }
    if (++owi === ow) {
      owi = 0;
      if (++ohi === oh) {
        ohi = 0;
        ni++;
      }
    }
  }
}

/** Runs `fn(ptr, floats)` with a scratch heap block of `floats` float32, freed afterwards. */
function withScratch<T>(rt: WasmRuntime, floats: number, fn: (ptr: number) => T): T {
  const ptr = rt.heap.alloc(Math.max(4, 4 * floats));
  try {
    return fn(ptr);
  } finally {
    rt.heap.free(ptr);
  }
}

/** conv2d as GEMM: y [N·OH·OW, O] = im2col(x) · filter [kh·kw·C, O], a chunk of rows at a time. */
export const conv2d: FastKernel<"conv2d"> = (rt, [x, filter], attrs, out) => {
  if (out.dtype !== "float32") return null;
  const g = convGeometry(x.shape, filter.shape, out.shape, attrs);
  const { rows, depth, o } = g;
  const res = rt.newBuffer("float32", rows * o);
  if (res.length === 0) return res;
  if (depth === 0) {
    res.data.fill(0);
    return res;
  }
  x.buffer.toHeap();
  filter.buffer.toHeap();
  if (isPointwise(g)) {
    rt.sgemm1(rows, o, depth, x.buffer.ptr, depth, 1, filter.buffer.ptr, o, 1, res.ptr, o);
  } else {
    const step = chunkRows(g);
    withScratch(rt, Math.min(step, rows) * depth, (cols) => {
      for (let r0 = 0; r0 < rows; r0 += step) {
        const r1 = Math.min(rows, r0 + step);
        im2colF32(x.buffer.data as Float32Array, g, r0, r1, rt.heap.f32(cols, (r1 - r0) * depth));
        rt.sgemm1(r1 - r0, o, depth, cols, depth, 1, filter.buffer.ptr, o, 1, res.ptr + 4 * r0 * o, o);
      }
    });
  }
  return res;
};

/** dx = col2im(dy · filterᵀ), the adjoint of conv2d with respect to x. */
export const conv2dBackpropInput: FastKernel<"conv2dBackpropInput"> = (rt, [dy, filter], attrs, out) => {
  if (out.dtype !== "float32") return null;
  const g = convGeometry(attrs.inputShape, filter.shape, dy.shape, attrs);
  const { rows, depth, o } = g;
  const size = out.shape.reduce((p, d) => p * d, 1);
  const res = rt.newBuffer("float32", size);
  if (size === 0) return res;
  if (rows === 0 || o === 0) {
    res.data.fill(0);
    return res;
  }
  dy.buffer.toHeap();
  filter.buffer.toHeap();
  // filterᵀ as B: B[p = out channel, j = tap·C + ch] = filter[j·O + p].
  if (isPointwise(g)) {
    rt.sgemm1(rows, depth, o, dy.buffer.ptr, o, 1, filter.buffer.ptr, 1, o, res.ptr, depth);
  } else {
    res.data.fill(0);
    const step = chunkRows(g);
    withScratch(rt, Math.min(step, rows) * depth, (cols) => {
      for (let r0 = 0; r0 < rows; r0 += step) {
        const r1 = Math.min(rows, r0 + step);
        rt.sgemm1(r1 - r0, depth, o, dy.buffer.ptr + 4 * r0 * o, o, 1, filter.buffer.ptr, 1, o, cols, depth);
        col2imF32(rt.heap.f32(cols, (r1 - r0) * depth), g, r0, r1, res.data as Float32Array);
      }
    });
  }
  return res;
};

/** dfilter = im2col(x)ᵀ · dy, summed over chunks of rows: the adjoint of conv2d with respect to the filter. */
export const conv2dBackpropFilter: FastKernel<"conv2dBackpropFilter"> = (rt, [x, dy], attrs, out) => {
  if (out.dtype !== "float32") return null;
  const g = convGeometry(x.shape, attrs.filterShape, dy.shape, attrs);
  const { rows, depth, o } = g;
  const res = rt.newBuffer("float32", depth * o);
  if (res.length === 0) return res;
  if (rows === 0) {
    res.data.fill(0);
    return res;
  }
  x.buffer.toHeap();
  dy.buffer.toHeap();
  // im2col(x)ᵀ as A: A[i = tap·C + ch, p = row] = cols[p·depth + i].
  if (isPointwise(g)) {
    rt.sgemm1(depth, o, rows, x.buffer.ptr, 1, depth, dy.buffer.ptr, o, 1, res.ptr, o);
  } else {
    const step = chunkRows(g);
    if (step >= rows) {
      withScratch(rt, rows * depth, (cols) => {
        im2colF32(x.buffer.data as Float32Array, g, 0, rows, rt.heap.f32(cols, rows * depth));
        rt.sgemm1(depth, o, rows, cols, 1, depth, dy.buffer.ptr, o, 1, res.ptr, o);
      });
    } else {
      // Partial products of chunks of rows, added in chunk order.
      withScratch(rt, step * depth + depth * o, (cols) => {
        const part = cols + 4 * step * depth;
        (res.data as Float32Array).fill(0);
        for (let r0 = 0; r0 < rows; r0 += step) {
          const r1 = Math.min(rows, r0 + step);
          im2colF32(x.buffer.data as Float32Array, g, r0, r1, rt.heap.f32(cols, (r1 - r0) * depth));
          rt.sgemm1(depth, o, r1 - r0, cols, 1, depth, dy.buffer.ptr + 4 * r0 * o, o, 1, part, o);
          const p = rt.heap.f32(part, depth * o);
          const a = res.data as Float32Array;
          for (let i = 0; i < p.length; i++) a[i] += p[i];
        }
      });
    }
  }
  return res;
};
