import { runPrimitive } from "../engine.ts";
import { ShapeError, ValueError, fmtShape } from "../errors.ts";
import type { Conv2DAttrs, Padding2D } from "../primitives/types.ts";
import type { Tensor } from "../tensor.ts";
import { asTensors, checkTensor, describeValue, opScope, positivePair, resultDType } from "./util.ts";
import { toFloat } from "../dtype.ts";

/** 'same' (output ⌈in/stride⌉, as TensorFlow), 'valid' (no padding), one number for every side, or [[top, bottom], [left, right]]. */
export type PaddingSpec =
  | "same"
  | "valid"
  | number
  | readonly [readonly [number, number], readonly [number, number]];

export interface Conv2DOptions {
  /** Step of the window: one number or [along H, along W]. Default 1. */
  strides?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: PaddingSpec;
  /** Spacing of the filter taps (atrous convolution): one number or a pair. Default 1. */
  dilations?: number | readonly [number, number];
}

/**
 * Explicit [[top, bottom], [left, right]] padding of a window op on an input of `inSize` [H, W].
 * 'same' follows TensorFlow: total = max((⌈in/s⌉ − 1)·s + (k − 1)·d + 1 − in, 0), with the extra
 * row or column at the bottom/right (top = ⌊total/2⌋).
 */
export function resolvePadding(
  op: string,
  padding: PaddingSpec,
  inSize: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number] = [1, 1],
): Padding2D {
  if (padding === "valid")
    return [
      [0, 0],
      [0, 0],
    ];
  if (padding === "same") {
    const side = (i: 0 | 1): [number, number] => {
      const out = Math.ceil(inSize[i] / strides[i]);
      const total = Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inSize[i], 0);
      const before = Math.floor(total / 2);
      return [before, total - before];
    };
    return [side(0), side(1)];
  }
  if (typeof padding === "number") {
    if (!Number.isInteger(padding) || padding < 0)
      throw new ValueError(`${op}: padding must be a non-negative integer, got ${padding}`);
    return [
      [padding, padding],
      [padding, padding],
    ];
  }
  const ok =
    Array.isArray(padding) &&
    padding.length === 2 &&
    padding.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
  if (!ok) {
    throw new ValueError(
      `${op}: padding must be 'same', 'valid', a non-negative integer or [[top, bottom], [left, right]], got ${typeof padding === "string" ? `'${padding}'` : (JSON.stringify(padding) ?? describeValue(padding))}`,
    );
  }
  return [
    [padding[0][0], padding[0][1]],
    [padding[1][0], padding[1][1]],
  ];
}

function convAttrs(
  op: string,
  options: Conv2DOptions,
  inSize: [number, number],
  kernel: [number, number],
): Conv2DAttrs {
  if (options === null || typeof options !== "object")
    throw new ValueError(`${op}: options must be an object, got ${describeValue(options)}`);
  const strides = positivePair(op, "strides", options.strides ?? 1);
  const dilations = positivePair(op, "dilations", options.dilations ?? 1);
  const padding = resolvePadding(op, options.padding ?? "valid", inSize, kernel, strides, dilations);
  return { strides, dilations, padding };
}

function checkRank(op: string, arg: string, t: Tensor, ranks: readonly number[], layout: string): void {
  if (!ranks.includes(t.rank)) {
    throw new ShapeError(
      `${op}: ${arg} must have rank ${ranks.join(" or ")} (${layout}), got shape ${fmtShape(t.shape)}`,
    );
  }
}

/**
 * 2-D convolution (cross-correlation, as in every DL framework) of x [N, H, W, C] (or [H, W, C])
 * with filter [kh, kw, C, O]. Integer inputs are promoted to float32.
 */
export function conv2d(x: Tensor, filter: Tensor, options: Conv2DOptions = {}): Tensor {
  const op = "conv2d";
  checkTensor(op, "x", x);
  checkTensor(op, "filter", filter);
  checkRank(op, "x", x, [3, 4], "NHWC or HWC");
  checkRank(op, "filter", filter, [4], "[kh, kw, in, out]");
  const unbatched = x.rank === 3;
  const xs = unbatched ? [1, ...x.shape] : x.shape;
  const attrs = convAttrs(op, options, [xs[1], xs[2]], [filter.shape[0], filter.shape[1]]);
  const d = toFloat(resultDType([x, filter]));
  return opScope(() => {
    let [xt, ft] = asTensors([x, filter], d);
    if (unbatched) xt = runPrimitive("reshape", [xt], { shape: xs });
    const y = runPrimitive("conv2d", [xt, ft], attrs);
    return unbatched ? runPrimitive("reshape", [y], { shape: y.shape.slice(1) }) : y;
  });
}

/**
 * Gradient of conv2d with respect to its input: dy [N, OH, OW, O] and filter [kh, kw, C, O] give
 * dx of `inputShape` [N, H, W, C]. Options as in conv2d ('same' is resolved against inputShape);
 * this is also the transposed convolution.
 */
export function conv2dBackpropInput(
  dy: Tensor,
  filter: Tensor,
  inputShape: readonly number[],
  options: Conv2DOptions = {},
): Tensor {
  const op = "conv2dBackpropInput";
  checkTensor(op, "dy", dy);
  checkTensor(op, "filter", filter);
  checkRank(op, "dy", dy, [4], "NHWC");
  checkRank(op, "filter", filter, [4], "[kh, kw, in, out]");
  if (
    !Array.isArray(inputShape) ||
    inputShape.length !== 4 ||
    inputShape.some((v) => !Number.isInteger(v) || v < 0)
  ) {
    throw new ShapeError(
      `${op}: inputShape must be 4 non-negative integers [N, H, W, C], got ${JSON.stringify(inputShape)}`,
    );
  }
  const attrs = convAttrs(op, options, [inputShape[1], inputShape[2]], [filter.shape[0], filter.shape[1]]);
  const d = toFloat(resultDType([dy, filter]));
  return opScope(() =>
    runPrimitive(op, asTensors([dy, filter], d), { ...attrs, inputShape: [...inputShape] }),
  );
}

/**
 * Gradient of conv2d with respect to its filter: x [N, H, W, C] and dy [N, OH, OW, O] give the
 * filter gradient of `filterShape` [kh, kw, C, O]. Options as in conv2d.
 */
export function conv2dBackpropFilter(
  x: Tensor,
  dy: Tensor,
  filterShape: readonly number[],
  options: Conv2DOptions = {},
): Tensor {
  const op = "conv2dBackpropFilter";
  checkTensor(op, "x", x);
  checkTensor(op, "dy", dy);
  checkRank(op, "x", x, [4], "NHWC");
  checkRank(op, "dy", dy, [4], "NHWC");
  if (
    !Array.isArray(filterShape) ||
    filterShape.length !== 4 ||
    filterShape.some((v) => !Number.isInteger(v) || v < 0)
  ) {
    throw new ShapeError(
      `${op}: filterShape must be 4 non-negative integers [kh, kw, in, out], got ${JSON.stringify(filterShape)}`,
    );
  }
  const attrs = convAttrs(op, options, [x.shape[1], x.shape[2]], [filterShape[0], filterShape[1]]);
  const d = toFloat(resultDType([x, dy]));
  return opScope(() => runPrimitive(op, asTensors([x, dy], d), { ...attrs, filterShape: [...filterShape] }));
}
