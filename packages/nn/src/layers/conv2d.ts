import { type FloatDType, type PaddingSpec, type Parameter, type Tensor, add, conv2d } from "@axon/core";
import { zeros } from "../init/basic.ts";
import { glorotUniform } from "../init/variance-scaling.ts";
import { Module } from "../module.ts";
import {
  type WeightOptions,
  checkDType,
  checkFeatures,
  checkFunction,
  checkOptions,
  checkPositiveInt,
  initParameter,
} from "./common.ts";

export interface Conv2dOptions extends WeightOptions {
  /** Step of the window: one number or [along H, along W] (default 1). */
  strides?: number | readonly [number, number];
  /** 'valid' (default), 'same', a number for every side, or [[top, bottom], [left, right]]. */
  padding?: PaddingSpec;
  /** Spacing of the filter taps (atrous convolution), default 1. */
  dilations?: number | readonly [number, number];
}

function pair(op: string, arg: string, v: number | readonly [number, number]): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  checkPositiveInt(op, `${arg}[0]`, p[0]);
  checkPositiveInt(op, `${arg}[1]`, p[1]);
  return p;
}

/**
 * 2-D convolution over channels-last input x [N, H, W, inChannels] with a kernel
 * [kh, kw, inChannels, filters]; the output is [N, H', W', filters].
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: number | readonly [number, number];
  readonly padding: PaddingSpec;
  readonly dilations: number | readonly [number, number];
  readonly dtype: FloatDType;
  kernel: Parameter;
  bias: Parameter | null;
  readonly activation: ((x: Tensor) => Tensor) | undefined;

  constructor(
    inChannels: number,
    filters: number,
    kernelSize: number | readonly [number, number],
    options?: Conv2dOptions,
  ) {
    super();
    const o = checkOptions("Conv2d", options);
    this.inChannels = checkPositiveInt("Conv2d", "inChannels", inChannels);
    this.filters = checkPositiveInt("Conv2d", "filters", filters);
    this.kernelSize = pair("Conv2d", "kernelSize", kernelSize);
    this.strides = o.strides ?? 1;
    this.padding = o.padding ?? "valid";
    this.dilations = o.dilations ?? 1;
    this.dtype = checkDType("Conv2d", o.dtype);
    checkFunction("Conv2d", "activation", o.activation);
    this.activation = o.activation;
    const shape = [...this.kernelSize, inChannels, filters];
    this.kernel = initParameter(
      "Conv2d",
      "kernel",
      o.kernelInitializer ?? glorotUniform(),
      shape,
      this.dtype,
    );
    this.bias =
      (o.useBias ?? true)
        ? initParameter("Conv2d", "bias", o.biasInitializer ?? zeros(), [filters], this.dtype)
        : null;
    if (o.kernelRegularizer) this.regularize("kernel", o.kernelRegularizer);
    if (o.biasRegularizer && this.bias) this.regularize("bias", o.biasRegularizer);
  }

  call(x: Tensor): Tensor {
    checkFeatures("Conv2d", x, -1, this.inChannels, "channels (inChannels)", 3);
    let y = conv2d(x, this.kernel.value, {
      strides: this.strides,
      padding: this.padding,
      dilations: this.dilations,
    });
    if (this.bias) y = add(y, this.bias.value);
    return this.activation ? this.activation(y) : y;
  }
}
