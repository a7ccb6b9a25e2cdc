// How a signal travels through a deep dense network at initialization, forward and backward.
import * as ax from "@axon/axon";

const { nn } = ax;

/** What one layer of a network shows at initialization. */
export interface LayerSignal {
  /** Mean and variance of the layer's output over the batch and the units. */
  readonly mean: number;
  readonly variance: number;
  /** ‖∂L/∂h‖ for the layer's output h: the backward signal arriving at this depth. */
  readonly backwardNorm: number;
  /** ‖∂L/∂W‖ for the layer's kernel. */
  readonly kernelGradNorm: number;
}

export interface SignalOptions {
  readonly depth: number;
  readonly width: number;
  readonly batch: number;
  readonly activation?: (x: ax.Tensor) => ax.Tensor;
  /** The kernel initializer of layer i, given its seed. */
  readonly init: (seed: number) => ax.nn.Initializer;
  readonly seed: number;
}

/** W = c·I: a chain whose signal is multiplied by exactly c at every layer. */
export function scaledIdentity(c: number): ax.nn.Initializer {
  return Object.assign((shape: readonly number[]) => ax.mul(ax.eye(shape[0], shape[1]), c), {
    description: `${c}·I`,
  });
}

/**
 * Runs standard-normal (standardized) inputs through `depth` dense layers without biases and
 * measures every layer. The loss projects each example's output on a random direction of its own,
 * so the gradients show how the backward signal travels through depth, not how the examples'
 * gradients cancel in a batch mean. A zero "probe" added to each layer's output has ∂L/∂h as its gradient.
 */
export function measureSignals(o: SignalOptions): LayerSignal[] {
  return ax.tidy(() => {
    const layers = Array.from(
      { length: o.depth },
      (_, i) =>
        new nn.Dense(o.width, o.width, {
          useBias: false,
          activation: o.activation,
          kernelInitializer: o.init(o.seed * 1000 + i),
        }),
    );
    const probes = layers.map(() => new ax.Parameter(ax.zeros([o.batch, o.width])));
    const x = ax.randomNormal([o.batch, o.width], { seed: o.seed * 1000 + 997 });
    const directions = ax.randomNormal([o.batch, o.width], { seed: o.seed * 1000 + 998 });
    const outputs: ax.Tensor[] = [];
    const loss = () => {
      let h = x;
      outputs.length = 0;
      layers.forEach((layer, i) => {
        h = ax.add(layer.call(h), probes[i].value);
        outputs.push(h);
      });
      return ax.div(ax.sum(ax.mul(h, directions)), o.batch);
    };
    const kernels = layers.flatMap((l) => l.parameters());
    const [, grads] = ax.valueAndGrad(loss, [kernels, probes])();
    const [kernelGrads, probeGrads] = grads as unknown as [ax.Tensor[], ax.Tensor[]];
    const norm = (t: ax.Tensor) => ax.sqrt(ax.sum(ax.square(t))).dataSync()[0];
    const result = outputs.map((h, i) => {
      const m = ax.moments(h);
      return {
        mean: m.mean.dataSync()[0],
        variance: m.variance.dataSync()[0],
        backwardNorm: norm(probeGrads[i]),
        kernelGradNorm: norm(kernelGrads[i]),
      };
    });
    for (const p of [...probes, ...kernels]) p.value.dispose();
    return result;
  });
}

/** E[f(z)] for z ~ N(0, q), by the trapezoid rule over ±12 standard deviations. */
function gaussianMean(f: (z: number) => number, q: number): number {
  const s = Math.sqrt(q);
  const steps = 4000;
  const h = (24 * s) / steps;
  let total = 0;
  for (let k = 0; k <= steps; k++) {
    const z = -12 * s + k * h;
    total += (k === 0 || k === steps ? 0.5 : 1) * f(z) * Math.exp((-z * z) / (2 * q));
  }
  return (total * h) / Math.sqrt(2 * Math.PI * q);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The gain χ = n·E[σ'(z)²] by which a sigmoid layer of width n with N(0, 1) weights multiplies the
 * squared backward signal, z at the fixed point of the pre-activation variance q = n·E[σ(z)²].
 * Below 1 the gradient vanishes with depth, above 1 it explodes.
 */
export function sigmoidGain(width: number): number {
  let q = width;
  for (let i = 0; i < 50; i++) q = width * gaussianMean((z) => sigmoid(z) ** 2, q);
  return width * gaussianMean((z) => (sigmoid(z) * (1 - sigmoid(z))) ** 2, q);
}
