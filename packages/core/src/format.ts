import type { DType, TypedArray } from "./dtype.ts";
import type { Shape } from "./shape.ts";

/** NumPy-like text for a tensor (placeholder layout; replaced by the formatting module). */
export function formatTensor(values: TypedArray, shape: Shape, dtype: DType): string {
  return `Tensor(${JSON.stringify(Array.from(values))}, shape=[${shape.join(",")}], dtype=${dtype})`;
}
