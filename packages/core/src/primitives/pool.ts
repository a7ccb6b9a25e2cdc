import { expectFloat, expectNumeric, expectPositiveInts, expectRank, expectSameDType } from "./check.ts";
import { checkPadding, windowOutSize } from "./conv.ts";
import { ShapeError, fmtShape } from "../errors.ts";
import { shapesEqual } from "../shape.ts";
import type { Pool2DAttrs, PrimDef } from "./types.ts";

/** Shape of a pooling of x [N,H,W,C]. */
export function poolOutShape(op: string, x: readonly number[], attrs: Pool2DAttrs): number[] {
  expectPositiveInts(op, "filterSize", attrs.filterSize, 2);
  expectPositiveInts(op, "strides", attrs.strides, 2);
  checkPadding(op, attrs.padding);
  const [n, h, w, c] = x;
  const oh = windowOutSize(op, h, attrs.filterSize[0], attrs.strides[0], 1, attrs.padding[0]);
  const ow = windowOutSize(op, w, attrs.filterSize[1], attrs.strides[1], 1, attrs.padding[1]);
  return [n, oh, ow, c];
}

export const maxPool: PrimDef<"maxPool"> = {
  name: "maxPool",
  arity: 1,
  infer([x], attrs) {
    expectNumeric("maxPool", "x", x);
    expectRank("maxPool", "x", x, 4);
    return { shape: poolOutShape("maxPool", x.shape, attrs), dtype: x.dtype };
  },
};

export const avgPool: PrimDef<"avgPool"> = {
  name: "avgPool",
  arity: 1,
  infer([x], attrs) {
    expectFloat("avgPool", "x", x);
    expectRank("avgPool", "x", x, 4);
    return { shape: poolOutShape("avgPool", x.shape, attrs), dtype: x.dtype };
  },
};

export const maxPoolBackward: PrimDef<"maxPoolBackward"> = {
  name: "maxPoolBackward",
  arity: 2,
  infer([dy, x], attrs) {
    const op = "maxPoolBackward";
    expectFloat(op, "dy", dy);
    expectSameDType(op, dy, x, ["dy", "x"]);
    expectRank(op, "x", x, 4);
    const expected = poolOutShape(op, x.shape, attrs);
    if (!shapesEqual(dy.shape, expected))
      throw new ShapeError(`${op}: dy must have shape ${fmtShape(expected)}, got ${fmtShape(dy.shape)}`);
    return { shape: x.shape, dtype: x.dtype };
  },
};

export const avgPoolBackward: PrimDef<"avgPoolBackward"> = {
  name: "avgPoolBackward",
  arity: 1,
  infer([dy], attrs) {
    const op = "avgPoolBackward";
    expectFloat(op, "dy", dy);
    if (attrs.inputShape.length !== 4)
      throw new ShapeError(`${op}: inputShape must have rank 4, got ${fmtShape(attrs.inputShape)}`);
    const expected = poolOutShape(op, attrs.inputShape, attrs);
    if (!shapesEqual(dy.shape, expected))
      throw new ShapeError(`${op}: dy must have shape ${fmtShape(expected)}, got ${fmtShape(dy.shape)}`);
    return { shape: [...attrs.inputShape], dtype: dy.dtype };
  },
};
