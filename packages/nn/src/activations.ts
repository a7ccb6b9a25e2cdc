import {
  type RandomKey,
  Tensor,
  ValueError,
  isFloat,
  mul,
  randomUniform,
  where,
  type FloatDType,
} from "@axon/core";

// The activations core already has, so that `nn.relu` and `ax.relu` are the same function.
export {
  sigmoid,
  tanh,
  relu,
  relu6,
  leakyRelu,
  elu,
  selu,
  softplus,
  softmax,
  logSoftmax,
  gelu,
  swish,
  SELU_ALPHA,
  SELU_SCALE,
} from "@axon/core";

function checkTensor(op: string, arg: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${arg} must be a Tensor, got ${typeof x}`);
}

/**
 * Parametric ReLU: x for x > 0, alpha·x otherwise, with `alpha` a (learned) tensor that
 * broadcasts against x: shape [1] for one shared slope, [C] for one per channel (last axis).
 */
export function prelu(x: Tensor, alpha: Tensor): Tensor {
  checkTensor("prelu", "x", x);
  checkTensor("prelu", "alpha", alpha);
  return where(x.greater(0), x, mul(x, alpha));
}

export interface RReluOptions {
  /** Smallest slope (default 1/8, as in the paper and PyTorch). */
  lower?: number;
  /** Largest slope (default 1/3). */
  upper?: number;
  /** Random slopes (true) or the fixed mean slope (false, the default). */
  training?: boolean;
  seed?: number;
  key?: RandomKey;
}

/**
 * Randomized leaky ReLU (Xu et al. 2015): in training each negative element gets its own slope
 * drawn uniformly from [lower, upper]; in evaluation the slope is the mean (lower + upper) / 2.
 */
export function rrelu(x: Tensor, options: RReluOptions = {}): Tensor {
  checkTensor("rrelu", "x", x);
  const { lower = 1 / 8, upper = 1 / 3, training = false } = options;
  if (!(Number.isFinite(lower) && Number.isFinite(upper) && lower >= 0 && lower <= upper))
    throw new ValueError(`rrelu: need finite 0 <= lower <= upper, got lower ${lower} and upper ${upper}`);
  const positive = x.greater(0);
  if (!training || lower === upper) return where(positive, x, mul(x, (lower + upper) / 2));
  const dtype: FloatDType = isFloat(x.dtype) ? (x.dtype as FloatDType) : "float32";
  const slope = randomUniform(x.shape, {
    minval: lower,
    maxval: upper,
    dtype,
    seed: options.seed,
    key: options.key,
  });
  return where(positive, x, mul(x, slope));
}
