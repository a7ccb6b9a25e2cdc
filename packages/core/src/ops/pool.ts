import { toFloat } from "../dtype.ts";
import { runPrimitive } from "../engine.ts";
import { ShapeError, ValueError, fmtShape } from "../errors.ts";
import type { Pool2DAttrs } from "../primitives/types.ts";
import type { Tensor } from "../tensor.ts";
import { type PaddingSpec, resolvePadding } from "./conv.ts";
import { castTo, checkNumeric, checkTensor, describeValue, opScope, positivePair } from "./util.ts";

export interface Pool2DOptions {
  /** Window size: one number or [along H, along W]. Required. */
  filterSize: number | readonly [number, number];
  /** Step of the window; defaults to the window size (non-overlapping windows). */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: PaddingSpec;
}

function pool(op: "maxPool" | "avgPool", x: Tensor, options: Pool2DOptions): Tensor {
  checkTensor(op, "x", x);
  if (x.rank !== 3 && x.rank !== 4)
    throw new ShapeError(`${op}: x must have rank 4 (NHWC) or 3 (HWC), got shape ${fmtShape(x.shape)}`);
  if (options === null || typeof options !== "object" || options.filterSize === undefined) {
    throw new ValueError(`${op}: options must be an object with a filterSize, got ${describeValue(options)}`);
  }
  checkNumeric(op, "x", x);
  const filterSize = positivePair(op, "filterSize", options.filterSize);
  const strides = positivePair(op, "strides", options.strides ?? filterSize);
  const unbatched = x.rank === 3;
  const xs = unbatched ? [1, ...x.shape] : x.shape;
  const padding = resolvePadding(op, options.padding ?? "valid", [xs[1], xs[2]], filterSize, strides);
  const attrs: Pool2DAttrs = { filterSize, strides, padding };
  return opScope(() => {
    let t = op === "avgPool" ? castTo(x, toFloat(x.dtype)) : x;
    if (unbatched) t = runPrimitive("reshape", [t], { shape: xs });
    const y = runPrimitive(op, [t], attrs);
    return unbatched ? runPrimitive("reshape", [y], { shape: y.shape.slice(1) }) : y;
  });
}

/** Maximum over each window of x [N, H, W, C] (or [H, W, C]); padded positions never win. */
export function maxPool(x: Tensor, options: Pool2DOptions): Tensor {
  return pool("maxPool", x, options);
}

/** Mean over each window of x [N, H, W, C] (or [H, W, C]), counting only in-bounds elements; int32 gives float32. */
export function avgPool(x: Tensor, options: Pool2DOptions): Tensor {
  return pool("avgPool", x, options);
}
