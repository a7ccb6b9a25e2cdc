import { type DType, sizeOf } from "@axon/core";
import type { Expr } from "../wasm/elementwise.ts";
import { IN0 } from "./elementwise.ts";
import { runElementwise } from "./grid.ts";
import type { FastKernel } from "./types.ts";

const CASTS = new Map<DType, Expr>();

/** The conversion expression to `dtype` (one object per target, so its compiled kernels are found again). */
export function castTo(dtype: DType): Expr {
  let e = CASTS.get(dtype);
  if (!e) CASTS.set(dtype, (e = { op: "cast", dtype, x: IN0 }));
  return e;
}

/**
 * cast between any two dtypes with kernels/cast.ts's semantics: to bool is x ≠ 0 (NaN → true);
 * float → int32 truncates toward zero, maps NaN to 0 and saturates; float64 → float32 rounds once.
 */
export const cast: FastKernel<"cast"> = (rt, [x], { dtype }, out) =>
  runElementwise(
    rt,
    castTo(dtype),
    [{ buffer: x.buffer, dtype: x.dtype, strides: [1] }],
    [sizeOf(out.shape)],
    out.dtype,
  );
