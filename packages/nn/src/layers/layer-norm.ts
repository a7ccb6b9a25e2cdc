import {
  type FloatDType,
  type Parameter,
  ShapeError,
  ValueError,
  type Tensor,
  add,
  fmtShape,
  moments,
  mul,
  rsqrt,
  sub,
} from "@axon/core";
import { ones, zeros } from "../init/basic.ts";
import type { Initializer } from "../init/initializer.ts";
import { Module, describe } from "../module.ts";
import { checkDType, checkOptions, checkPositiveInt, initParameter } from "./common.ts";

export interface LayerNormOptions {
  /** Added to the variance before the square root (default 1e-3, as Keras and BatchNorm). */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  gammaInitializer?: Initializer;
  betaInitializer?: Initializer;
  dtype?: FloatDType;
}

/**
 * Layer normalization (Ba et al. 2016): each example is normalized over its last axes (those of
 * `normalizedShape`, e.g. the 512 features of [N, T, 512]) and then scaled and shifted by a learned
 * gamma and beta of that shape. The same in training and evaluation; no running statistics.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly epsilon: number;
  readonly dtype: FloatDType;
  gamma: Parameter | null;
  beta: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions) {
    super();
    const o = checkOptions("LayerNorm", options);
    const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...(normalizedShape ?? [])];
    if (shape.length === 0) throw new ShapeError("LayerNorm: normalizedShape must name at least one axis");
    for (const [i, d] of shape.entries()) checkPositiveInt("LayerNorm", `normalizedShape[${i}]`, d);
    this.normalizedShape = shape;
    this.epsilon = o.epsilon ?? 1e-3;
    if (!(this.epsilon > 0))
      throw new ValueError(`LayerNorm: epsilon must be positive, got ${describe(o.epsilon)}`);
    this.dtype = checkDType("LayerNorm", o.dtype);
    this.gamma =
      (o.scale ?? true)
        ? initParameter("LayerNorm", "gamma", o.gammaInitializer ?? ones(), shape, this.dtype)
        : null;
    this.beta =
      (o.center ?? true)
        ? initParameter("LayerNorm", "beta", o.betaInitializer ?? zeros(), shape, this.dtype)
        : null;
  }

  call(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const tail = x?.shape?.slice(-k) ?? [];
    if (!(x?.rank > k) || tail.some((d, i) => d !== this.normalizedShape[i]))
      throw new ShapeError(
        `LayerNorm: x must end in ${fmtShape(this.normalizedShape)} after a batch axis, got ${x?.shape ? `shape ${fmtShape(x.shape)}` : describe(x)}`,
      );
    const axes = this.normalizedShape.map((_, i) => x.rank - k + i);
    const { mean, variance } = moments(x, axes, true);
    let y = mul(sub(x, mean), rsqrt(add(variance, this.epsilon)));
    if (this.gamma) y = mul(y, this.gamma.value);
    if (this.beta) y = add(y, this.beta.value);
    return y;
  }
}
