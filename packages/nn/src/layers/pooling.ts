import { type PaddingSpec, ShapeError, type Tensor, avgPool, fmtShape, max, maxPool, mean } from "@axon/core";
import { Module, describe } from "../module.ts";
import { checkOptions } from "./common.ts";

export interface Pool2dOptions {
  /** Step of the window; defaults to the pool size (non-overlapping windows). */
  strides?: number | readonly [number, number];
  /** 'valid' (default), 'same', a number, or [[top, bottom], [left, right]]. */
  padding?: PaddingSpec;
}

function checkImage(op: string, x: Tensor): void {
  if (x?.rank !== 4 && x?.rank !== 3)
    throw new ShapeError(
      `${op}: x must be [N, H, W, C] (or [H, W, C]), got ${x?.shape ? `shape ${fmtShape(x.shape)}` : describe(x)}`,
    );
}

/** The maximum over each poolSize window of x [N, H, W, C]. */
export class MaxPool2d extends Module {
  readonly poolSize: number | readonly [number, number];
  readonly strides: number | readonly [number, number] | undefined;
  readonly padding: PaddingSpec;

  constructor(poolSize: number | readonly [number, number] = 2, options?: Pool2dOptions) {
    super();
    const o = checkOptions("MaxPool2d", options);
    this.poolSize = poolSize;
    this.strides = o.strides;
    this.padding = o.padding ?? "valid";
  }

  call(x: Tensor): Tensor {
    checkImage("MaxPool2d", x);
    return maxPool(x, { filterSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

/** The mean over each poolSize window of x [N, H, W, C], counting only in-bounds elements. */
export class AvgPool2d extends Module {
  readonly poolSize: number | readonly [number, number];
  readonly strides: number | readonly [number, number] | undefined;
  readonly padding: PaddingSpec;

  constructor(poolSize: number | readonly [number, number] = 2, options?: Pool2dOptions) {
    super();
    const o = checkOptions("AvgPool2d", options);
    this.poolSize = poolSize;
    this.strides = o.strides;
    this.padding = o.padding ?? "valid";
  }

  call(x: Tensor): Tensor {
    checkImage("AvgPool2d", x);
    return avgPool(x, { filterSize: this.poolSize, strides: this.strides, padding: this.padding });
  }
}

/** The mean over H and W: [N, H, W, C] → [N, C] (with `keepDims`, [N, 1, 1, C]). */
export class GlobalAvgPool2d extends Module {
  constructor(readonly keepDims = false) {
    super();
  }

  call(x: Tensor): Tensor {
    checkImage("GlobalAvgPool2d", x);
    return mean(x, [-3, -2], this.keepDims);
  }
}

/** The maximum over H and W: [N, H, W, C] → [N, C]. */
export class GlobalMaxPool2d extends Module {
  constructor(readonly keepDims = false) {
    super();
  }

  call(x: Tensor): Tensor {
    checkImage("GlobalMaxPool2d", x);
    return max(x, [-3, -2], this.keepDims);
  }
}
