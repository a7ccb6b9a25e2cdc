import { type ReducePrim, stridesOf } from "@axon/core";
import { collapseDims } from "../kernels/util.ts";
import { splitRange } from "../wasm/runtime.ts";
import type { FastKernel } from "./types.ts";

/**
 * float32 sum, max and min over any axes whose collapsed pattern is [kept, reduced] (rows) or
 * [kept, reduced, kept] (columns, the kept outer axis optional); other patterns go to JavaScript.
 */
function reduce<P extends ReducePrim>(kind: P): FastKernel<P> {
  return (rt, [x], { axes }, out) => {
    if (out.dtype !== "float32") return null;
    const size = out.shape.reduce((p, d) => p * d, 1);
    const xs = x.shape;
    const outStrides = stridesOf(out.shape);
    const accStrides: number[] = [];
    for (let d = 0, k = 0; d < xs.length; d++) accStrides.push(axes.includes(d) ? 0 : outStrides[k++]);
    const c = collapseDims(xs, [stridesOf(xs), accStrides]);
    if (c === null || size === 0) return null;
    const { dims } = c;
    const red = c.strides[1].map((s) => s === 0);
    const rank = dims.length;
    let form: "rows" | "cols";
    let args: number[];
    if (rank === 1 && red[0]) {
      form = "rows";
      args = [1, dims[0]];
    } else if (rank === 2 && !red[0] && red[1]) {
      form = "rows";
      args = [dims[0], dims[1]];
    } else if (rank === 2 && red[0] && !red[1]) {
      form = "cols";
      args = [1, dims[0], dims[1]];
    } else if (rank === 3 && !red[0] && red[1] && !red[2]) {
      form = "cols";
      args = [dims[0], dims[1], dims[2]];
    } else return null;
    const res = rt.newBuffer("float32", size);
    x.buffer.toHeap();
    const k = rt.reduce(kind, form);
    const parts = rt.parts("reduce", x.buffer.length);
    const xp = x.buffer.ptr;
    // Rows split by rows, columns by blocks of 16: every output is reduced in the same order either way.
    if (form === "rows")
      rt.parallel(
        k,
        splitRange(args[0], parts, 1).map(([r0, r1]) => [xp, res.ptr, r0, r1, args[1]]),
      );
    else
      rt.parallel(
        k,
        splitRange(args[2], parts, 16).map(([j0, j1]) => [xp, res.ptr, args[0], args[1], args[2], j0, j1]),
      );
    return res;
  };
}

export const sum = reduce("sum");
export const max = reduce("max");
export const min = reduce("min");
