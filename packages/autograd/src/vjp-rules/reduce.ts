import type { Tensor } from "@axon/core";
import { broadcastTo, cast, div, equal, keptShape, reshape, scalar, sum, where } from "../prims.ts";
import type { VjpContext, VjpRule } from "./types.ts";

/** Reductions: the cotangent is spread back over the reduced axes. */

/** The cotangent with the reduced axes restored as size 1, broadcast over the input. */
function spread(ct: Tensor, k: VjpContext<"sum" | "max" | "min">): Tensor {
  const shape = k.inputSpecs[0].shape;
  return broadcastTo(reshape(ct, keptShape(shape, k.attrs.axes)), shape);
}

/**
 * max/min: the gradient goes to the elements equal to the extreme, split evenly among ties
 * (what central differences measure at a tie, and what JAX does).
 */
function extreme<P extends "max" | "min">(): VjpRule<P> {
  return {
    saves: () => ({ inputs: [0], output: true }),
    vjp: (ct, k) => {
      const x = k.input(0);
      const shape = k.inputSpecs[0].shape;
      const kept = keptShape(shape, k.attrs.axes);
      const hit = equal(x, broadcastTo(reshape(k.output(), kept), shape));
      const count = reshape(sum(cast(hit, x.dtype), k.attrs.axes), kept);
      const share = broadcastTo(div(reshape(ct, kept), count), shape);
      return [where(hit, share, scalar(0, ct.dtype))];
    },
  };
}

export const reduceRules = {
  sum: { vjp: (ct, k) => [spread(ct, k)] } satisfies VjpRule<"sum">,
  max: extreme<"max">(),
  min: extreme<"min">(),
};
