import { type DType, type Shape, type TypedArray, sizeOf, stridesOf, typedArrayFor } from "@axon/core";
import { broadcastStrides } from "../kernels/util.ts";
import { stridedOffsets } from "./strided.ts";
import type { HostKernels } from "./types.ts";

/** out[i] = x[offsets[i]]: transpose, broadcastTo and slice are this copy with different strides. */
function stridedCopy(x: TypedArray, dtype: DType, outShape: Shape, strides: readonly number[], base = 0) {
  const offsets = stridedOffsets(outShape, strides, base);
  const result = typedArrayFor(dtype, offsets.length);
  for (let i = 0; i < offsets.length; i++) result[i] = x[offsets[i]];
  return result;
}

/** The fill value of `pad` as the GPU stores it: float32, int32 truncated, bool 0/1. */
function padValue(value: number, dtype: DType): number {
  if (dtype === "float32") return value;
  return dtype === "bool" ? (value !== 0 ? 1 : 0) : value | 0;
}

/** Host kernels of the movement primitives; a reshape (and a no-op broadcast) is the same buffer. */
export const movementHostKernels: HostKernels<
  "reshape" | "transpose" | "broadcastTo" | "slice" | "pad" | "concat"
> = {
  reshape: ([x]) => x.buffer,

  transpose([x], { perm }, out) {
    const strides = stridesOf(x.shape);
    return stridedCopy(
      x.buffer,
      x.dtype,
      out.shape,
      perm.map((p) => strides[p]),
    );
  },

  broadcastTo([x], _attrs, out) {
    if (sizeOf(x.shape) === sizeOf(out.shape)) return x.buffer;
    return stridedCopy(x.buffer, x.dtype, out.shape, broadcastStrides(x.shape, out.shape));
  },

  slice([x], { begin }, out) {
    const strides = stridesOf(x.shape);
    const base = begin.reduce((s, b, d) => s + b * strides[d], 0);
    return stridedCopy(x.buffer, x.dtype, out.shape, strides, base);
  },

  pad([x], { paddings, value }, out) {
    const result = typedArrayFor(x.dtype, sizeOf(out.shape)).fill(padValue(value, x.dtype));
    // x lands inside the output: its elements walk the output's strides from the corner it starts at.
    const outStrides = stridesOf(out.shape);
    const corner = paddings.reduce((s, p, d) => s + p[0] * outStrides[d], 0);
    const offsets = stridedOffsets(x.shape, outStrides, corner);
    for (let i = 0; i < offsets.length; i++) result[offsets[i]] = x.buffer[i];
    return result;
  },

  concat(inputs, { axis }, out) {
    const parts = inputs.filter((x) => x.shape[axis] > 0);
    if (parts.length === 1) return parts[0].buffer;
    const result = typedArrayFor(out.dtype, sizeOf(out.shape));
    const outer = sizeOf(out.shape.slice(0, axis));
    const row = sizeOf(out.shape.slice(axis)); // elements of one outer index in the output
    let start = 0;
    for (const p of parts) {
      const block = sizeOf(p.shape.slice(axis));
      for (let o = 0; o < outer; o++)
        result.set(p.buffer.subarray(o * block, (o + 1) * block), o * row + start);
      start += block;
    }
    return result;
  },
};
