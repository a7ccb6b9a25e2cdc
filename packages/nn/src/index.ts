// @axon/nn: modules, layers, activations, initializers, losses and regularizers, all composed of
// core ops, so they are differentiable and run on every backend.
export {
  Module,
  type ForwardHook,
  type Slot,
  type LoadStateDictOptions,
  type LoadStateDictResult,
} from "./module.ts";
export { ModuleBuffer } from "./buffer.ts";
export { Sequential } from "./sequential.ts";
export { functionalCall } from "./functional-call.ts";
export { KeySequence } from "./random.ts";

export { Dense, Linear } from "./layers/dense.ts";
export { Conv2d, type Conv2dOptions } from "./layers/conv2d.ts";
export {
  MaxPool2d,
  AvgPool2d,
  GlobalAvgPool2d,
  GlobalMaxPool2d,
  type Pool2dOptions,
} from "./layers/pooling.ts";
export { Flatten } from "./layers/flatten.ts";
export { Dropout, dropout, type DropoutOptions } from "./layers/dropout.ts";
export { BatchNorm, type BatchNormOptions } from "./layers/batch-norm.ts";
export { LayerNorm, type LayerNormOptions } from "./layers/layer-norm.ts";
export type { WeightOptions } from "./layers/common.ts";
export {
  Sigmoid,
  Tanh,
  ReLU,
  LeakyReLU,
  PReLU,
  RReLU,
  ELU,
  SELU,
  Softmax,
  GELU,
  Swish,
  Lambda,
  type PReLUOptions,
} from "./layers/activation-layers.ts";

export * from "./activations.ts";
export * as init from "./init/index.ts";
export type { Initializer } from "./init/initializer.ts";

export {
  meanSquaredError,
  meanAbsoluteError,
  huber,
  binaryCrossEntropy,
  softmaxCrossEntropy,
  type Reduction,
  type LossOptions,
  type BinaryCrossEntropyOptions,
  type SoftmaxCrossEntropyOptions,
} from "./losses.ts";
export { l1, l2, l1l2, type Regularizer } from "./regularizers.ts";

export * from "./training/index.ts";
export * as plot from "./plot/index.ts";
