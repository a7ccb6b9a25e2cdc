import {
  type FloatDType,
  type Parameter,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  cast,
  fmtShape,
  moments,
  mul,
  reshape,
  rsqrt,
  sub,
  tidy,
} from "@axon/core";
import { noGrad } from "@axon/autograd";
import { ModuleBuffer } from "../buffer.ts";
import { ones, zeros } from "../init/basic.ts";
import type { Initializer } from "../init/initializer.ts";
import { Module, describe } from "../module.ts";
import type { Regularizer } from "../regularizers.ts";
import { checkDType, checkOptions, checkPositiveInt, initParameter, initTensor } from "./common.ts";

export interface BatchNormOptions {
  /** The feature axis (default −1: channels-last). Statistics are taken over every other axis. */
  axis?: number;
  /** running ← momentum·running + (1 − momentum)·batch (default 0.99, the Keras convention). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-3, as Keras). */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  gammaInitializer?: Initializer;
  betaInitializer?: Initializer;
  movingMeanInitializer?: Initializer;
  movingVarianceInitializer?: Initializer;
  gammaRegularizer?: Regularizer;
  betaRegularizer?: Regularizer;
  /** Dtype of the weights and statistics (default float32). */
  dtype?: FloatDType;
}

/**
 * Batch normalization (Ioffe & Szegedy 2015): y = gamma·(x − μ)/√(σ² + ε) + beta per feature.
 * In training μ and σ² are the batch's (the biased variance, over every axis but the feature
 * axis: N for [N, C]; N, H and W for [N, H, W, C]) and the running statistics move toward them;
 * in evaluation the running statistics are used. The running variance is updated with the biased
 * batch variance, as Keras does (PyTorch uses the unbiased one; the difference is a factor n/(n−1)).
 */
export class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly dtype: FloatDType;
  gamma: Parameter | null;
  beta: Parameter | null;
  movingMean: ModuleBuffer;
  movingVariance: ModuleBuffer;

  constructor(numFeatures: number, options?: BatchNormOptions) {
    super();
    const o = checkOptions("BatchNorm", options);
    this.numFeatures = checkPositiveInt("BatchNorm", "numFeatures", numFeatures);
    this.axis = o.axis ?? -1;
    if (!Number.isInteger(this.axis))
      throw new ValueError(`BatchNorm: axis must be an integer, got ${describe(o.axis)}`);
    this.momentum = o.momentum ?? 0.99;
    if (!(this.momentum >= 0 && this.momentum <= 1))
      throw new ValueError(`BatchNorm: momentum must be in [0, 1], got ${describe(o.momentum)}`);
    this.epsilon = o.epsilon ?? 1e-3;
    if (!(this.epsilon > 0))
      throw new ValueError(`BatchNorm: epsilon must be positive, got ${describe(o.epsilon)}`);
    this.dtype = checkDType("BatchNorm", o.dtype);
    const shape = [numFeatures];
    this.gamma =
      (o.scale ?? true)
        ? initParameter("BatchNorm", "gamma", o.gammaInitializer ?? ones(), shape, this.dtype)
        : null;
    this.beta =
      (o.center ?? true)
        ? initParameter("BatchNorm", "beta", o.betaInitializer ?? zeros(), shape, this.dtype)
        : null;
    const init = (name: string, i: Initializer) => initTensor("BatchNorm", name, i, shape, this.dtype);
    this.movingMean = new ModuleBuffer(init("movingMean", o.movingMeanInitializer ?? zeros()), "movingMean");
    this.movingVariance = new ModuleBuffer(
      init("movingVariance", o.movingVarianceInitializer ?? ones()),
      "movingVariance",
    );
    if (o.gammaRegularizer && this.gamma) this.regularize("gamma", o.gammaRegularizer);
    if (o.betaRegularizer && this.beta) this.regularize("beta", o.betaRegularizer);
  }

  call(x: Tensor): Tensor {
    const axis = this.#featureAxis(x);
    // Per-feature vectors [C] reshaped to broadcast against x: [1, …, C, …, 1].
    const along = x.shape.map((_, i) => (i === axis ? this.numFeatures : 1));
    const asBroadcast = (t: Tensor) => reshape(t, along);
    let mean: Tensor;
    let variance: Tensor;
    if (this.training) {
      const reduce = x.shape.map((_, i) => i).filter((i) => i !== axis);
      ({ mean, variance } = moments(x, reduce, true));
      this.#updateRunningStatistics(mean, variance);
    } else {
      mean = asBroadcast(this.movingMean.value);
      variance = asBroadcast(this.movingVariance.value);
    }
    let y = mul(sub(x, mean), rsqrt(add(variance, this.epsilon)));
    if (this.gamma) y = mul(y, asBroadcast(this.gamma.value));
    if (this.beta) y = add(y, asBroadcast(this.beta.value));
    return y;
  }

  /** Moves the running statistics toward the batch's, off every tape (values, never recorded). */
  #updateRunningStatistics(mean: Tensor, variance: Tensor): void {
    const m = this.momentum;
    const [nextMean, nextVariance] = noGrad(() =>
      tidy(() => {
        const blend = (running: Tensor, batch: Tensor) =>
          add(mul(running, m), mul(cast(reshape(batch, [this.numFeatures]), running.dtype), 1 - m));
        return [blend(this.movingMean.value, mean), blend(this.movingVariance.value, variance)];
      }),
    );
    this.movingMean.assign(nextMean);
    this.movingVariance.assign(nextVariance);
  }

  #featureAxis(x: Tensor): number {
    const rank = x?.rank;
    const axis = this.axis < 0 ? rank + this.axis : this.axis;
    if (
      typeof rank !== "number" ||
      rank < 2 ||
      axis < 0 ||
      axis >= rank ||
      x.shape[axis] !== this.numFeatures
    )
      throw new ShapeError(
        `BatchNorm: x must have rank >= 2 and ${this.numFeatures} features on axis ${this.axis}, got ${x?.shape ? `shape ${fmtShape(x.shape)}` : describe(x)}`,
      );
    return axis;
  }
}
