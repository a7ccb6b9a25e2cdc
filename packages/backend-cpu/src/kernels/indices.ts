import { type TypedArray, ValueError } from "@axon/core";

/** Throws a ValueError naming the op and the first index outside [0, size) (negative indices included). */
export function checkIndices(op: string, indices: TypedArray, axis: number, size: number): void {
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (k < 0 || k >= size)
      throw new ValueError(`${op}: index ${k} is out of range for axis ${axis} of size ${size}`);
  }
}

/** Product of shape[from..to). */
export function prod(shape: readonly number[], from = 0, to = shape.length): number {
  let p = 1;
  for (let d = from; d < to; d++) p *= shape[d];
  return p;
}
