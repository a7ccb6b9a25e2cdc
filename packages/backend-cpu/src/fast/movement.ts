import { stridesOf } from "@axon/core";
import { broadcastStrides } from "../kernels/util.ts";
import { IN0 } from "./elementwise.ts";
import { runElementwise } from "./grid.ts";
import { transposeTiled } from "./transpose.ts";
import type { FastKernel } from "./types.ts";

/** broadcastTo: the identity expression read with broadcast strides (rows copied or filled). */
export const broadcastTo: FastKernel<"broadcastTo"> = (rt, [x], _attrs, out) =>
  runElementwise(
    rt,
    IN0,
    [{ buffer: x.buffer, dtype: x.dtype, strides: broadcastStrides(x.shape, out.shape) }],
    out.shape,
    out.dtype,
  );

/**
 * transpose: when the last axis stays the last one (after merging axes that move together) it is a
 * copy of rows, each from its own place (the elementwise grid); otherwise a tiled transpose.
 */
export const transpose: FastKernel<"transpose"> = (rt, [x], { perm }, out) => {
  const xs = stridesOf(x.shape);
  const strides = perm.map((p) => xs[p]);
  return (
    transposeTiled(rt, x.buffer, x.dtype, strides, out.shape) ??
    runElementwise(rt, IN0, [{ buffer: x.buffer, dtype: x.dtype, strides }], out.shape, out.dtype)
  );
};
