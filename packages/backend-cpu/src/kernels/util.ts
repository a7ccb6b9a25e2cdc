import { type DType, type Shape, type TypedArray, sizeOf, stridesOf, typedArrayFor } from "@axon/core";

/** A fresh zero-filled buffer of `dtype` (bool as 0/1 bytes). */
export function alloc(dtype: DType, size: number): TypedArray {
  return typedArrayFor(dtype, size);
}

let provided: TypedArray | null = null;

/**
 * Hands the next `allocOut` call a zero-filled array to return instead of a new one (the backend
 * passes a view of its heap, so that the kernel writes its output in place); null withdraws it.
 */
export function provideOut(buffer: TypedArray | null): void {
  provided = buffer;
}

/** Allocates the output a kernel must produce (or returns the array the backend provided for it). */
export function allocOut(out: { readonly shape: Shape; readonly dtype: DType }): TypedArray {
  const size = sizeOf(out.shape);
  const p = provided;
  if (p !== null) {
    provided = null;
    const fresh = typedArrayFor(out.dtype, size);
    if (p.length === size && p.constructor === fresh.constructor) return p;
    return fresh;
  }
  return typedArrayFor(out.dtype, size);
}

/**
 * Element strides of `inShape` read as `outShape` under NumPy broadcasting (right-aligned):
 * 0 on every axis that `inShape` lacks or holds as 1.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const inStrides = stridesOf(inShape);
  const lead = outShape.length - inShape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let d = lead; d < outShape.length; d++) {
    const i = d - lead;
    out[d] = inShape[i] === 1 ? 0 : inStrides[i];
  }
  return out;
}

/**
 * Drops axes of size 1 and merges neighbouring axes that are contiguous in every stride list, so
 * strided loops run over as few, as long axes as possible. Returns null when `shape` has no elements.
 */
export function collapseDims(
  shape: Shape,
  strides: readonly (readonly number[])[],
): { dims: number[]; strides: number[][] } | null {
  const dims: number[] = [];
  const out = strides.map(() => [] as number[]);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (n === 0) return null;
    if (n === 1) continue;
    const k = dims.length - 1;
    if (k >= 0 && strides.every((s, i) => out[i][k] === s[d] * n)) {
      dims[k] *= n;
      for (let i = 0; i < strides.length; i++) out[i][k] = strides[i][d];
    } else {
      dims.push(n);
      for (let i = 0; i < strides.length; i++) out[i].push(strides[i][d]);
    }
  }
  return { dims, strides: out };
}

/** Below this many elements a plain loop beats `subarray` + `set`. */
const SET_MIN = 32;

/**
 * dst[dstOff + Σ i_d·dstStrides_d] = src[srcOff + Σ i_d·srcStrides_d] for every index i of `shape`;
 * the innermost run is a block copy when both sides are unit-stride.
 */
export function stridedCopy(
  src: TypedArray,
  srcOff: number,
  srcStrides: readonly number[],
  dst: TypedArray,
  dstOff: number,
  dstStrides: readonly number[],
  shape: Shape,
): void {
  const c = collapseDims(shape, [srcStrides, dstStrides]);
  if (c === null) return;
  const { dims } = c;
  const [ss, ds] = c.strides;
  const rank = dims.length;
  if (rank === 0) {
    dst[dstOff] = src[srcOff];
    return;
  }
  const n = dims[rank - 1];
  const si = ss[rank - 1];
  const di = ds[rank - 1];
  const block = si === 1 && di === 1 && n >= SET_MIN;
  const idx = new Array<number>(rank).fill(0);
  let s = srcOff;
  let t = dstOff;
  for (;;) {
    if (block) dst.set(src.subarray(s, s + n), t);
    else for (let j = 0, a = s, b = t; j < n; j++, a += si, b += di) dst[b] = src[a];
    let d = rank - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      s += ss[d];
      t += ds[d];
      if (idx[d] < dims[d]) break;
      s -= ss[d] * dims[d];
      t -= ds[d] * dims[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
