// A dense network of any depth, built the same way by every study that needs one.
import * as ax from "@axon/axon";

const { nn } = ax;

export interface DenseStackOptions {
  /** Layer widths, input first: `[784, 128, 128, 10]` is two hidden layers of 128 and 10 outputs. */
  readonly sizes: readonly number[];
  /** The hidden layers' activation (default ReLU). */
  readonly activation?: (x: ax.Tensor) => ax.Tensor;
  /** The output layer's activation (default none: logits). */
  readonly outputActivation?: (x: ax.Tensor) => ax.Tensor;
  /** The kernel initializer of layer i, given a seed (default He normal). */
  readonly kernelInitializer?: (options: { seed: number }) => ax.nn.Initializer;
  /** Biases on the dense layers (default true; false when a batch norm follows anyway). */
  readonly useBias?: boolean;
  /** A batch normalization between each hidden dense layer and its activation (default false). */
  readonly batchNorm?: boolean;
  /** Seeds the kernels: layer i gets `seed·1000 + i`. */
  readonly seed?: number;
}

/**
 * A Sequential of dense layers: dense → [batch norm] → activation for each hidden layer, then a
 * dense output layer. Deterministic given `seed`.
 */
export function denseStack(o: DenseStackOptions): ax.nn.Sequential {
  const { sizes } = o;
  if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1))
    throw new Error(
      `denseStack: sizes must hold at least two positive integers, got ${JSON.stringify(sizes)}`,
    );
  const activation = o.activation ?? ax.relu;
  const init = o.kernelInitializer ?? nn.init.heNormal;
  const seed = o.seed ?? 0;
  const layers: ax.nn.Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    const kernelInitializer = init({ seed: seed * 1000 + i });
    if (last) {
      layers.push(
        new nn.Dense(sizes[i], sizes[i + 1], { kernelInitializer, activation: o.outputActivation }),
      );
    } else if (o.batchNorm) {
      layers.push(new nn.Dense(sizes[i], sizes[i + 1], { kernelInitializer, useBias: false }));
      layers.push(new nn.BatchNorm(sizes[i + 1]));
      layers.push(new nn.Lambda(activation));
    } else {
      layers.push(
        new nn.Dense(sizes[i], sizes[i + 1], { kernelInitializer, activation, useBias: o.useBias ?? true }),
      );
    }
  }
  return new nn.Sequential(layers);
}
