// A small sigmoid network written as a function of its parameters, with a correct and a broken sigmoid rule.
import * as ax from "@axon/axon";

/** σ with a hand-written backward: σ' = σ(1 − σ), right. */
export const customSigmoid = ax.customGrad((x: ax.Tensor) => ({
  value: ax.sigmoid(x),
  grad: (dy: ax.Tensor, { value }: { value: ax.Tensor }) => dy.mul(value).mul(value.neg().add(1)),
}));

/** σ with a wrong backward: σ' = σ, the forgotten (1 − σ) factor. */
export const brokenSigmoid = ax.customGrad((x: ax.Tensor) => ({
  value: ax.sigmoid(x),
  grad: (dy: ax.Tensor, { value }: { value: ax.Tensor }) => dy.mul(value),
}));

export type SigmoidRule = "built-in" | "custom" | "broken";

const RULES: Record<SigmoidRule, (x: ax.Tensor) => ax.Tensor> = {
  "built-in": ax.sigmoid,
  custom: customSigmoid,
  broken: brokenSigmoid,
};

export interface Network {
  /** Layer widths, input first. */
  readonly sizes: readonly number[];
  /** Kernel and bias of each layer, in order: W1, b1, W2, b2, … (float64). */
  readonly params: ax.Tensor[];
  readonly names: string[];
  readonly x: ax.Tensor;
  readonly labels: ax.Tensor;
}

/** A seeded network `sizes[0] → … → sizes.at(-1)` and a batch of inputs with class labels. */
export function network(sizes: readonly number[], batch: number, seed: number): Network {
  const params: ax.Tensor[] = [];
  const names: string[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const stddev = 1 / Math.sqrt(sizes[i]);
    params.push(
      ax.randomNormal([sizes[i], sizes[i + 1]], { stddev, seed: seed * 100 + 2 * i, dtype: "float64" }),
    );
    params.push(
      ax.randomNormal([sizes[i + 1]], { stddev: 0.5, seed: seed * 100 + 2 * i + 1, dtype: "float64" }),
    );
    names.push(`W${i + 1}`, `b${i + 1}`);
  }
  const x = ax.randomNormal([batch, sizes[0]], { seed: seed * 100 + 99, dtype: "float64" });
  const classes = sizes.at(-1)!;
  const labels = ax.tensor(
    Int32Array.from({ length: batch }, (_, i) => (i * 7 + seed) % classes),
    [batch],
    "int32",
  );
  return { sizes, params, names, x, labels };
}

/**
 * The mean cross-entropy of the network as a function of its parameters: sigmoid hidden layers
 * (with the given rule), logits out. The inputs follow the parameters' dtype, so a float32 check
 * runs wholly in float32.
 */
export function lossOf(net: Network, rule: SigmoidRule): (...params: ax.Tensor[]) => ax.Tensor {
  const act = RULES[rule];
  return (...params: ax.Tensor[]) => {
    let h = ax.cast(net.x, params[0].dtype);
    for (let i = 0; i < params.length; i += 2) {
      h = ax.add(ax.matmul(h, params[i]), params[i + 1]);
      if (i + 2 < params.length) h = act(h);
    }
    return ax.softmaxCrossEntropy(h, net.labels);
  };
}
