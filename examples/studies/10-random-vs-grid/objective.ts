// The objective both searches minimize: a short SGD fit of a one-hidden-layer MLP on MNIST digits.
import * as ax from "@axon/axon";
import { denseStack } from "../lib/mlp.ts";

const { nn, optim } = ax;

export interface ShortFitOptions {
  readonly train: ax.data.Dataset;
  readonly validation: ax.data.Dataset;
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the initial weights and the data order, the same for every trial. */
  readonly seed: number;
}

export interface ShortFitConfig {
  /** Plain SGD's rate: the hyperparameter that matters. */
  readonly lr: number;
  /** The hidden layer's width: the one that barely does at this size. */
  readonly hidden: number;
}

/** Trains 784 → hidden → 10 (ReLU) with SGD at `lr` and returns the validation loss and accuracy. */
export function shortFit(
  o: ShortFitOptions,
): (config: ShortFitConfig) => Promise<{ loss: number; accuracy: number }> {
  return async ({ lr, hidden }) => {
    const model = denseStack({ sizes: [784, hidden, 10], seed: o.seed });
    await nn.fit(model, {
      data: o.train,
      loss: "softmaxCrossEntropy",
      optimizer: new optim.SGD({ lr }),
      epochs: o.epochs,
      batchSize: o.batchSize,
      seed: o.seed,
      verbose: 0,
    });
    const r = nn.evaluate(model, o.validation, {
      loss: "softmaxCrossEntropy",
      metrics: ["accuracy"],
      batchSize: 1000,
    });
    return { loss: r.loss, accuracy: r.accuracy };
  };
}
