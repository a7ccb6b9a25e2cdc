import { type FloatDType, type Parameter, type Tensor, add, matmul } from "@axon/core";
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

/**
 * A fully connected layer: y = x·kernel + bias, with kernel [inputDim, units]. x is [..., inputDim]
 * (leading axes are batch axes).
 */
export class Dense extends Module {
  readonly inputDim: number;
  readonly units: number;
  readonly dtype: FloatDType;
  kernel: Parameter;
  bias: Parameter | null;
  readonly activation: ((x: Tensor) => Tensor) | undefined;

  constructor(inputDim: number, units: number, options?: WeightOptions) {
    super();
    const o = checkOptions("Dense", options);
    this.inputDim = checkPositiveInt("Dense", "inputDim", inputDim);
    this.units = checkPositiveInt("Dense", "units", units);
    this.dtype = checkDType("Dense", o.dtype);
    checkFunction("Dense", "activation", o.activation);
    this.activation = o.activation;
    const kernelInit = o.kernelInitializer ?? glorotUniform();
    this.kernel = initParameter("Dense", "kernel", kernelInit, [inputDim, units], this.dtype);
    this.bias =
      (o.useBias ?? true)
        ? initParameter("Dense", "bias", o.biasInitializer ?? zeros(), [units], this.dtype)
        : null;
    if (o.kernelRegularizer) this.regularize("kernel", o.kernelRegularizer);
    if (o.biasRegularizer && this.bias) this.regularize("bias", o.biasRegularizer);
  }

  call(x: Tensor): Tensor {
    checkFeatures("Dense", x, -1, this.inputDim, "features (inputDim)");
    let y = matmul(x, this.kernel.value);
    if (this.bias) y = add(y, this.bias.value);
    return this.activation ? this.activation(y) : y;
  }
}

/** The same layer under PyTorch's name. */
export const Linear = Dense;
export type Linear = Dense;
