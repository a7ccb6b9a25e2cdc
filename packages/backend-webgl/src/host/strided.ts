import { type Shape, sizeOf } from "@axon/core";

/**
 * The flat input offset of every element of `outShape` (row-major), `base + Σ coord_d · strides[d]`:
 * transpose, slice, broadcasting and reductions are walks with different strides.
 */
export function stridedOffsets(outShape: Shape, strides: readonly number[], base = 0): Int32Array {
  const n = sizeOf(outShape);
  const rank = outShape.length;
  const out = new Int32Array(n);
  const coord = new Array<number>(rank).fill(0);
  let off = base;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    // An odometer: step the last axis, carry into the ones before it.
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]++;
      off += strides[d];
      if (coord[d] < outShape[d]) break;
      off -= coord[d] * strides[d];
      coord[d] = 0;
    }
  }
  return out;
}
