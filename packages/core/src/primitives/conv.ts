import { ShapeError, ValueError, fmtShape } from "../errors.ts";
import { shapesEqual } from "../shape.ts";
import { expectFloat, expectPositiveInts, expectRank, expectSameDType } from "./check.ts";
import type { Conv2DAttrs, Padding2D, PrimDef, TensorSpec } from "./types.ts";

/** Output length of a sliding window: floor((in + padBefore + padAfter − dilation·(k−1) − 1) / stride) + 1. */
export function windowOutSize(
  op: string,
  inSize: number,
  k: number,
  stride: number,
  dilation: number,
  pad: readonly [number, number],
): number {
  const span = dilation * (k - 1) + 1;
  const padded = inSize + pad[0] + pad[1];
  if (padded < span) {
    throw new ShapeError(
      `${op}: the window (${k} with dilation ${dilation}) is larger than the padded input (${padded})`,
    );
  }
  return Math.floor((padded - span) / stride) + 1;
}

export function checkPadding(op: string, padding: Padding2D): void {
  const ok =
    padding.length === 2 &&
    padding.every((p) => p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
  if (!ok)
    throw new ValueError(
      `${op}: padding must be [[top, bottom], [left, right]] of non-negative integers, got ${JSON.stringify(padding)}`,
    );
}

function checkConvAttrs(op: string, attrs: Conv2DAttrs): void {
  expectPositiveInts(op, "strides", attrs.strides, 2);
  expectPositiveInts(op, "dilations", attrs.dilations, 2);
  checkPadding(op, attrs.padding);
}

/** Shape of conv2d(x, filter) for x [N,H,W,C] and filter [kh,kw,C,O]. */
export function conv2dOutShape(
  op: string,
  x: readonly number[],
  filter: readonly number[],
  attrs: Conv2DAttrs,
): number[] {
  const [n, h, w, c] = x;
  const [kh, kw, fc, o] = filter;
  if (c !== fc) {
    throw new ShapeError(
      `${op}: input channels differ: x is ${fmtShape(x)} (NHWC), filter is ${fmtShape(filter)} ([kh,kw,in,out])`,
    );
  }
  const oh = windowOutSize(op, h, kh, attrs.strides[0], attrs.dilations[0], attrs.padding[0]);
  const ow = windowOutSize(op, w, kw, attrs.strides[1], attrs.dilations[1], attrs.padding[1]);
  return [n, oh, ow, o];
}

function expectShape(op: string, arg: string, spec: TensorSpec, shape: readonly number[]): void {
  if (!shapesEqual(spec.shape, shape)) {
    throw new ShapeError(`${op}: ${arg} must have shape ${fmtShape(shape)}, got ${fmtShape(spec.shape)}`);
  }
}

export const conv2d: PrimDef<"conv2d"> = {
  name: "conv2d",
  arity: 2,
  infer([x, filter], attrs) {
    expectFloat("conv2d", "x", x);
    expectSameDType("conv2d", x, filter, ["x", "filter"]);
    expectRank("conv2d", "x", x, 4);
    expectRank("conv2d", "filter", filter, 4);
    checkConvAttrs("conv2d", attrs);
    return { shape: conv2dOutShape("conv2d", x.shape, filter.shape, attrs), dtype: x.dtype };
  },
};

export const conv2dBackpropInput: PrimDef<"conv2dBackpropInput"> = {
  name: "conv2dBackpropInput",
  arity: 2,
  infer([dy, filter], attrs) {
    const op = "conv2dBackpropInput";
    expectFloat(op, "dy", dy);
    expectSameDType(op, dy, filter, ["dy", "filter"]);
    expectRank(op, "filter", filter, 4);
    if (attrs.inputShape.length !== 4)
      throw new ShapeError(`${op}: inputShape must have rank 4, got ${fmtShape(attrs.inputShape)}`);
    checkConvAttrs(op, attrs);
    expectShape(op, "dy", dy, conv2dOutShape(op, attrs.inputShape, filter.shape, attrs));
    return { shape: [...attrs.inputShape], dtype: dy.dtype };
  },
};

export const conv2dBackpropFilter: PrimDef<"conv2dBackpropFilter"> = {
  name: "conv2dBackpropFilter",
  arity: 2,
  infer([x, dy], attrs) {
    const op = "conv2dBackpropFilter";
    expectFloat(op, "x", x);
    expectSameDType(op, x, dy, ["x", "dy"]);
    expectRank(op, "x", x, 4);
    if (attrs.filterShape.length !== 4)
      throw new ShapeError(`${op}: filterShape must have rank 4, got ${fmtShape(attrs.filterShape)}`);
    checkConvAttrs(op, attrs);
    expectShape(op, "dy", dy, conv2dOutShape(op, x.shape, attrs.filterShape, attrs));
    return { shape: [...attrs.filterShape], dtype: x.dtype };
  },
};
