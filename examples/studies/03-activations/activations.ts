// The activations compared, each with the initialization rule its authors pair it with.
import * as ax from "@axon/axon";

const { nn } = ax;

export interface ActivationCase {
  readonly name: string;
  /** The activation as a layer (PReLU learns one slope per unit; RReLU draws slopes while training). */
  readonly layer: (units: number, seed: number) => ax.nn.Module;
  /** The kernel initializer's rule: Glorot for the saturating ones, LeCun for SELU, He for the rest. */
  readonly init: "glorotNormal" | "heNormal" | "lecunNormal";
}

export const ACTIVATIONS: readonly ActivationCase[] = [
  { name: "sigmoid", layer: () => new nn.Sigmoid(), init: "glorotNormal" },
  { name: "tanh", layer: () => new nn.Tanh(), init: "glorotNormal" },
  { name: "ReLU", layer: () => new nn.ReLU(), init: "heNormal" },
  { name: "leaky ReLU 0.01", layer: () => new nn.LeakyReLU(0.01), init: "heNormal" },
  { name: "leaky ReLU 0.2", layer: () => new nn.LeakyReLU(0.2), init: "heNormal" },
  { name: "PReLU", layer: (units) => new nn.PReLU({ numParameters: units }), init: "heNormal" },
  { name: "RReLU", layer: (_, seed) => new nn.RReLU(1 / 8, 1 / 3, { seed }), init: "heNormal" },
  { name: "ELU", layer: () => new nn.ELU(), init: "heNormal" },
  { name: "SELU", layer: () => new nn.SELU(), init: "lecunNormal" },
];

/**
 * An MLP `sizes[0] → … → sizes.at(-1)` with the case's activation after each hidden dense layer and
 * logits out. The kernels of layer i are seeded `seed·100 + i`, the same draws for every case that
 * shares an initialization rule.
 */
export function mlp(c: ActivationCase, sizes: readonly number[], seed: number): ax.nn.Sequential {
  const layers: ax.nn.Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const hidden = i + 2 < sizes.length;
    const kernelInitializer = hidden
      ? nn.init[c.init]({ seed: seed * 100 + i })
      : nn.init.glorotNormal({ seed: seed * 100 + i });
    layers.push(new nn.Dense(sizes[i], sizes[i + 1], { kernelInitializer }));
    if (hidden) layers.push(c.layer(sizes[i + 1], seed * 100 + 50 + i));
  }
  return new nn.Sequential(layers);
}
